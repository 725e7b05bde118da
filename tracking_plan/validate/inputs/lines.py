"""JSON Lines: whole lines read in blocks (`line_blocks`), and the records of those blocks
(`line_records`). Lines are not parsed here: the caller parses each record once anyway, so the
caller also reports a line that is not JSON or not an object. A line that may be a Segment batch
payload or holds bytes that are not UTF-8 is looked at more closely (`checked_line`, and
`batch_elements` for the native scanner)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Generator, Iterator

from ..messages import batch_defaults
from ..records import SAMPLE_BYTES, Block, Elements, InputProblem, Record
from .batches import BATCH_MARK, batch_as_written, batch_record, batch_texts
from .streams import LINE_BUFFER, Guarded, ReadFunction

__all__ = ["batch_elements", "checked_line", "line_blocks", "line_records"]

# A JSON Lines line longer than this is skipped, not kept (a Segment message is at most 32 KB;
# a larger batch payload fits a line this long).
_MAX_LINE = 64 << 20


def line_blocks(
    read: ReadFunction, name: str, line: int, source: Guarded | None = None
) -> Iterator[Block | InputProblem]:
    """Whole lines of `read`'s bytes (LF or CRLF line ends) in blocks of about `LINE_BUFFER`
    bytes, each with the number of the line before it; the last block may lack a final line
    break. A line longer than `_MAX_LINE` is a problem: it is read through, not kept. If the
    `source` failed, its unfinished last line is dropped (it is cut short) and its problem
    comes last."""
    pending: list[bytes] = []  # the start of a line that goes on in the next chunk
    pending_size = 0
    skipping = False
    while chunk := read(LINE_BUFFER):
        newline = chunk.rfind(b"\n")
        if skipping:
            first = chunk.find(b"\n")
            if first < 0:
                continue
            skipping = False
            line += 1
            chunk = chunk[first + 1 :]
            newline -= first + 1
            if not chunk:
                continue
        if newline < 0:
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size > _MAX_LINE:
                yield _too_long(name, line + 1, pending[0])
                pending, pending_size, skipping = [], 0, True
            continue
        cut = newline + 1
        if pending or cut < len(chunk):
            # One copy: the line begun in earlier chunks and the whole lines of this one.
            data = b"".join([*pending, memoryview(chunk)[:cut]])
            pending, pending_size = [chunk[cut:]], len(chunk) - cut
            if not pending_size:
                pending = []
        else:
            data = chunk
        yield data, line
        line += data.count(b"\n")
    failure = source.problem if source is not None else None
    if pending and not skipping and failure is None:
        yield b"".join(pending), line
    if failure is not None:
        yield failure


def _too_long(name: str, line: int, start: bytes) -> InputProblem:
    return InputProblem(
        file=name,
        line=line,
        index=None,
        message=(
            f"line {line} is longer than {_MAX_LINE >> 20} MB, so it is no message (Segment"
            " takes at most 32 KB); it was skipped: is the file JSON Lines?"
        ),
        data=start[:SAMPLE_BYTES],
    )


def line_records(
    blocks: Iterator[Block | InputProblem], name: str, *, index_is_line: bool
) -> Iterator[Record | InputProblem]:
    """The records of JSON Lines given in blocks.

    This loop is the hot path of `tp validate` without the native scanner: keep per-line work
    to what is here. A block that holds `"batch"` or bytes that are not UTF-8 has its lines
    looked at more closely (`checked_line`).
    """
    index = 0
    record = Record  # a local: faster in the loop
    for block in blocks:
        if isinstance(block, InputProblem):
            yield block
            continue
        data, line = block
        suspect = BATCH_MARK in data or not _is_utf8(data)
        for raw in data.splitlines():
            line += 1
            if not raw or raw.isspace():
                continue
            index = line if index_is_line else index + 1
            if suspect:
                last = yield from checked_line(raw, name, line, index, same_index=index_is_line)
                if not index_is_line:
                    index = last
                continue
            yield record(raw, name, line, index)


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        codecs.utf_8_decode(data, "strict", True)
    except UnicodeDecodeError:
        return False
    return True


def batch_elements(data: bytes, line: int, index: int) -> Elements | None:
    """The records of a Segment batch line (line `line`, index `index` for its first item) as
    `Elements`, for the native scanner, which hands a batch line back whole; None if the line
    is no batch, or one that `checked_line` has a problem to report about (an item that is not
    a message object, bytes that are not UTF-8). The records are those `checked_line` gives."""
    if BATCH_MARK not in data:
        return None
    as_written = batch_as_written(data, line, index - 1)
    if as_written is not None:
        return as_written
    try:
        message = json.loads(data)
    except (ValueError, RecursionError):  # not UTF-8 either
        return None
    if not isinstance(message, dict) or not isinstance(items := message.get("batch"), list):
        return None
    texts = batch_texts(items, batch_defaults(message))
    if texts is None:
        return None
    return Elements(b"\n".join(texts), [line] * len(texts), index - 1, {})


def checked_line(
    data: bytes, name: str, line: int, index: int, *, same_index: bool
) -> Generator[Record | InputProblem, None, int]:
    """A line that may be a batch payload or hold bytes that are not UTF-8; returns the index of
    its last record (`index - 1` if it has none)."""
    if not data.isascii():
        try:
            data.decode()
        except UnicodeDecodeError as error:
            yield InputProblem(
                file=name,
                line=line,
                index=index,
                message=(
                    f"line {line} is not valid UTF-8 (byte {data[error.start]:#04x} at column"
                    f" {error.start + 1}); save the file as UTF-8"
                ),
                data=data[:SAMPLE_BYTES],
            )
            return index
    if BATCH_MARK in data:
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):
            message = None  # the caller reports the line
        if isinstance(message, dict) and isinstance(message.get("batch"), list):
            defaults = batch_defaults(message)
            items: list[object] = message["batch"]
            for position, item in enumerate(items, 1):
                item_index = index if same_index else index + position - 1
                where = f"item {position} of the batch on line {line}"
                yield batch_record(item, defaults, name, line, item_index, where)
            return index if same_index else index + len(items) - 1
    yield Record(data, name, line, index)
    return index
