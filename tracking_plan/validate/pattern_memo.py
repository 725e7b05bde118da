"""What tp derives from the plan's patterns, remembered: the scanner's DFA of a pattern
(`native`) and whether Python's `re` may backtrack on it (`linear`). Both are pure functions of
the pattern's text that cost milliseconds each; `tracking_plan.cache.patterns` keeps them
between runs, keyed by tp's version, so any plan with the same pattern finds it."""

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
