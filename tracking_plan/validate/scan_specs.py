"""What the native scanner (`_scan.c`) takes and the numbers it shares with Python.

The scanner exports each constant under the same name; `tests/test_native.py` asserts that
they agree, so a change on one side of the seam cannot go unnoticed.
"""

from __future__ import annotations

from typing import NamedTuple

# Type bits of a node's `types`.
T_NULL, T_BOOL, T_INT, T_NUM, T_STR, T_ARR, T_OBJ = 1, 2, 4, 8, 16, 32, 64
T_ALL = 127

# A route's call kind.
K_TRACK, K_IDENTIFY, K_PAGE, K_SCREEN, K_GROUP = range(5)

PYTHON_DECIDES = -2
"""A route's payload node when Python decides every record of the route."""

MAX_FIELDS = 64
"""The most properties an object node (and a route's presence counts) can hold."""

MAX_MESSAGE_BYTES = 32 * 1024
"""Segment's limit on one message; a longer record always goes to Python."""

MAX_MESSAGE_ID = 100
"""The longest messageId, in code points."""

VIOLATION_WORDS = 5
"""32-bit words per violation in a route signature: node, keyword bit, kind, key length, spare."""

B_UNPLANNED = 16384
"""The keyword bit of a violation that only names an unplanned key."""

KINDS = ("null", "boolean", "number", "string", "array", "object")
"""The value kinds the scanner counts, in its order (as drift statistics name them)."""

SHARED = {
    "T_NULL": T_NULL,
    "T_BOOL": T_BOOL,
    "T_INT": T_INT,
    "T_NUM": T_NUM,
    "T_STR": T_STR,
    "T_ARR": T_ARR,
    "T_OBJ": T_OBJ,
    "T_ALL": T_ALL,
    "K_TRACK": K_TRACK,
    "K_IDENTIFY": K_IDENTIFY,
    "K_PAGE": K_PAGE,
    "K_SCREEN": K_SCREEN,
    "K_GROUP": K_GROUP,
    "PYTHON_DECIDES": PYTHON_DECIDES,
    "MAX_FIELDS": MAX_FIELDS,
    "MAX_MESSAGE_BYTES": MAX_MESSAGE_BYTES,
    "MAX_MESSAGE_ID": MAX_MESSAGE_ID,
    "VIOLATION_WORDS": VIOLATION_WORDS,
    "B_UNPLANNED": B_UNPLANNED,
    "KIND_COUNT": len(KINDS),
    "NODE_FIELDS": 19,
    "ROUTE_FIELDS": 7,
}
"""Every constant the scanner exports, by name: they must equal these."""

EnumSpec = tuple[tuple[bytes, ...], tuple[int, ...], bool]
"""An enum's values the scanner matches: UTF-8 strings, 64-bit integers, and whether null."""

FieldSpec = tuple[bytes, int, bool]
"""A planned key of an object node: (key, its value's node, required)."""


class NodeSpec(NamedTuple):
    """One value's checks; -1 (or None) means the keyword is absent."""

    types: int
    enum: EnumSpec | None = None
    min_len: int = -1
    max_len: int = -1
    dfa1: int = -1  # pattern
    dfa2: int = -1  # format
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: int = 0
    items: int = -1
    min_items: int = -1
    max_items: int = -1
    fields: tuple[FieldSpec, ...] | None = None  # None: any object
    forbid: bool = False  # unplanned keys are reported
    enum_exact: bool = False  # a value outside the enum fails exactly `enum` (and `type`)
    format_exact: bool = False  # the format DFA decides the format exactly
    format_outer: int = -1  # a DFA every value of the format matches


class RouteSpec(NamedTuple):
    """A definition the scanner routes records to, by call kind and name."""

    kind: int
    name: bytes  # empty for identify and group
    payload: int  # the payload's object node, -1 for any object, PYTHON_DECIDES
    payload_required: bool
    context: int  # the context's object node, or -1
    context_required: bool
    fields: int  # payload properties whose presence and kinds are counted


class DfaSpec(NamedTuple):
    """A search automaton: transitions (256 per state), accepting flags, start state."""

    transitions: bytes
    accepting: bytes
    start: int
