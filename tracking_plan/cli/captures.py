"""tp captures export and tp captures check: read what tp serve captured."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..output_files import STDIN
from ..printable import printable
from ._app import captures_app
from ._options import OUTPUT_RULE, FailOn, ForceOption
from ._shared import EXIT_FINDINGS, counted, err, fail, out, writing

_SHOWN_VIOLATIONS = 20  # by tp captures check


@captures_app.command("export")
def captures_export_command(
    db: Annotated[Path, typer.Option("--db", help="The capture store tp serve wrote.")] = Path(
        "tp-captures.sqlite"
    ),
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="The JSON Lines file to write; - for stdout. Never the store itself."
            + OUTPUT_RULE,
        ),
    ] = "-",
    force: ForceOption = False,
) -> None:
    """Write the captured messages as JSON Lines, in arrival order (tp validate reads them).

    Example: tp captures export -o captured.jsonl && tp validate plan.yaml captured.jsonl
    """
    from ..serve import StoreError, export_messages
    from ..serve.export import export_to_file

    try:
        if output == STDIN:
            count = export_messages(db, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            with writing():
                count = export_to_file(db, Path(output), force=force)
    except StoreError as error:
        fail(str(error))
    (err if output == STDIN else out).print(f"Exported {counted(count, 'message')} from {db}.")


@captures_app.command("check")
def captures_check_command(
    url: Annotated[
        str, typer.Option("--url", help="The address of the running tp serve.")
    ] = "http://127.0.0.1:8642",
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a violation is at least this severe."),
    ] = FailOn.ERROR,
    write_key: Annotated[
        str | None,
        typer.Option("--write-key", help="The key the server was started with, if any."),
    ] = None,
) -> None:
    """Ask a running tp serve whether the events it captured broke the plan.

    Exit codes: 0 no violation at or above --fail-on, 1 violations, 2 the server cannot be
    reached.
    Example: tp captures check --url http://127.0.0.1:8642 --fail-on warning
    """
    from ..serve import Unreachable, check_captures

    try:
        result = check_captures(url, fail_on.severity, write_key=write_key)
    except Unreachable as error:
        fail(str(error))
    out.print(
        f"{counted(result.events, 'event')} captured at {url}: {result.valid:,} valid,"
        f" {result.invalid:,} invalid."
    )
    for violation in result.failing[:_SHOWN_VIOLATIONS]:
        out.print(f"  {printable(str(violation))}")  # one line, whatever the server sent
    if len(result.failing) > _SHOWN_VIOLATIONS:
        out.print(f"  ... and {len(result.failing) - _SHOWN_VIOLATIONS:,} more")
    if not result.failing:
        out.print(f"No violations at or above {fail_on.value}.")
        return
    codes = ", ".join(f"{code} x{count}" for code, count in sorted(result.counts().items()))
    out.print(
        printable(
            f"{counted(len(result.failing), 'violation')} at or above {fail_on.value} ({codes})."
        ),
        markup=False,
        highlight=False,
    )
    raise typer.Exit(EXIT_FINDINGS)
