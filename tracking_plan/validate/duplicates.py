"""Duplicate messageIds: Segment drops a message whose messageId it has seen recently, so a
record is reported when its id is among the last `dedupe_window` distinct ids (a window, so
that memory stays bounded however long the input)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import msgspec

from ..diagnostics import Severity
from .explain import Finding
from .native import NativeScanner

IsDuplicate = Callable[[str], bool]
"""Whether a messageId is in the window; if not, it is remembered."""


class _WithMessageId(msgspec.Struct):
    messageId: Any = None


_MESSAGE_ID = msgspec.json.Decoder(_WithMessageId)


class RecentIds:
    """The window in Python, for runs without the native scanner."""

    def __init__(self, window: int) -> None:
        self._window = window
        self._ids: set[str] = set()
        self._order: deque[str] = deque()

    def seen(self, message_id: str) -> bool:
        """Whether the id is among the last `window` distinct ids; else remember it."""
        if message_id in self._ids:
            return True
        self._ids.add(message_id)
        self._order.append(message_id)
        if len(self._order) > self._window:
            self._ids.discard(self._order.popleft())
        return False

    def prime(self, lines: bytes | memoryview) -> None:
        """Remember the messageIds of these JSON Lines (the records just before the part of a
        file a validator reads), so that a duplicate across the cut is still found."""
        for line in bytes(lines).splitlines():
            try:
                message_id = _MESSAGE_ID.decode(line).messageId
            except (msgspec.DecodeError, RecursionError):
                continue
            if isinstance(message_id, str):
                self.seen(message_id)


class ScannerIds:
    """The native scanner's window, which also holds the ids of the records the scanner passed
    over itself."""

    def __init__(self, native: NativeScanner) -> None:
        self._native = native
        self._seen = native.seen

    def seen(self, message_id: str) -> bool:
        return self._seen(message_id.encode("utf-8", "surrogatepass"))

    def prime(self, lines: bytes | memoryview) -> None:
        self._native.prime(lines)


def never_seen(message_id: str) -> bool:
    """For a record whose messageId the native scanner has looked up already."""
    return False


def duplicate_finding(message_id: str) -> Finding:
    return Finding.of(
        "EN205",
        f"messageId {message_id!r} was already seen; Segment drops duplicates",
        "/messageId",
        severity=Severity.WARNING,
    )
