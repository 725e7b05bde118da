"""tp lint: check plans against the lint rules and report in a --format."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..output_files import STDIN
from ..reporters import get_reporter
from ._app import app

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
from ._options import (
    FailOn,
    ForceOption,
    FormatOption,
    IncludeRootOption,
    NoCacheOption,
    ReportOutputOption,
)
from ._shared import EXIT_ERROR, EXIT_FINDINGS, err, fail, report_to_stderr, write


@app.command("lint")
def lint_command(
    plan_paths: Annotated[
        list[Path], typer.Argument(help="Plan files to lint.", show_default=False)
    ],
    output_format: FormatOption = "auto",
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Configuration file (default: the nearest .tracking-plan.yaml or "
            "pyproject.toml [tool.tracking-plan]; else the recommended preset).",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Run only these rules (codes, prefixes or slugs)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Do not run these rules.")
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe."),
    ] = None,
    output: ReportOutputOption = None,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check plans for naming drift, duplicates, type conflicts, missing docs and more.

    Exit codes: 0 clean, 1 findings at or above --fail-on (default error), 2 a plan or the
    configuration cannot be read.
    Example: tp lint plans/shop/plan.yaml --format sarif -o tp.sarif
    """
    from ..cache import Cache
    from ..cache.lint import lint_plan_file
    from ..diagnostics import Severity
    from ..lint.config_search import ConfigError, find_config

    try:
        reporter = get_reporter(output_format)
    except ValueError as error:
        fail(str(error))
    config_file = config_path or find_config(plan_paths[0] if plan_paths else Path.cwd())
    if config_path is not None and not config_path.is_file():
        fail(f"configuration file {config_path} does not exist")
    cache = Cache.default(enabled=not no_cache)
    diagnostics: list[Diagnostic] = []
    read: list[str | Path] = [*plan_paths]
    unloadable = False
    config_fail_on = Severity.ERROR
    for plan_path in plan_paths:
        try:
            linted = lint_plan_file(
                plan_path,
                config_file=_relative(config_file) if config_file else None,
                select=select or (),
                ignore=ignore or (),
                include_roots=include_root or (),
                cache=cache,
            )
        except ConfigError as error:
            report_to_stderr(error.diagnostics)
            err.print("[bold red]error:[/] invalid lint configuration", markup=True)
            raise typer.Exit(EXIT_ERROR) from None
        diagnostics.extend(linted.diagnostics)
        read.extend(linted.files)
        unloadable = unloadable or not linted.loaded
        config_fail_on = linted.fail_on
    if config_file is not None:
        read.append(config_file)
    threshold = fail_on.severity if fail_on is not None else config_fail_on
    if output is None or str(output) == STDIN:
        reporter.report(diagnostics, sys.stdout)
    else:
        report = io.StringIO()
        reporter.report(diagnostics, report)
        write(output, report.getvalue(), owner="tp lint", force=force, inputs=tuple(read))
    if unloadable:
        raise typer.Exit(EXIT_ERROR)
    if any(d.severity >= threshold for d in diagnostics):
        raise typer.Exit(EXIT_FINDINGS)


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
