"""What reading an input gives: `Record`s (one Segment message each, as JSON text) and
`InputProblem`s (the parts of an input that are not messages), shared by every reader."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from ..jsonkinds import kind_phrase
from .messages import merged_item

try:
    from ._scan import split_batch
except ImportError:  # not compiled here: batches are read by Python alone
    split_batch = None  # type: ignore[assignment]

__all__ = [
    "Block",
    "Elements",
    "InputProblem",
    "Record",
    "batch_as_written",
    "batch_record",
    "batch_texts",
    "compact_json",
    "one_line",
]

SAMPLE_BYTES = 200
BATCH_MARK = b'"batch"'
# A batch item's record is its value encoded again, compactly: no longer than its text but for
# numbers (`1e15` becomes `1000000000000000.0`, 4.5 times longer) and for an item with a lone
# surrogate, encoded in ASCII (an accented letter, 2 bytes, becomes 6). An item this long or
# shorter makes a record of at most 32 KB, Segment's limit, so that the scanner's verdict on the
# text as written is its verdict on the record.
AS_WRITTEN_MAX = 32 * 1024 * 2 // 9
_RAW_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])

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
    again (`batch_record`), and `data` has them as written (see `batch_as_written`)."""

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


def batch_as_written(text: bytes, line: int, index_before: int) -> Elements | None:
    """The records of the Segment batch `text` (on line `line`) as `Elements` that hold its items
    as written (with the batch's `sentAt` added to those without one), when the native scanner's
    verdict on them is its verdict on the records: none is longer than `AS_WRITTEN_MAX`, the
    batch has no `context` or `integrations` to merge into them, and nothing in it that
    json.loads refuses (see `_scan.split_batch`). Else None."""
    if split_batch is None:
        return None
    split = split_batch(text, line, AS_WRITTEN_MAX)
    if split is None:
        return None
    data, lines, _count, _end, _line_breaks, _multiline = split
    return Elements(data, memoryview(lines).cast("q"), index_before, {}, recoded=True)


def batch_texts(items: list[object], defaults: dict[str, object]) -> list[bytes] | None:
    """The texts of the records of a batch's items, as `batch_record` makes them; None if an
    item is not an object (a problem for `batch_record` to report). They are encoded in one call
    and split again: the encoder's overhead per call costs as much as encoding a message."""
    if not all(isinstance(item, dict) for item in items):
        return None
    merged = [merged_item(item, defaults) for item in items] if defaults else items  # type: ignore[arg-type]
    try:
        text = json.dumps(merged, separators=(",", ":"), ensure_ascii=False).encode()
        return [bytes(element) for element in _RAW_ELEMENTS.decode(text)]
    except (UnicodeEncodeError, msgspec.DecodeError):  # a lone surrogate, NaN
        return [compact_json(item) for item in merged]


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
