"""Parse the JSON text of a Segment export, refusing what Python's `json` would let through.

`json.loads` accepts `NaN` and `Infinity`, turns `1e400` into infinity, raises ValueError on
integers over 4,300 digits and RecursionError on deep nesting. Here each of them is a
`JsonProblem` with the line and column of the offending text, and nesting is limited to what
a plan can hold.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from ..validate.syntax import json_error

MAX_NESTING = 100
"""Arrays and objects inside each other; plans (and the loader) stop at the same depth."""
_DIGITS_OF_LARGEST_FLOAT = len(str(int(sys.float_info.max)))
# Strings (skipped whole, so brackets inside them do not count) and brackets.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonProblem(Exception):
    """The text is not JSON a plan can be made of; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _BadNumber(ValueError):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(text)
        self.text = text
        self.why = why


def parse_json(text: str) -> Any:
    """The value of a JSON document; raises JsonProblem saying where it is not usable."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except json.JSONDecodeError as error:
        # Where and why from our own scanner: the interpreter's words and columns differ
        # between Python versions (3.13 reports a trailing comma, not what it expected).
        found = json_error(text)
        if found is None:
            raise JsonProblem(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
        raise JsonProblem(
            f"not valid JSON: {found.reason}",
            text.count("\n", 0, found.pos) + 1,
            found.pos - text.rfind("\n", 0, found.pos),
        ) from None
    except _BadNumber as error:
        line, column = _find_number(text, error.text)
        raise JsonProblem(f"{_shown(error.text)} {error.why}", line, column) from None
    except RecursionError:
        too_deep = True
    else:
        too_deep = _deeper_than(data, MAX_NESTING)
    if too_deep:
        line, column = _deep_position(text)
        raise JsonProblem(f"the JSON is nested more than {MAX_NESTING} levels deep", line, column)
    return data


def _constant(text: str) -> Any:
    raise _BadNumber(text, "is not a JSON number (JSON has no NaN or infinity)")


def _integer(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > _DIGITS_OF_LARGEST_FLOAT or abs(int(digits)) > sys.float_info.max:
        raise _BadNumber(text, "is too large for a 64-bit float")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _BadNumber(text, "is too large for a 64-bit float")
    return value


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"a number of {len(text):,} characters"


def _find_number(text: str, number: str) -> tuple[int | None, int | None]:
    found = re.search(rf"(?<![\w.+\-\"]){re.escape(number)}(?![\w.])", text)
    return _line_column(text, found.start()) if found else (None, None)


def _deep_position(text: str) -> tuple[int | None, int | None]:
    """Where the text first opens a bracket past MAX_NESTING levels."""
    depth = 0
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return _line_column(text, token.start())
        elif mark in "]}":
            depth -= 1
    return None, None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False
