"""What `tp serve` shows while it runs: a live table on a terminal, else one line a violation.

Both are fed from the writer thread and never block it: the live view only updates counters
(rich redraws from its own thread), and the log view hands lines to a writer thread through a
bounded queue, dropping lines (and saying how many) when nobody reads the output.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections import Counter, deque
from collections.abc import Sequence
from typing import Protocol, TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..printable import printable
from .collector import Captured

_RECENT_VIOLATIONS = 12
_LOG_QUEUE = 10_000
_PREFIX = "tp serve: "


class View(Protocol):
    def captured(self, events: Sequence[Captured]) -> None:
        """New events were stored (called from the writer thread)."""

    def note(self, text: str) -> None:
        """Something the operator should know that is not a violation (a failed relay)."""

    def close(self) -> None: ...


def make_view(*, live: bool, quiet: bool, title: str) -> View:
    """The live view when `live` (a terminal) and not `quiet`; else the log view."""
    if live and not quiet:
        return LiveView(title)
    return LogView(sys.stdout, sys.stderr, quiet=quiet)


def violation_lines(event: Captured) -> list[str]:
    """One line per finding of an event: where, what, and the fix for a misspelt name."""
    lines = []
    for finding in event.findings:
        where = f" at {finding.pointer}" if finding.pointer else ""
        fix = ""
        if finding.suggestion and repr(finding.suggestion) not in finding.message:
            fix = f" (fix: {finding.suggestion!r})"
        lines.append(
            f"{_PREFIX}event {event.id} {event.label!r}: {finding.severity.label}"
            f" {finding.code}{where}: {finding.message}{fix}"
        )
    return lines


class LogView:
    """Violation lines on `out`, notes on `errors`, written by a thread of their own."""

    def __init__(self, out: TextIO, errors: TextIO, *, quiet: bool) -> None:
        self._quiet = quiet
        self._lines: queue.Queue[tuple[TextIO, str] | None] = queue.Queue(_LOG_QUEUE)
        self._dropped = 0
        self._out = out
        self._errors = errors
        self._thread = threading.Thread(target=self._write, name="tp-serve-log", daemon=True)
        self._thread.start()

    def captured(self, events: Sequence[Captured]) -> None:
        if self._quiet:
            return
        for event in events:
            for line in violation_lines(event):
                self._put(self._out, line)

    def note(self, text: str) -> None:
        self._put(self._errors, _PREFIX + text)

    def _put(self, stream: TextIO, line: str) -> None:
        try:
            self._lines.put_nowait((stream, line))
        except queue.Full:
            self._dropped += 1

    def _write(self) -> None:
        while (item := self._lines.get()) is not None:
            stream, line = item
            if self._dropped:
                dropped, self._dropped = self._dropped, 0
                line = f"{_PREFIX}{dropped:,} lines were dropped: the output is not read\n{line}"
            try:
                stream.write(line + "\n")
                stream.flush()
            except (OSError, ValueError):  # the reader went away; the server goes on
                pass

    def close(self) -> None:
        self._lines.put(None)
        self._thread.join(timeout=2)


class LiveView:
    """A table of events by name with valid and invalid counts, and the latest violations."""

    def __init__(self, title: str) -> None:
        self._title = title
        self._lock = threading.Lock()
        self._valid: Counter[str] = Counter()
        self._invalid: Counter[str] = Counter()
        self._recent: deque[tuple[Captured, int]] = deque(maxlen=_RECENT_VIOLATIONS)
        self._notes: deque[str] = deque(maxlen=3)
        self._live = Live(
            get_renderable=self._render,
            console=Console(file=sys.stdout),
            refresh_per_second=4,
            transient=False,
        )
        self._live.start()

    def captured(self, events: Sequence[Captured]) -> None:
        with self._lock:
            for event in events:
                (self._valid if event.valid else self._invalid)[event.label] += 1
                for index in range(len(event.findings)):
                    self._recent.append((event, index))

    def note(self, text: str) -> None:
        with self._lock:
            self._notes.append(text)

    def close(self) -> None:
        self._live.stop()

    def _render(self) -> RenderableType:
        with self._lock:
            valid, invalid = sum(self._valid.values()), sum(self._invalid.values())
            header = Text(
                f"{self._title}: {valid + invalid:,} events, {invalid:,} invalid", style="bold"
            )
            parts: list[RenderableType] = [header, self._events_table()]
            if self._recent:
                parts += [Text("latest violations", style="bold"), self._violations_table()]
            return Group(*parts, *self._note_lines())

    def _events_table(self) -> Table:
        table = Table("event", "valid", "invalid", box=None)
        for label in sorted(self._valid.keys() | self._invalid.keys()):
            bad = self._invalid[label]
            table.add_row(
                Text(printable(label)),
                f"{self._valid[label]:,}",
                Text(f"{bad:,}", style="bold red" if bad else ""),
            )
        return table

    def _violations_table(self) -> Table:
        table = Table("id", "event", "code", box=None, expand=True)
        table.add_column("problem", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("fix", no_wrap=True)
        for event, index in self._recent:
            finding = event.findings[index]
            style = "red" if finding.severity.label == "error" else "yellow"
            table.add_row(
                str(event.id),
                Text(printable(event.label)),
                Text(finding.code, style=style),
                Text(printable(finding.message)),
                Text(f"rename to {finding.suggestion!r}" if finding.suggestion else ""),
            )
        return table

    def _note_lines(self) -> list[Text]:
        return [Text(printable(note), style="yellow") for note in self._notes]
