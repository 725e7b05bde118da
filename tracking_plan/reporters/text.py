"""Human-readable report: grouped by file, the offending source line shown under each finding."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from ..diagnostics import Diagnostic, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@lru_cache(maxsize=64)
def _source_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


class TextReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        ordered = sorted(diagnostics, key=Diagnostic.sort_key)
        for diagnostic in ordered:
            self._one(console, diagnostic)
        if diagnostics:
            console.print(self._summary(diagnostics))

    def _one(self, console: Console, diagnostic: Diagnostic) -> None:
        style = _STYLE[diagnostic.severity]
        console.print(
            f"[bold]{escape(str(diagnostic.location))}[/]: [{style}]{diagnostic.code}[/] "
            f"{escape(diagnostic.message)} [dim]({diagnostic.slug})[/]"
        )
        loc = diagnostic.location
        lines = _source_lines(loc.file) if loc.file and loc.line else ()
        if loc.line and 0 < loc.line <= len(lines):
            gutter = f"{loc.line:>5} | "
            console.print(f"[dim]{gutter}[/]{escape(lines[loc.line - 1])}")
            if loc.column:
                console.print(
                    f"[dim]{' ' * (len(gutter) - 2)}| [/]{' ' * (loc.column - 1)}[{style}]^[/]"
                )
        if diagnostic.suggestion:
            console.print(f"      [green]suggestion:[/] {escape(diagnostic.suggestion)}")

    @staticmethod
    def _summary(diagnostics: Sequence[Diagnostic]) -> str:
        counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
        parts = [
            f"{n} {s.label}{'s' if n != 1 else ''}"
            for s, n in sorted(counts.items(), reverse=True)
            if n
        ]
        return "Found " + ", ".join(parts) + "."
