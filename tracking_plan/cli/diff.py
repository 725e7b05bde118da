"""tp diff: what a plan change breaks, for producers and consumers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._app import app
from ._options import (
    ForceOption,
    IncludeRootOption,
    NoCacheOption,
    ReportOutputOption,
    choices,
)
from ._shared import EXIT_ERROR, EXIT_FINDINGS, err, fail, load, report_to_stderr, write

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..diagnostics import Diagnostic
    from ..model import Plan

FORMATS = ("text", "markdown", "json", "jsonl", "sarif", "github", "junit")
DEFAULT_IGNORE_FILE = ".tp-diff-ignore.yaml"


@app.command("diff")
def diff_command(
    old_path: Annotated[
        Path,
        typer.Argument(
            help="The old plan; with --against, the plan in the work tree.",
            show_default=False,
            metavar="OLD",
        ),
    ],
    new_path: Annotated[
        Path | None,
        typer.Argument(
            help="The new plan (not with --against).", show_default=False, metavar="[NEW]"
        ),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Compare the plan with itself at this git ref (origin/main, a tag, a commit), "
            "read with its includes from git without touching the work tree.",
            show_default=False,
        ),
    ] = None,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="Whose breakage counts: producers (old apps still sending), consumers "
            "(dashboards, columns, generated clients) or both.",
        ),
    ] = "both",
    fail_on: Annotated[
        str,
        typer.Option("--fail-on", help="Exit 1 on changes this bad: breaking, risky or any."),
    ] = "breaking",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output: {choices(FORMATS)}.")
    ] = "text",
    output: ReportOutputOption = None,
    ignore_file: Annotated[
        Path | None,
        typer.Option(
            "--ignore-file",
            help=f"Changes accepted on purpose, each with a reason and an expiry date "
            f"(default: {DEFAULT_IGNORE_FILE} beside the plan, if there is one).",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Show what a plan change breaks, for the apps that send and the people who read.

    Each change gets a TP6xx code, its impact on producers and consumers, and for what breaks
    producers an event valid before and invalid after. Exit codes: 0 nothing at --fail-on,
    1 changes at --fail-on, 2 a plan or ref that cannot be read.
    Example: tp diff plans/shop/plan.yaml --against origin/main --format markdown
    """
    from ..diff.ignores import IgnoreFileError, read_ignores
    from ..diff.render import Summary, render_markdown, render_text
    from ..diff.report import FailOn, Policy
    from ..diff.run import DiffOptions, run_diff

    if output_format not in FORMATS:
        fail(f"unknown format {output_format!r} (choose from {', '.join(FORMATS)})")
    try:
        chosen_policy, threshold = Policy(policy), FailOn(fail_on).severity
    except ValueError as error:
        fail(str(error), hint="--policy producers|consumers|both, --fail-on breaking|risky|any")
    if (against is None) == (new_path is None):
        fail("give two plans (tp diff OLD NEW) or one plan and --against REF")
    plan_path = new_path if new_path is not None else old_path
    new = load(plan_path, include_root, no_cache=no_cache)
    relabel: Callable[[Diagnostic], Diagnostic] = lambda d: d  # noqa: E731
    if against is not None:
        old, old_label, relabel = _plan_at_ref(old_path, against, include_root, new)
        old_files: tuple[str, ...] = ()  # read from git, not from files
    else:
        old, old_label = load(old_path, include_root, no_cache=no_cache), str(old_path)
        old_files = old.files
    ignores = ignore_file or _default_ignore_file(plan_path)
    try:
        accepted = read_ignores(ignores) if ignores is not None else []
    except IgnoreFileError as error:
        fail(str(error))
    result = run_diff(old, new, DiffOptions(policy=chosen_policy, accepted=accepted))
    # what was removed is located in the old plan: at the ref, `REF:path`
    diagnostics = [relabel(d) for d in result.diagnostics]
    summary = Summary(old_label, str(plan_path), result.bump)
    report = io.StringIO()
    if output_format == "text":
        render_text(summary, diagnostics, report)
    elif output_format == "markdown":
        render_markdown(summary, diagnostics, report)
    else:
        from ..reporters import get_reporter

        get_reporter(output_format).report(diagnostics, report)
    inputs: tuple[str | Path, ...] = (*new.files, *old_files, *([ignores] if ignores else []))
    write(output, report.getvalue(), owner="tp diff", force=force, inputs=inputs)
    if any(d.severity >= threshold for d in diagnostics):
        raise typer.Exit(EXIT_FINDINGS)


def _plan_at_ref(
    plan_path: Path, ref: str, include_root: list[Path] | None, new: Plan
) -> tuple[Plan, str, Callable[[Diagnostic], Diagnostic]]:
    """The plan at the ref (an empty one when it did not exist there), how to name it, and
    how to name the files of the ref in diagnostics."""
    from ..diff.git_ref import RefError, read_plan_at_ref
    from ..model import Plan

    label = f"{ref}:{plan_path}"
    try:
        at_ref = read_plan_at_ref(plan_path, ref, include_root or ())
    except RefError as error:
        fail(str(error), hint="check the ref with: git rev-parse REF")
    if at_ref.result is None:  # the plan is new since the ref: everything in it is added
        return Plan(name=new.name), f"{label} (absent)", at_ref.relabel
    report_to_stderr([at_ref.relabel(d) for d in at_ref.result.diagnostics])
    if at_ref.result.plan is None:
        err.print(f"error: cannot load plan {label}", markup=False)
        raise typer.Exit(EXIT_ERROR)
    return at_ref.result.plan, label, at_ref.relabel


def _default_ignore_file(plan_path: Path) -> Path | None:
    candidate = plan_path.parent / DEFAULT_IGNORE_FILE
    return candidate if candidate.is_file() else None
