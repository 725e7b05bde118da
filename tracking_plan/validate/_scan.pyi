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
    def scan(self, buffer: bytes, pos: int, /) -> tuple[int, int, int, int, int, bytes | None]: ...
    def seen(self, message_id: bytes, /) -> bool: ...
    def prime(self, lines: bytes | memoryview, /) -> int: ...
    def settle(self, signature: bytes, /) -> bool: ...
    def settled(self) -> list[tuple[bytes, int]]: ...
    def counts(
        self,
    ) -> list[
        tuple[int, tuple[int, ...], tuple[int, ...], int, tuple[int, ...], tuple[int, ...]]
    ]: ...

def split_elements(
    text: bytes, line: int, /
) -> tuple[bytes, bytes, int, int, int, list[tuple[int, int, int]]]: ...
def split_batch(
    text: bytes, line: int, max_length: int, /
) -> tuple[bytes, bytes, int, int, int, list[tuple[int, int, int]]] | None: ...
