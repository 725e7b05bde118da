"""What reading an input gives: `Record`s (one Segment message each, as JSON text) and
`InputProblem`s (the parts of an input that are not messages), shared by every reader."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import NamedTuple

from ..jsonkinds import kind_phrase
from .messages import merged_item

__all__ = ["Block", "InputProblem", "Record", "batch_record", "compact_json", "one_line"]

SAMPLE_BYTES = 200
BATCH_MARK = b'"batch"'

Block = tuple[bytes, int]
"""Whole JSON Lines lines, and the number of the line before the first of them."""


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


def batch_record(
    item: object,
    defaults: dict[str, object],
    name: str,
    line: int,
    index: int,
    where: str,
) -> Record | InputProblem:
    """One batch item as a record, the batch's `context` and `integrations` merged in: they are
    defaults for the item's own, merged one level deep (the item's keys win), as Segment does."""
    if not isinstance(item, dict):
        return InputProblem(
            file=name,
            line=line,
            index=index,
            message=(
                f"record {index} ({where}) is {kind_phrase(item)}, not a message object; each"
                " item of a Segment batch must be one message object"
            ),
            data=compact_json(item)[:SAMPLE_BYTES],
        )
    return Record(compact_json(merged_item(item, defaults)), name, line, index)


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
