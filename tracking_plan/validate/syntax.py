"""Where a JSON value stops being valid, and why: computed here, never read from the json
module's error, whose position and wording change between Python versions (3.13 reports a
trailing comma at the comma, 3.12 at the token after it).

`json_error` is only called once a parser has refused a value, so it favours being exact and
simple over speed: it walks the value with a stack (no recursion, so any depth is fine) and
returns the first character no valid JSON text could have there, the end of the text when the
value is cut short, the start of an integer too long for Python to read, or the first bracket
nested deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

__all__ = ["MAX_DEPTH", "JsonError", "json_error", "position"]

MAX_DEPTH = 500
"""Brackets nested deeper than this are reported: Python's json gives up somewhere above 1,000
levels (the exact depth depends on the interpreter), msgspec above 500."""

_SPACE = re.compile(r"[ \t\n\r]*")
_STRING_BODY = re.compile(r'(?:[^"\\\x00-\x1f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*')
_DIGITS = re.compile(r"[0-9]*")
_HEX = re.compile(r"[0-9a-fA-F]{0,4}")
_LITERALS = {"t": "true", "f": "false", "n": "null"}
_CLOSER = {"{": "}", "[": "]"}


class JsonError(NamedTuple):
    """Where the value stops being valid JSON (an offset in the text) and why."""

    pos: int
    reason: str


class _Stop(Exception):
    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.error = JsonError(pos, reason)


def json_error(text: str, start: int = 0) -> JsonError | None:
    """The first error of the JSON value that starts at `start` (white space before it is
    skipped), or None if the value is valid (the text after it is not looked at)."""
    try:
        _walk(text, start)
    except _Stop as stop:
        return stop.error
    return None


def position(text: str, pos: int) -> str:
    """Where offset `pos` of `text` is, for messages: `column C`, or `line L column C` when
    the text has several lines (columns count characters from 1)."""
    column = pos - text.rfind("\n", 0, pos)
    if "\n" not in text:
        return f"column {column}"
    return f"line {text.count(chr(10), 0, pos) + 1} column {column}"


def _walk(text: str, pos: int) -> None:
    stack: list[str] = []
    end = len(text)
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    while True:
        # A value starts at `pos`.
        char = text[pos] if pos < end else ""
        if char in _CLOSER:
            if len(stack) >= MAX_DEPTH:
                raise _Stop(pos, f"the value is nested too deeply (more than {MAX_DEPTH} levels)")
            stack.append(char)
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text.startswith(_CLOSER[char], pos):
                stack.pop()
                pos += 1
            elif char == "{":
                pos = _key(text, pos)
                continue
            else:
                continue
        elif char == '"':
            pos = _string(text, pos)
        elif char == "-" or char.isdigit():
            pos = _number(text, pos)
        elif char in _LITERALS:
            pos = _literal(text, pos, _LITERALS[char])
        else:
            raise _Stop(pos, "Expecting value")
        # After a value: the end, or what follows it in its container.
        while stack:
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos] if pos < end else ""
            if char == _CLOSER[stack[-1]]:
                stack.pop()
                pos += 1
                continue
            if char != ",":
                raise _Stop(pos, "Expecting ',' delimiter")
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if stack[-1] == "{":
                pos = _key(text, pos)
            break
        else:
            return


def _key(text: str, pos: int) -> int:
    """With `pos` where a member's name must start: the position of its value."""
    if not text.startswith('"', pos):
        raise _Stop(pos, "Expecting property name enclosed in double quotes")
    pos = _SPACE.match(text, _string(text, pos)).end()  # type: ignore[union-attr]
    if not text.startswith(":", pos):
        raise _Stop(pos, "Expecting ':' delimiter")
    return _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _string(text: str, pos: int) -> int:
    body_end = _STRING_BODY.match(text, pos + 1).end()  # type: ignore[union-attr]
    char = text[body_end] if body_end < len(text) else ""
    if char == '"':
        return body_end + 1
    if not char:
        raise _Stop(body_end, "Unterminated string")
    if char != "\\":
        raise _Stop(body_end, "Invalid control character")
    escape = body_end + 1
    if not text.startswith("u", escape):
        raise _Stop(escape, "Invalid \\escape")
    hex_end = _HEX.match(text, escape + 1).end()  # type: ignore[union-attr]
    raise _Stop(hex_end, "Invalid \\uXXXX escape")


def _number(text: str, pos: int) -> int:
    start = pos
    if text.startswith("-", pos):
        pos += 1
    if text.startswith("0", pos):
        pos += 1
    else:
        digits_end = _DIGITS.match(text, pos).end()  # type: ignore[union-attr]
        if digits_end == pos:
            raise _Stop(pos, "Expecting value")
        pos = digits_end
    integer_end = pos
    if text.startswith(".", pos):
        pos = _digits(text, pos + 1)
    if text.startswith(("e", "E"), pos):
        pos += 1
        if text.startswith(("+", "-"), pos):
            pos += 1
        pos = _digits(text, pos)
    limit = sys.get_int_max_str_digits()  # 0: no limit
    digits = integer_end - start - text.startswith("-", start)
    if pos == integer_end and limit and digits > limit:
        raise _Stop(start, f"a number of more than {limit:,} digits")
    return pos


def _digits(text: str, pos: int) -> int:
    end = _DIGITS.match(text, pos).end()  # type: ignore[union-attr]
    if end == pos:
        raise _Stop(pos, "Expecting a digit")
    return end


def _literal(text: str, pos: int, word: str) -> int:
    for offset, letter in enumerate(word):
        if not text.startswith(letter, pos + offset):
            raise _Stop(pos + offset, "Expecting value")
    return pos + len(word)
