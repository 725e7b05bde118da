"""Human-readable report: grouped by file, the offending source line shown under each finding.

Colour only on a terminal: rich's Console detects one, and `NO_COLOR` (https://no-color.org)
turns off every style, bold and dim included, not only colours as rich alone would.

Plan and dump text is hostile on a terminal: the console every human-facing output goes through
(`make_console`) spells the characters that are not printable, so no text can move the cursor,
clear the screen or reorder a line; text put into markup goes through `shown`, so that `[red]`
in a name is not a style.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..diagnostics import Diagnostic, Severity
from ..printable import printable

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
NO_FILE = "<input>"


@lru_cache(maxsize=64)
def _source_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def shown(text: object) -> str:
    """Plan or dump text for console markup: every character that is not printable spelled as
    repr() spells it (line breaks too: a name cannot forge a line), markup escaped."""
    return escape(printable(str(text)))


class _Console(Console):
    """Spells every character that is not printable but the line breaks of what it prints: its
    callers' own text has those, and a name that reaches it unescaped cannot drive the
    terminal."""

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        return super().render_str(printable(text, keep="\n"), *args, **kwargs)


def make_console(stream: TextIO, *, markup: bool = True) -> Console:
    """A console for human output: colour only on a terminal and never with NO_COLOR. Without
    `markup`, text is printed as written unless a call asks for markup."""
    no_color = os.environ.get("NO_COLOR", "") != ""
    return _Console(
        file=stream,
        markup=markup,
        highlight=False,
        soft_wrap=True,
        # `:name:` in a message is text, not an emoji code.
        emoji=False,
        color_system=None if no_color else "auto",
    )


_EXCERPT_WIDTH = 120


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """The part of a source line shown under a diagnostic, at most `_EXCERPT_WIDTH` characters
    around the 1-based `column` (a plan line can be megabytes long), with its unprintable
    characters spelled; and how far into that text the caret goes."""
    start = 0
    if len(line) > _EXCERPT_WIDTH:
        start = max(0, min(column - 1 - _EXCERPT_WIDTH // 2, len(line) - _EXCERPT_WIDTH))
    end = start + _EXCERPT_WIDTH
    lead = "…" if start > 0 else ""
    text = lead + printable(line[start:end]) + ("…" if end < len(line) else "")
    return text, len(lead) + len(printable(line[start : max(start, column - 1)]))


class TextReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        console = make_console(stream)
        ordered = sorted(diagnostics, key=Diagnostic.sort_key)
        files = {d.location.file for d in ordered}
        for file, group in groupby(ordered, key=lambda d: d.location.file):
            if len(files) > 1:
                console.print(f"[bold underline]{shown(file or NO_FILE)}[/]")
            for diagnostic in group:
                self._one(console, diagnostic)
            if len(files) > 1:
                console.print()
        if diagnostics:
            console.print(self._summary(diagnostics, len(files)))

    def _one(self, console: Console, diagnostic: Diagnostic) -> None:
        style = _STYLE[diagnostic.severity]
        # The message is tp's own text (it quotes names with repr) and may have line breaks.
        console.print(
            f"[bold]{shown(diagnostic.location)}[/]: [{style}]{diagnostic.code}[/] "
            f"{escape(diagnostic.message)} [dim]({escape(diagnostic.slug)})[/]"
        )
        loc = diagnostic.location
        lines = _source_lines(loc.file) if loc.file and loc.line else ()
        if loc.line and 0 < loc.line <= len(lines):
            gutter = f"{loc.line:>5} | "
            text, caret = _excerpt(lines[loc.line - 1], loc.column or 1)
            console.print(f"[dim]{gutter}[/]{escape(text)}")
            if loc.column:
                console.print(f"[dim]{' ' * (len(gutter) - 2)}| [/]{' ' * caret}[{style}]^[/]")
        if diagnostic.suggestion:
            console.print(f"      [green]suggestion:[/] {shown(diagnostic.suggestion)}")

    @staticmethod
    def _summary(diagnostics: Sequence[Diagnostic], file_count: int) -> str:
        counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
        parts = [
            f"{n} {s.label}{'s' if n != 1 else ''}"
            for s, n in sorted(counts.items(), reverse=True)
            if n
        ]
        where = f" in {file_count} files" if file_count > 1 else ""
        return "Found " + ", ".join(parts) + where + "."
