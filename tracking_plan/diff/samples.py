"""Strings that match a regular expression, for witnesses: the shortest and a longer one, made by
walking Python's own parse of the pattern (literals, classes, repeats, groups, alternatives).
Each is checked with `re.search` before it is given; a pattern this cannot follow gives none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..validate.dfa import sre_parser as sre_parse

_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}


def matching(pattern: str) -> Iterator[str]:
    """Up to two strings `pattern` matches (searched, as JSON Schema's `pattern` is)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return
    for longer in (False, True):
        try:
            text = _walk(parsed, longer)
        except (_Unfollowed, RecursionError):
            continue
        if re.search(pattern, text):
            yield text


class _Unfollowed(Exception):
    pass


def _walk(items: Any, longer: bool) -> str:
    out: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append(next(c for c in "~a0" if ord(c) != av))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_in(av))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, inner = av
            count = low
            if longer:
                count = min(max(low + 2, 2), high if high != sre_parse.MAXREPEAT else low + 2)
            out.append(_walk(inner, longer) * count)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_walk(av[-1], longer))
        elif name == "BRANCH":
            out.append(_walk(av[1][0], longer))
        elif name == "AT":
            continue
        else:  # backreferences, look-arounds, conditionals
            raise _Unfollowed(name)
    return "".join(out)


def _in(items: Any) -> str:
    """A character of the class; for a negated one, the first of a few that it does not list
    (the caller's `re.search` catches a category it does list)."""
    if items and str(items[0][0]) == "NEGATE":
        listed = {chr(av) for op, av in items[1:] if str(op) == "LITERAL"}
        return next(c for c in "~a0 " if c not in listed)
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            return chr(av)
        if name == "RANGE":
            return chr(av[0])
        if name == "CATEGORY":
            return _CATEGORY_SAMPLES.get(str(av), "a")
    raise _Unfollowed("an empty class")
