"""What reading an input gives: `Record`s (one Segment message each, as JSON text) and
`InputProblem`s (the parts of an input that are not messages), shared by every reader."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "Block",
    "Elements",
    "InputProblem",
    "Record",
    "compact_json",
    "one_line",
]

SAMPLE_BYTES = 200

Block = tuple[bytes, int]
"""Whole JSON Lines lines, and the number of the line before the first of them."""


class Elements(NamedTuple):
    """Records that a reader parsed out of their input (array elements, batch items, values),
    laid out as JSON Lines for the native scanner: record k (from 0) is line k + 1 of `data`.

    `lines[k]` is the line of the input where record k starts. `index_before` is the index of
    the record before the first, None to go on from the records before. A record whose text has
    line breaks is in `data` with each LF turned into a CR, which the scanner reads as white
    space (the text is valid JSON, so no line break is inside a string), and its own text is
    `texts[k]`. With `recoded`, the records are batch items, whose text is their value encoded
    again, and `data` has them as written (see `inputs.batches`)."""

    data: bytes
    lines: Sequence[int]
    index_before: int | None
    texts: Mapping[int, bytes]
    recoded: bool = False

    def record(
        self, number: int, data: bytes, file: str, index: int, index_is_line: bool
    ) -> Record:
        """Record `number` (from 0), whose line in `data` is `data`."""
        text = self.texts.get(number)
        if text is None:
            text = compact_json(json.loads(data)) if self.recoded else data
        line = self.lines[number]
        return Record(text, file, line, line if index_is_line else index)


class Record(NamedTuple):
    """One message of an input, as JSON text (a named tuple: the cheapest record to build).

    `data` is the message's text: a JSON Lines line unchanged (without its line break), the exact
    text of an array element or top-level value, or, for an item of a Segment batch or a request
    of a HAR capture, the message encoded compactly. `file` is the input as given ("<stdin>" for
    standard input), `line` the 1-based line where the record starts (the entry number in a HAR
    capture), `index` its 1-based number among the file's records (batches count their items).
    """

    data: bytes
    file: str
    line: int
    index: int  # type: ignore[assignment]  # shadows tuple.index, which records never use


@dataclass(frozen=True, slots=True, kw_only=True)
class InputProblem:
    """A part of an input that is not a message: bad JSON, undecodable bytes, a truncated gzip
    file, a value that is not an object, an unreadable path. `message` says what is wrong and
    what to do; `data` holds up to 200 bytes of the offending text for samples."""

    file: str
    line: int | None
    index: int | None
    message: str
    data: bytes = b""


def compact_json(value: object) -> bytes:
    """`value` as compact JSON in UTF-8. A lone surrogate (from an escape such as "\\ud800") has
    no UTF-8 form: the text then keeps it escaped, as JSON allows."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


_LINE_BREAK_AND_INDENT = re.compile(rb"[\r\n][ \t\r\n]*")


def one_line(data: bytes) -> bytes:
    """A record's text as one JSON Lines line: a pretty-printed value loses its line breaks and
    the indentation after them. Valid JSON has no line break inside a string, so this keeps the
    value exactly, whatever it holds (no parse: deep values, huge numbers and lone surrogates
    come out as they went in)."""
    if b"\n" not in data and b"\r" not in data:
        return data
    return _LINE_BREAK_AND_INDENT.sub(b"", data)
