"""Segment batch payloads as records: each item with the batch's defaults merged in
(`batch_record`, `batch_texts`), or, for the native scanner, the items as written
(`batch_as_written`)."""

from __future__ import annotations

import json

import msgspec

from ...jsonkinds import kind_phrase
from ..messages import merged_item
from ..records import SAMPLE_BYTES, Elements, InputProblem, Record, compact_json

try:
    from .._scan import split_batch
except ImportError:  # not compiled here: batches are read by Python alone
    split_batch = None  # type: ignore[assignment]

__all__ = ["BATCH_MARK", "batch_as_written", "batch_record", "batch_texts"]

BATCH_MARK = b'"batch"'
# A batch item's record is its value encoded again, compactly: no longer than its text but for
# numbers (`1e15` becomes `1000000000000000.0`, 4.5 times longer) and for an item with a lone
# surrogate, encoded in ASCII (an accented letter, 2 bytes, becomes 6). An item this long or
# shorter makes a record of at most 32 KB, Segment's limit, so that the scanner's verdict on the
# text as written is its verdict on the record.
AS_WRITTEN_MAX = 32 * 1024 * 2 // 9
_RAW_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])


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
