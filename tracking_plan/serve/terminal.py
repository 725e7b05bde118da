"""Text from clients as a terminal may show it.

Event names reach `tp serve` from any page that posts to it, and `tp captures check` prints
what a server answered: a control character or escape sequence in them (a terminal title, a
cleared screen, a bidi override that reorders a line) must be shown, never obeyed.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """`text` with each unprintable character written as its Python escape (\\x1b, \\u202e)."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
