"""The answers tp gives before typer is imported: `tp --version`, and `tp`, `tp --help` or
`tp -h`, which list the commands. They run in pre-commit hooks and editors, where importing the
whole CLI (typer, rich, every command) would cost ten times the answer.

The help is laid out as typer lays it out without colour (a test compares the two at several
widths), from the plain data in `_index`. On a terminal narrower than `NARROWEST`, where rich
shortens cells in ways not worth copying, typer answers."""

from __future__ import annotations

import os
import sys

from .. import __version__
from ._index import COMMANDS, EPILOG, HELP, OPTIONS

USAGE = "Usage: tp [OPTIONS] COMMAND [ARGS]..."
_HELP_ARGS: tuple[list[str], ...] = ([], ["--help"], ["-h"])
NARROWEST = 60


def answer(argv: list[str]) -> int | None:
    """Print the answer to these arguments if it needs no command, and return the exit code;
    None when a command must answer. `tp` alone is a usage error (exit 2), as in typer."""
    if argv == ["--version"]:
        sys.stdout.write(f"tp {__version__}\n")
        return 0
    if argv in _HELP_ARGS and (width := terminal_width()) >= NARROWEST:
        # typer ends the help it was asked for with an empty line, not the one it gives instead
        # of an error
        sys.stdout.write(top_help(width) + ("\n" if argv else ""))
        return 0 if argv else 2
    return None


def terminal_width() -> int:
    """The width typer's help would use (rich decides it): COLUMNS, else the size of the first
    of standard input, output and error that is a terminal, else 80; at most TERMINAL_WIDTH."""
    width = _columns()
    limit = os.environ.get("TERMINAL_WIDTH", "")
    return min(width, int(limit)) if limit.isdigit() else width


def _columns() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if os.environ.get("TERM", "").lower() not in ("dumb", "unknown"):
        for descriptor in (0, 1, 2):
            try:
                return os.get_terminal_size(descriptor).columns
            except OSError:
                continue
    return 80


def top_help(width: int) -> str:
    lines = ["", f" {USAGE}", ""]
    lines += [f" {line}" for line in _wrap(HELP, width - 2)]
    lines += [""]
    options: list[tuple[str, ...]] = [(long, short, "", text) for long, short, text in OPTIONS]
    lines += _panel("Options", options, width)
    commands: list[tuple[str, ...]] = list(COMMANDS.items())
    lines += _panel("Commands", commands, width)
    lines += [""]
    lines += [f" {line}" for line in _wrap(EPILOG, width - 2)]
    lines += [""]
    return "".join(f"{line.ljust(width)}\n" for line in lines)


def _panel(title: str, rows: list[tuple[str, ...]], width: int) -> list[str]:
    """A titled box of rows: every column as wide as its widest cell, two spaces apart, the
    last wrapped into what is left."""
    inner = width - 4
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    if len(widths) > 1:  # typer keeps its short-option column six wide
        widths[1] = max(widths[1], 6)
    lead = sum(widths) + 2 * len(widths)
    head = f"╭─ {title} "
    lines = [head + "─" * (width - len(head) - 1) + "╮"]
    for row in rows:
        cells = [cell.ljust(size) for cell, size in zip(row, widths, strict=False)]
        for number, text in enumerate(_wrap(row[-1], inner - lead)):
            first = "  ".join(cells) + "  " if number == 0 else " " * lead
            lines.append(f"│ {(first + text).ljust(inner)} │")
    lines.append("╰" + "─" * (width - 2) + "╯")
    return lines


def _wrap(text: str, width: int) -> list[str]:
    import textwrap  # it imports `re`: not needed by `tp --version`

    return textwrap.wrap(text, max(width, 1), break_on_hyphens=False) or [""]
