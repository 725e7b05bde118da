"""tp validate: recorded events checked against a plan."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..output_files import STDIN
from ..reporters.validation import VALIDATION_REPORTERS
from ._app import app
from ._options import (
    OUTPUT_RULE,
    FailOn,
    ForceOption,
    IncludeRootOption,
    NoCacheOption,
    PlanArg,
    choices,
)
from ._shared import EXIT_FINDINGS, err, fail, load, progress, writing

if TYPE_CHECKING:
    from ..validate import ValidationReport


@app.command("validate")
def validate_command(
    plan_path: PlanArg,
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Event dumps: JSON Lines (.jsonl/.ndjson), a JSON array, a Segment batch "
            "payload, a browser capture (.har: Segment, Mixpanel and GA4 requests), gzip of any "
            "of these, or - for standard input.",
            show_default=False,
            metavar="INPUT...",
        ),
    ],
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=f"{choices(VALIDATION_REPORTERS)} (one finding per line)."
        ),
    ] = "text",
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
    ] = FailOn.ERROR,
    max_samples: Annotated[
        int, typer.Option("--max-samples", min=0, help="Sample records shown per violation.")
    ] = 3,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", help="Report only these events (repeatable; `page Home` for pages)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Drop findings with this code or prefix (repeatable)."),
    ] = None,
    invalid_out: Annotated[
        Path | None,
        typer.Option(
            "--invalid-out",
            help="Write failing records here (JSONL; never an input or the plan)." + OUTPUT_RULE,
        ),
    ] = None,
    valid_out: Annotated[
        Path | None,
        typer.Option(
            "--valid-out",
            help="Write passing records here (JSONL; never an input or the plan)." + OUTPUT_RULE,
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Processes for large plain JSONL files.")
    ] = 1,
    drift: Annotated[
        bool, typer.Option("--drift/--no-drift", help="Report drift across the whole input.")
    ] = True,
    dedupe_window: Annotated[
        int,
        typer.Option(
            "--dedupe-window",
            min=1,
            help="Find duplicate messageIds among this many recent messages.",
        ),
    ] = 100_000,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check recorded events against the plan: violations, naming drift, type drift.

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 the plan cannot be loaded.
    Example: tp validate plans/shop/plan.yaml plans/shop/sample-events.jsonl
    """
    from ..cache import Cache
    from ..cache.tables import remembered_tables
    from ..validate import Outputs, ValidateOptions, validate_files
    from ..validate.inputs import input_error

    render = VALIDATION_REPORTERS.get(output_format)
    if render is None:
        fail(f"unknown format {output_format!r} (choose from {', '.join(VALIDATION_REPORTERS)})")
    for source in inputs:
        if (reason := input_error(source)) is not None:
            fail(f"input {source} {reason}")
    for option, target in (("--invalid-out", invalid_out), ("--valid-out", valid_out)):
        if target is not None and str(target) == STDIN:
            fail(
                f"{option} cannot be standard output (-): the report is written there",
                hint=f"give {option} a file path",
            )
    plan = load(plan_path, include_root, no_cache=no_cache)
    options = ValidateOptions(
        max_samples=max_samples,
        only=frozenset(only) if only else None,
        ignore=tuple(ignore or ()),
        drift=drift,
        dedupe_window=dedupe_window,
    )
    with tempfile.TemporaryDirectory(prefix="tp-") as scratch:
        findings = str(Path(scratch) / "findings.jsonl") if output_format == "jsonl" else None
        outputs = Outputs(
            valid=str(valid_out) if valid_out else None,
            invalid=str(invalid_out) if invalid_out else None,
            findings=findings,
            force=force,
        )
        cache = Cache.default(enabled=not no_cache)
        with (
            remembered_tables(cache, plan_path, "validate"),
            progress(output_format == "text") as advance,
            writing(),
        ):
            report = validate_files(
                plan, inputs, jobs=jobs, options=options, outputs=outputs, progress=advance
            )
        if findings is not None:
            with open(findings, encoding="utf-8") as streamed:
                shutil.copyfileobj(streamed, sys.stdout)
    render(report, sys.stdout)
    _note_browser_captures(report)
    worst = report.worst()
    if worst is not None and worst >= fail_on.severity:
        raise typer.Exit(EXIT_FINDINGS)


def _note_browser_captures(report: ValidationReport) -> None:
    """Say on standard error how much of each HAR file was analytics traffic."""
    for source, summary in report.stats.har.items():
        err.print(
            f"{source}: {summary.analytics_requests} analytics request(s) read, "
            f"{summary.skipped_requests} other request(s) skipped, "
            f"{summary.problems} not readable"
        )
