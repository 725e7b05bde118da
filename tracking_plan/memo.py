"""What tp derives from a plan or its own data and costs time, remembered: the scanner's DFA of
a pattern (`validate.native`), whether Python's `re` may backtrack on it (`validate.linear`),
which enum values a property's other keywords accept and which formats jsonschema knows
(`validate.formats`), the built-in libraries as plans (`lint.spec`). Each is a pure function of
a text (a pattern, a property's schema, a library's name) for a given tp;
`tracking_plan.cache.tables` keeps them between runs, so a plan edited since works out only
what changed, and a run over valid records need not import jsonschema at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_known: dict[tuple[str, str], Any] = {}
_used: set[tuple[str, str]] = set()
_derived = False


def remembered(kind: str, pattern: str, derive: Callable[[str], T]) -> T:
    """`derive(pattern)`, worked out once per `kind` and pattern."""
    global _derived
    key = (kind, pattern)
    _used.add(key)
    if key in _known:
        value: T = _known[key]
        return value
    value = _known[key] = derive(pattern)
    _derived = True
    return value


def learn(entries: dict[tuple[str, str], Any]) -> None:
    """Take results worked out by an earlier run."""
    _known.update(entries)


def used() -> dict[tuple[str, str], Any]:
    """The results this run asked for."""
    return {key: _known[key] for key in _used}


def derived() -> bool:
    """Whether this run worked anything out that it was not given."""
    return _derived
