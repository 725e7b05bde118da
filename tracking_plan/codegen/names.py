"""Identifiers for generated code, derived from plan names deterministically and safely.

Any event or property name (spaces, punctuation, leading digits, non-ASCII, keywords) gives a
valid ASCII identifier; two names that give the same identifier in one scope are told apart by
a numeric suffix in plan order (the first keeps the plain form), so adding a name never renames
an earlier one. Wire names are never changed: generated code always sends them as written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import Enum

from ..naming import words


class Style(Enum):
    CAMEL = "camel"  # orderCompleted
    PASCAL = "pascal"  # OrderCompleted
    SNAKE = "snake"  # order_completed


FALLBACK = "unnamed"


def ascii_words(name: str) -> list[str]:
    """The words of a name in ASCII: accents dropped (`Café` -> `Cafe`), other characters spelled
    as their code point (`日本` -> `u65e5u672c`)."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    result: list[str] = []
    for word in words(plain):
        ascii_text = "".join(ch for ch in word if ch.isascii() and ch.isalnum())
        spelled = "".join(f"u{ord(ch):04x}" for ch in word if not ch.isascii() and ch.isalnum())
        if ascii_text:
            result.append(ascii_text)
        if spelled:
            result.append(spelled)
    return result


def identifier(name: str, style: Style, reserved: Iterable[str] = ()) -> str:
    """`name` as an identifier in `style`; a result that is reserved (a keyword) gets a trailing
    underscore, one that would start with a digit a leading underscore."""
    parts = ascii_words(name) or [FALLBACK]
    if style is Style.SNAKE:
        text = "_".join(p.lower() for p in parts)
    else:
        head, *rest = parts
        text = _capitalised(head) if style is Style.PASCAL else _lower_first(head)
        for part in rest:
            # after digits a word stays as it is: `1st`, not `1St`
            text += part if text[-1].isdigit() else _capitalised(part)
    if text[0].isdigit():
        text = "_" + text
    if text in set(reserved):
        text += "_"
    return text


def _capitalised(word: str) -> str:
    """`order` -> `Order`, `COMPLETED` -> `Completed`, `iPhone` -> `IPhone`."""
    if word.isupper():
        return word.capitalize()
    return word[:1].upper() + word[1:]


def _lower_first(word: str) -> str:
    if word.isupper():  # an acronym: `URL` -> `url`
        return word.lower()
    return word[:1].lower() + word[1:]


class Scope:
    """Identifiers of one scope (a module's functions, a type's fields): each wire name gets one,
    distinct from the others and from `taken`."""

    def __init__(self, style: Style, reserved: Iterable[str] = (), taken: Iterable[str] = ()):
        self.style = style
        self.reserved = frozenset(reserved)
        # Compared without case: names that differ only in case would collide on
        # case-insensitive file systems where type names become file names.
        self._used = {name.casefold() for name in taken}
        self._given: dict[str, str] = {}

    def name(self, wire: str) -> str:
        given = self._given.get(wire)
        if given is not None:
            return given
        base = identifier(wire, self.style, self.reserved)
        candidate = base
        number = 2
        while candidate.casefold() in self._used:
            candidate = f"{base}{number}"
            number += 1
        self._used.add(candidate.casefold())
        self._given[wire] = candidate
        return candidate
