"""Types of the native scanner extension (`_scan.c`)."""

from typing import Any

class Scanner:
    def __init__(
        self,
        nodes: list[tuple[Any, ...]],
        dfas: list[tuple[bytes, bytes, int]],
        routes: list[tuple[Any, ...]],
        date_time: int,
        window: int,
    ) -> None: ...
    def scan(self, buffer: bytes, pos: int, /) -> tuple[int, int, int, int, int]: ...
    def seen(self, message_id: bytes, /) -> bool: ...
    def recent(self) -> list[bytes]: ...
    def counts(self) -> list[tuple[int, tuple[int, ...]]]: ...
