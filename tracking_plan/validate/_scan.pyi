"""Types of the native scanner extension (`_scan.c`). Its specs and shared constants are
defined in `scan_specs`."""

from .scan_specs import DfaSpec, NodeSpec, RouteSpec

class Scanner:
    def __init__(
        self,
        nodes: list[NodeSpec],
        dfas: list[DfaSpec],
        routes: list[RouteSpec],
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

T_NULL: int
T_BOOL: int
T_INT: int
T_NUM: int
T_STR: int
T_ARR: int
T_OBJ: int
T_ALL: int
K_TRACK: int
K_IDENTIFY: int
K_PAGE: int
K_SCREEN: int
K_GROUP: int
PYTHON_DECIDES: int
MAX_FIELDS: int
MAX_MESSAGE_BYTES: int
MAX_MESSAGE_ID: int
VIOLATION_WORDS: int
B_UNPLANNED: int
KIND_COUNT: int
NODE_FIELDS: int
ROUTE_FIELDS: int
