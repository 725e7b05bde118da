"""Options and arguments several commands take, with one help text each."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import Severity
from ..reporters import REPORTERS


class FailOn(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def severity(self) -> Severity:
        return Severity.parse(self.value)


FORCE_HELP = (
    "Replace existing output files that tp did not write, or that were changed since it did. "
    "An input (the plan, an event file) is never overwritten."
)
ForceOption = Annotated[bool, typer.Option("--force", help=FORCE_HELP)]
CheckOption = Annotated[
    bool,
    typer.Option("--check", help="Write nothing; exit 1 when the files in the output are stale."),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither read nor write tp's cache of loaded plans and derived tables (README "
        '"Cache"; TP_NO_CACHE=1 does the same, TP_CACHE_DIR moves it).',
    ),
]
OUTPUT_RULE = " A file tp did not write is replaced only with --force."
ReportOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file (standard output when omitted or -)." + OUTPUT_RULE,
    ),
]

PlanArg = Annotated[
    Path,
    typer.Argument(
        help="The plan YAML file (its includes are followed).",
        show_default=False,
        metavar="PLAN",
    ),
]
IncludeRootOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--include-root",
        help="Also allow `include:` files from this folder (repeatable); by default a plan "
        "includes only files inside its own folder.",
        exists=True,
        file_okay=False,
        show_default=False,
    ),
]


def choices(names: Iterable[str]) -> str:
    """The names as a help text lists them: `a, b, or c`."""
    *first, last = names
    return f"{', '.join(first)}, or {last}"


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help=f"Output: {choices([*REPORTERS, 'auto'])} (github under GitHub Actions, else text).",
    ),
]
