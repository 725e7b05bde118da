"""Human-readable report: grouped by file, the offending source line shown under each finding.

It prints through the hostile-text console of `reporters.console`, imported only when there is
something to print: a clean run does not pay for rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, Severity
from ..printable import printable

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
NO_FILE = "<input>"


@lru_cache(maxsize=64)
def _source_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


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
        if not diagnostics:
            return
        from .console import make_console, shown

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
        from rich.markup import escape

        from .console import shown

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
