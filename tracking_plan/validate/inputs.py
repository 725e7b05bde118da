"""Reading recorded Segment messages for `tp validate`, streamed from files or standard input.

`read_input` turns one input (a path, or "-" for standard input) into `Record`s, one Segment
message each as JSON text, and `InputProblem`s, the parts of the input that are not messages.
Memory stays flat however large the input is. The layout is recognised by content, never by
the file name:

* JSON Lines (`.jsonl`, `.ndjson`, ...): one message per line. Lines are not parsed here: the
  caller parses each record once anyway, so the caller also reports a line that is not JSON
  or not an object;
* a JSON array of messages, compact or pretty-printed, read element by element;
* concatenated JSON values, such as pretty-printed objects one after another;
* Segment batch payloads (`{"batch": [...], "context": {...}}`), alone, one per line or as
  values of the layouts above: their items become the records;
* a HAR capture saved from the browser's Network tab (an object starting `{"log": {`), whose
  analytics requests become the records (see `har`);
* any of these gzip-compressed, recognised by the magic bytes whatever the extension.

`split_ranges` and `read_range` read a plain JSON Lines file in parts, for parallel workers.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import itertools
import json
import os
import re
import stat
import struct
import sys
import tempfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal, NamedTuple, cast

import msgspec

from .messages import batch_defaults, describe_json, merged_item

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["STDIN_NAME", "InputProblem", "Record", "read_input", "read_range", "split_ranges"]

STDIN_NAME = "<stdin>"

_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_BATCH_MARK = b'"batch"'
_OPEN_BRACE = ord("{")

_READ_SIZE = 64 * 1024  # one read from the source while recognising the layout or parsing
_LINE_BUFFER = 1 << 20  # the buffer JSON Lines are split from; also the unit of sniffing
_HEAD_WINDOW = 1 << 20  # at most this much is read to recognise the layout
_COUNT_CHUNK = 1 << 20  # newlines before a range are counted in chunks of this size
# A value whose text is longer than this is read member by member instead of whole: Segment
# limits a batch payload to 500 KB, but a recorded file may hold a larger one.
_LARGE_VALUE = 64 << 20
_SAMPLE_BYTES = 200
# A JSON syntax error this close to the end of the text read so far may only mean that the
# value continues in the next chunk ("1.5e" or "tru" at the end, a missing delimiter).
_CUT_MARGIN = 16

_NON_SPACE = re.compile(r"[^ \t\n\r]")
_NEXT_OBJECT = re.compile(r"[ \t\n\r]*,[ \t\n\r]*\{")
_ELEMENT_SEPARATOR = re.compile(rb"[ \t\n\r,]*")
_RAW_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])
_CUT_ATTEMPTS = 4  # places tried to end a run of array elements before parsing one by one
_OBJECT_LINE = re.compile(r"\n(?=\{)")
_HAR_START = re.compile(rb'[ \t\r\n]*\{[ \t\r\n]*"log"[ \t\r\n]*:[ \t\r\n]*\{')
_DECODER = json.JSONDecoder()
_SPILL_HEADER = struct.Struct("<QQ")

Layout = Literal["empty", "lines", "values", "har"]
ReadFunction = Callable[[int], bytes]


class Record(NamedTuple):
    """One message of an input, as JSON text (a named tuple: the cheapest record to build).

    `data` is the message's text: a JSON Lines line unchanged (without its line break), the exact
    text of an array element or top-level value, or, for an item of a Segment batch, the item
    re-encoded compactly after merging in the batch's `context` and `integrations`. `file` is the
    input as given ("<stdin>" for standard input), `line` the 1-based line where the record
    starts, `index` its 1-based number among the file's records (batches count their items).
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


_record = Record


# -- reading a whole input ------------------------------------------------------------------------


def read_input(source: str) -> Iterator[Record | InputProblem]:
    """The records of one input: a path, or "-" for standard input (read as bytes).

    Never raises for bad content: each part that is not a message is an `InputProblem`, and an
    unreadable path gives one. gzip data is recognised by its magic bytes and decompressed; a
    truncated gzip file gives its readable records, then a problem.

    The layout is recognised from the first bytes (a UTF-8 byte order mark is ignored): `[`
    starts a JSON array of messages, streamed element by element; otherwise the input is JSON
    Lines, unless its first non-blank line is not JSON by itself while the text is one or more
    JSON values (pretty-printed objects, say), which are then streamed value by value. Blank
    lines are skipped. A Segment batch (an object with a `batch` list) becomes its items. An
    object that starts `{"log": {` is read whole as a HAR capture (`har.read_har`), or, if it
    has no `log.entries` list, as messages.

    JSON Lines records are not parsed: a record's JSON validity, and whether it is an object, is
    checked by the caller, who parses it anyway. Only lines that are not UTF-8 are problems here,
    and only a line containing `"batch"` is parsed, to expand it if it is a batch payload. In the
    other layouts every value is parsed (to find where it ends), and a value that is not a JSON
    object, bad JSON or text that is not UTF-8 is a problem.
    """
    name = STDIN_NAME if source == "-" else source
    with contextlib.ExitStack() as stack:
        try:
            read = _open(source, stack)
        except OSError as error:
            yield _problem(name, f"cannot read the input: {_os_reason(error)}; check the path")
            return
        try:
            # One generator level less than a helper generator would add: ~20 ns a record.
            yield from _layout_reader(read, name, stack)
        except EOFError:
            yield _problem(
                name,
                "the gzip data is truncated (it ends before its end-of-stream marker): the"
                " records before the cut were read, the rest is missing; copy or export the"
                " file again",
            )
        except (gzip.BadGzipFile, zlib.error) as error:
            yield _problem(
                name, f"the gzip data is damaged ({error}); copy or export the file again"
            )
        except OSError as error:
            yield _problem(name, f"cannot read the input: {_os_reason(error)}")


def _open(source: str, stack: contextlib.ExitStack) -> ReadFunction:
    if source != "-":
        file = stack.enter_context(open(source, "rb", buffering=0))  # noqa: SIM115
        return file.read
    if sys.stdin is None:
        raise OSError("there is no standard input")
    binary: IO[bytes] = sys.stdin.buffer
    # read1 returns what a pipe has, so a live stream is read as it comes.
    return cast(ReadFunction, getattr(binary, "read1", binary.read))


def _layout_reader(
    read: ReadFunction, name: str, stack: contextlib.ExitStack
) -> Iterator[Record | InputProblem]:
    """Decompresses if needed, recognises the layout and returns the reader for it."""
    start = b""
    while len(start) < len(_GZIP_MAGIC) and (chunk := read(_READ_SIZE)):
        start += chunk
    if start.startswith(_GZIP_MAGIC):
        compressed = io.BufferedReader(_Source(start, read))
        gzip_file = stack.enter_context(gzip.GzipFile(fileobj=compressed, mode="rb"))
        # read1, not read: read waits for a full buffer, and drops it if the data is cut.
        read, start = gzip_file.read1, b""
    head = _read_head(read, start)
    if head.layout == "har":
        from .har import read_har  # here: har builds on this module

        data = head.data + _read_rest(read)
        har = read_har(data, name)
        if har is not None:
            return har
        # No log.entries list: messages after all, already in memory.
        layout = _layout(data, end=True, har=False)
        head = _Head(data=data, layout=layout or "values", blank_lines=head.blank_lines)
        read = _nothing
    if head.layout == "lines":
        source = _Source(head.data, read, sniff=True)
        stream = io.BufferedReader(source, _LINE_BUFFER)
        return _lines(stream, source, name, head.blank_lines, index_is_line=False)
    if head.layout == "values":
        values = _JsonValues(_Source(head.data, read).read_bytes, name, head.blank_lines + 1)
        return values.records()
    return iter(())


@dataclass(frozen=True, slots=True, kw_only=True)
class _Head:
    """The first bytes of an input (byte order mark removed) and the layout they show."""

    data: bytes
    layout: Layout
    blank_lines: int  # lines of white space dropped before `data`


def _read_head(read: ReadFunction, start: bytes) -> _Head:
    data = start
    blank_lines = 0
    at_start = True
    end = False
    while True:
        if not end and (len(data) < len(_BOM) or not at_start):
            chunk = read(_READ_SIZE)
            end = not chunk
            data += chunk
        if at_start and (len(data) >= len(_BOM) or end):
            at_start = False
            data = data.removeprefix(_BOM)
        if at_start:
            continue
        layout = _layout(data, end)
        if layout is not None:
            return _Head(data=data, layout=layout, blank_lines=blank_lines)
        if len(data) >= _HEAD_WINDOW:
            if data.isspace():
                blank_lines += data.count(b"\n")
                data = b""
                continue
            # The first line is longer than the window: stream values, which copes with any.
            return _Head(data=data, layout="values", blank_lines=blank_lines)


def _layout(data: bytes, end: bool, *, har: bool = True) -> Layout | None:
    """The layout `data` (the start of an input) shows, or None if more bytes are needed.
    With `har`, an object that starts `{"log": {` is taken for a HAR file (read whole)."""
    first = _first_non_space(data)
    if first == len(data):
        return "empty" if end else None
    if har and _HAR_START.match(data, first):
        return "har"
    if data[first : first + 1] == b"[":
        return "values"
    line_end = data.find(b"\n", first)
    if line_end < 0 and not end:
        return None
    first_line = data[first : line_end if line_end >= 0 else len(data)]
    try:
        json.loads(first_line)
    except (ValueError, RecursionError):
        pass
    else:
        return "lines"
    text = data[first:].decode("utf-8", "surrogateescape")
    try:
        _, value_end = _DECODER.raw_decode(text)
    except json.JSONDecodeError as error:
        return None if not end and _maybe_cut(error, len(text)) else "lines"
    except RecursionError:
        return "lines"
    text_line_end = text.find("\n")
    if text_line_end < 0 or value_end > text_line_end or text[value_end:text_line_end].strip():
        return "values"
    # The first line is one value after all (json.loads refused its bytes: not UTF-8).
    return "lines"


def _read_rest(read: ReadFunction) -> bytes:
    chunks = []
    while chunk := read(_READ_SIZE):
        chunks.append(chunk)
    return b"".join(chunks)


def _nothing(size: int) -> bytes:
    return b""


def _first_non_space(data: bytes) -> int:
    return len(data) - len(data.lstrip(b" \t\r\n"))


def _maybe_cut(error: json.JSONDecodeError, text_length: int) -> bool:
    """Whether the error may only mean the text read so far ends inside the value."""
    return error.msg.startswith("Unterminated string") or error.pos >= text_length - _CUT_MARGIN


# -- bytes in, with sniffing --------------------------------------------------------------------


class _Source(io.RawIOBase):
    """`prefix`, then the bytes of `read`, at most `limit` of them.

    With `sniff`, every chunk handed out is scanned for what needs a closer look per line: the
    text `"batch"` (a line may be a batch payload) and bytes that are not UTF-8. `suspect` is true
    while the lines being served may contain such bytes: those of the chunk just read, and of the
    previous chunk, whose last line is finished by this one (or of an older chunk while lines run
    across whole chunks). A `BufferedReader` reads a new chunk only when its buffer holds no
    complete line, which is what makes this bookkeeping exact enough.
    """

    def __init__(
        self, prefix: bytes, read: ReadFunction, *, limit: int | None = None, sniff: bool = False
    ) -> None:
        super().__init__()
        self._prefix = prefix
        self._read = read
        self._left = limit
        self._sniff = sniff
        self.suspect = False
        self._open_line_suspect = False  # the chunk's unfinished last line may be suspect
        self._tail = b""  # the last bytes served, to find "batch" across chunks
        self._utf8_carry = b""  # an unfinished UTF-8 sequence at the end of the last chunk

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read_bytes(len(view))
        view[: len(data)] = data
        return len(data)

    def read_bytes(self, size: int) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
        else:
            if self._left is not None:
                size = min(size, self._left)
            data = self._read(size) if size > 0 else b""
            if self._left is not None:
                self._left -= len(data)
        if self._sniff:
            self._scan(data)
        return data

    def _scan(self, data: bytes) -> None:
        found = (
            _BATCH_MARK in data
            or _BATCH_MARK in self._tail + data[: len(_BATCH_MARK) - 1]
            or self._bad_utf8(data)
        )
        self.suspect = found or self._open_line_suspect
        self._open_line_suspect = found or (self._open_line_suspect and b"\n" not in data)
        keep = len(_BATCH_MARK) - 1
        self._tail = (self._tail + data[-keep:])[-keep:]

    def _bad_utf8(self, data: bytes) -> bool:
        if not data:
            return bool(self._utf8_carry)  # the input ends inside a UTF-8 sequence
        if not self._utf8_carry and data.isascii():
            return False
        data = self._utf8_carry + data
        try:
            _, used = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError:
            self._utf8_carry = b""
            return True
        self._utf8_carry = data[used:]
        return False


# -- JSON Lines ---------------------------------------------------------------------------------


def _lines(
    stream: Iterable[bytes], source: _Source, name: str, line: int, *, index_is_line: bool
) -> Iterator[Record | InputProblem]:
    """The records of JSON Lines; `line` is the number of the line before the first one.

    This loop is the hot path of `tp validate`: keep per-line work to what is here.
    """
    index = line if index_is_line else 0
    record = Record  # a local: faster in the loop
    for raw in stream:
        line += 1
        data = raw.rstrip(b"\r\n")
        if not data or data.isspace():
            continue
        if index_is_line:
            index = line
        else:
            index += 1
        if source.suspect:
            last = yield from checked_line(data, name, line, index, same_index=index_is_line)
            if not index_is_line:
                index = last
            continue
        yield record(data, name, line, index)


def checked_line(
    data: bytes, name: str, line: int, index: int, *, same_index: bool
) -> Generator[Record | InputProblem, None, int]:
    """A line of a chunk that may be a batch payload or hold bytes that are not UTF-8; returns
    the index of its last record (`index - 1` if it has none)."""
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
                data=data[:_SAMPLE_BYTES],
            )
            return index
    if _BATCH_MARK in data:
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
                yield _batch_record(item, defaults, name, line, item_index, where)
            return index if same_index else index + len(items) - 1
    yield _record(data, name, line, index)
    return index


# -- Segment batches --------------------------------------------------------------------------


def _batch_record(
    item: object,
    defaults: dict[str, dict[str, object]],
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
                f"record {index} ({where}) is {describe_json(item)}, not a message object; each"
                " item of a Segment batch must be one message object"
            ),
            data=_compact(item)[:_SAMPLE_BYTES],
        )
    return _record(_compact(merged_item(item, defaults)), name, line, index)


def _compact(value: object) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:
        # A lone surrogate (from an escape such as "\ud800") has no UTF-8 form; keep it escaped.
        return json.dumps(value, separators=(",", ":")).encode()


# -- JSON values: arrays, concatenated values, large batches --------------------------------------


class _Broken(Exception):
    """The JSON text is not valid at `pos` of the text being parsed."""

    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason


class _TooLarge(Exception):
    """The object being parsed is longer than `_LARGE_VALUE`: read it member by member."""


class _JsonValues:
    """The records of JSON text read chunk by chunk: top-level values, each a message, a
    Segment batch or an array of those.

    Only the text from the value being parsed onwards is kept (`text`, with `pos` in it); the
    text before is dropped when more is read, so memory follows the largest value, not the
    file, and a batch object larger than `_LARGE_VALUE` is read item by item.
    """

    def __init__(self, read: ReadFunction, name: str, line: int) -> None:
        self._read = read
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._name = name
        self.text = ""
        self.pos = 0
        self._end = False
        self._line = line  # the number of the line at offset `_line_pos`
        self._line_pos = 0
        self._dropped_columns = 0  # characters of the line at offset 0 dropped with older text
        self._index = 0
        self._plain_run_failed = False  # until more text is read

    def records(self) -> Iterator[Record | InputProblem]:
        while char := self._skip_space():
            in_array = char == "["
            try:
                if in_array:
                    yield from self._array()
                else:
                    yield from self._message("each top-level JSON value must be one message")
            except _Broken as broken:
                if in_array:
                    yield self._broken(broken, "the rest of the file was not read")
                    return
                yield self._broken(broken, "reading goes on at the next line that starts with {")
                self._skip_to_object_line(broken.pos)

    def _array(self) -> Iterator[Record | InputProblem]:
        self.pos += 1
        for _ in self._elements():
            if not (yield from self._plain_elements()):
                yield from self._message("each element of the JSON array must be one message")

    def _plain_elements(self) -> Generator[Record | InputProblem, None, bool]:
        """With `pos` at an array element: the records of the run of plain message objects from
        there to the last complete one in the text read so far, split by msgspec in one call
        (2.5 times faster per record than `_message` on each element). Stops before an element
        that needs a closer look (not an object, maybe a batch, or text that is not UTF-8);
        returns whether it read any element.

        The run ends at a `}` followed by `,` and `{`. If that `}` does not end an element,
        `[` + run + `]` is not valid JSON (a bracket is left open or a string unterminated),
        so a run that parses is made of whole elements. After a failure, the elements up to the
        end of the text read so far are parsed one by one.
        """
        if self._plain_run_failed:
            return False
        text, pos = self.text, self.pos
        cut = len(text)
        for _ in range(_CUT_ATTEMPTS):
            cut = text.rfind("}", pos, cut)
            while cut >= 0 and not _NEXT_OBJECT.match(text, cut + 1):
                cut = text.rfind("}", pos, cut)
            if cut < 0:
                break
            run = text[pos : cut + 1].encode("utf-8", "surrogateescape")
            try:
                elements = _RAW_ELEMENTS.decode(b"[" + run + b"]")
            except msgspec.DecodeError:
                continue
            return (yield from self._plain_run(run, elements, cut + 1))
        self._plain_run_failed = True
        return False

    def _plain_run(
        self, run: bytes, elements: list[msgspec.Raw], run_end: int
    ) -> Generator[Record | InputProblem, None, bool]:
        """The records of `elements`, the text of which is `run` from `pos` to `run_end`."""
        ascii_run = run.isascii()
        if not ascii_run:
            try:
                run.decode()
            except UnicodeDecodeError:
                self._plain_run_failed = True
                return False
        maybe_batch = _BATCH_MARK in run
        pos = self.pos
        line = self._line_at(pos)
        start = end = 0
        for element in elements:
            # The pattern matches the empty string too, so there is always a match.
            element_start = _ELEMENT_SEPARATOR.match(run, end).end()  # type: ignore[union-attr]
            element_end = element_start + len(element)
            line += run.count(b"\n", start, element_start)
            if run[element_start] != _OPEN_BRACE or (
                maybe_batch and _BATCH_MARK in run[element_start:element_end]
            ):
                # `pos` after the last element read, as `_elements` expects
                self.pos = pos + (end if ascii_run else len(run[:end].decode()))
                return end > 0
            start, end = element_start, element_end
            self._index += 1
            yield _record(run[start:end], self._name, line, self._index)
        self.pos = run_end
        return True

    def _elements(self) -> Iterator[None]:
        """With `pos` after a `[`: stops at each element, for the caller to consume it, then
        goes past the following `,` or the closing `]`."""
        char = self._skip_space()
        if char == "]":
            self.pos += 1
            return
        while True:
            if not char:
                raise _Broken(self.pos, "the JSON array is not closed")
            yield
            char = self._skip_space()
            if char == "]":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                char = self._skip_space()
                if char == "]":
                    raise _Broken(self.pos, "Expecting value (a comma before ])")
            elif char:
                raise _Broken(self.pos, "Expecting ',' delimiter")

    def _message(self, rule: str) -> Iterator[Record | InputProblem]:
        """The record(s) of the value at `pos`: a message, or the items of a batch."""
        line = self._line_at(self.pos)
        try:
            value, start = self._decode(limit=_LARGE_VALUE)
        except _TooLarge:
            yield from self._large_batch(line)
            return
        if isinstance(value, dict) and isinstance(value.get("batch"), list):
            self.pos = start  # walk the batch again, for the lines of its items
            defaults = batch_defaults(value)
            for item, text, item_line, position in self._batch_items({}):
                yield self._batch_item(item, text, item_line, position, line, defaults)
            return
        self._index += 1
        if not isinstance(value, dict):
            yield InputProblem(
                file=self._name,
                line=line,
                index=self._index,
                message=f"record {self._index} (line {line}) is {describe_json(value)}, not a"
                f" message object; {rule} object",
                data=self._sample(start, self.pos),
            )
            return
        try:
            data = self.text[start : self.pos].encode()
        except UnicodeEncodeError:
            yield self._not_utf8(f"record {self._index} (line {line})", line, start, self.pos)
            return
        yield _record(data, self._name, line, self._index)

    def _large_batch(self, line: int) -> Iterator[Record | InputProblem]:
        """The object at `pos`, longer than `_LARGE_VALUE`: its batch items are kept in a
        temporary file until the end of the object, where its `context` may come."""
        members: dict[str, object] = {}
        with tempfile.TemporaryFile() as spill:
            for _, text, item_line, _ in self._batch_items(members):
                data = text.encode("utf-8", "surrogateescape")
                spill.write(_SPILL_HEADER.pack(item_line, len(data)))
                spill.write(data)
            if not isinstance(members.get("batch"), list):
                self._index += 1
                yield InputProblem(
                    file=self._name,
                    line=line,
                    index=self._index,
                    message=(
                        f"record {self._index} (line {line}) is an object of more than"
                        f" {_LARGE_VALUE >> 20} MB that is not a Segment batch; a message"
                        " is at most 32 KB"
                    ),
                )
                return
            defaults = batch_defaults(members)
            spill.seek(0)
            position = 0
            while header := spill.read(_SPILL_HEADER.size):
                item_line, size = _SPILL_HEADER.unpack(header)
                text = spill.read(size).decode("utf-8", "surrogateescape")
                position += 1
                item = json.loads(text)
                yield self._batch_item(item, text, item_line, position, line, defaults)

    def _batch_items(self, members: dict[str, object]) -> Iterator[tuple[object, str, int, int]]:
        """With `pos` at a `{`: parses the object, yielding each item of its `batch` list as
        (value, text, line, position) and putting the other members in `members`."""
        self.pos += 1
        char = self._skip_space()
        while char != "}":
            if char != '"':
                raise _Broken(self.pos, "Expecting property name enclosed in double quotes")
            key, _ = self._decode()
            if self._skip_space() != ":":
                raise _Broken(self.pos, "Expecting ':' delimiter")
            self.pos += 1
            if key == "batch" and self._skip_space() == "[":
                members["batch"] = []  # streamed, not kept
                self.pos += 1
                for position, _ in enumerate(self._elements(), 1):
                    item_line = self._line_at(self.pos)
                    item, start = self._decode()
                    yield item, self.text[start : self.pos], item_line, position
            else:
                self._skip_space()
                value, _ = self._decode()
                members[cast(str, key)] = value
            char = self._skip_space()
            if char == ",":
                self.pos += 1
                char = self._skip_space()
            elif char != "}":
                raise _Broken(self.pos, "Expecting ',' delimiter" if char else "the text ends")
        self.pos += 1

    def _batch_item(
        self,
        item: object,
        text: str,
        item_line: int,
        position: int,
        batch_line: int,
        defaults: dict[str, dict[str, object]],
    ) -> Record | InputProblem:
        self._index += 1
        where = f"item {position} of the batch on line {batch_line}"
        try:
            text.encode()
        except UnicodeEncodeError:
            return self._not_utf8(f"record {self._index} ({where})", item_line, text=text)
        return _batch_record(item, defaults, self._name, item_line, self._index, where)

    # -- the text buffer

    def _decode(self, limit: int | None = None) -> tuple[object, int]:
        """The JSON value at `pos`, reading more text as needed; moves `pos` past it and returns
        the value with its start. Raises `_TooLarge` if the value is an object longer than
        `limit`, and `_Broken` if the text is not valid JSON."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self._end or not _maybe_cut(error, len(self.text)):
                    raise _Broken(error.pos, error.msg) from None
                pending = len(self.text) - self.pos
                if limit is not None and pending > limit and self.text[self.pos] == "{":
                    raise _TooLarge from None
                self._more(pending)
            except RecursionError:
                raise _Broken(self.pos, "the value is nested too deeply") from None
            else:
                start, self.pos = self.pos, end
                return value, start

    def _skip_space(self) -> str:
        """Moves `pos` to the next character that is not white space and returns it ("" at the
        end of the input)."""
        while True:
            found = _NON_SPACE.search(self.text, self.pos)
            if found:
                self.pos = found.start()
                return self.text[self.pos]
            self.pos = len(self.text)
            if not self._more():
                return ""

    def _skip_to_object_line(self, pos: int) -> None:
        """Moves `pos` to the next line after `pos` that starts with `{`, or to the end."""
        self.pos = pos
        while True:
            found = _OBJECT_LINE.search(self.text, self.pos)
            if found:
                self.pos = found.end()
                return
            self.pos = max(self.pos, len(self.text) - 1)  # a final "\n" may precede a "{"
            if not self._more():
                self.pos = len(self.text)
                return

    def _more(self, at_least: int = 1) -> bool:
        """Appends at least `at_least` characters of input, or what is left, after dropping the
        text before `pos`; False if there was nothing left."""
        if self._end:
            return False
        self._plain_run_failed = False
        self._drop_before_pos()
        pieces = [self.text]
        added = 0
        while added < at_least and not self._end:
            chunk = self._read(max(_READ_SIZE, at_least - added))
            self._end = not chunk
            piece = self._decoder.decode(chunk, final=self._end)
            pieces.append(piece)
            added += len(piece)
        self.text = "".join(pieces)
        return added > 0

    def _drop_before_pos(self) -> None:
        cut = self.pos
        if not cut:
            return
        self._line_at(cut)
        newline = self.text.rfind("\n", 0, cut)
        self._dropped_columns = cut - newline - 1 if newline >= 0 else self._dropped_columns + cut
        self.text = self.text[cut:]
        self.pos = self._line_pos = 0

    def _line_at(self, offset: int) -> int:
        if offset >= self._line_pos:
            self._line += self.text.count("\n", self._line_pos, offset)
        else:
            self._line -= self.text.count("\n", offset, self._line_pos)
        self._line_pos = offset
        return self._line

    def _column_at(self, offset: int) -> int:
        newline = self.text.rfind("\n", 0, offset)
        return offset - newline if newline >= 0 else self._dropped_columns + offset + 1

    # -- problems

    def _broken(self, broken: _Broken, consequence: str) -> InputProblem:
        pos = min(broken.pos, len(self.text))
        line = self._line_at(pos)
        hint = ""
        if self._end and not self.text[pos:].strip():
            hint = " (the text ends there: is the file truncated?)"
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        return InputProblem(
            file=self._name,
            line=line,
            index=None,
            message=(
                f"line {line} is not valid JSON: {broken.reason} at column"
                f" {self._column_at(pos)}{hint}; {consequence}"
            ),
            data=self._sample(line_start, line_end if line_end >= 0 else len(self.text)),
        )

    def _not_utf8(
        self, what: str, line: int, start: int = 0, end: int = 0, *, text: str | None = None
    ) -> InputProblem:
        raw = (self.text[start:end] if text is None else text).encode("utf-8", "surrogateescape")
        return InputProblem(
            file=self._name,
            line=line,
            index=self._index,
            message=f"{what} is not valid UTF-8; save the file as UTF-8",
            data=raw[:_SAMPLE_BYTES],
        )

    def _sample(self, start: int, end: int) -> bytes:
        text = self.text[start : min(end, start + _SAMPLE_BYTES)]
        return text.encode("utf-8", "surrogateescape")[:_SAMPLE_BYTES]


# -- parallel reading of JSON Lines ---------------------------------------------------------------


def split_ranges(path: str, parts: int, lead_lines: int = 0) -> list[tuple[int, int]]:
    """Byte ranges `[start, end)` that cover a plain JSON Lines file in about `parts` equal parts,
    each starting at a line start, for `read_range`. With `lead_lines`, the first part is longer
    by about that many lines (the others start by reading that many lines before them).

    A gzip file, standard input ("-"), a file of another layout or one that is not a regular file
    gives one part, `[(0, size)]` (size 0 when unknown): read it with `read_input`. A file too
    small to cut gives fewer parts than asked.
    """
    if parts < 1:
        raise ValueError(f"parts must be at least 1, not {parts}")
    if path == "-":
        return [(0, 0)]
    try:
        with open(path, "rb", buffering=0) as file:
            status = os.fstat(file.fileno())
            size = status.st_size
            if parts == 1 or size == 0 or not stat.S_ISREG(status.st_mode):
                return [(0, size)]
            start = file.read(len(_GZIP_MAGIC))
            if start == _GZIP_MAGIC or _read_head(file.read, start).layout != "lines":
                return [(0, size)]
            lead = min(_bytes_of_lines(file, lead_lines), size // 2) if lead_lines > 0 else 0
            share = (size - lead) // parts
            cuts = {_line_start(file, lead + share * part, size) for part in range(1, parts)}
    except OSError:
        return [(0, 0)]
    bounds = sorted({0, size} | cuts)
    return list(itertools.pairwise(bounds))


def _bytes_of_lines(file: IO[bytes], lines: int) -> int:
    """About how many bytes `lines` lines take, from the length of the first lines of `file`."""
    file.seek(0)
    head = file.read(_LINE_BUFFER)
    return lines * len(head) // max(head.count(b"\n"), 1)


def read_range(
    path: str, start: int, end: int, first_line: int | None = None
) -> Iterator[Record | InputProblem]:
    """The records of the lines of `path`, a plain JSON Lines file, that start in `[start, end)`.

    `start` and `end` are meant to be line starts, as `split_ranges` gives; a position inside a
    line is moved to the start of the next line, so ranges cut anywhere still read each line
    exactly once. Records keep their line numbers in the file: `first_line` is the number of the
    line holding byte `start` if the caller knows it; otherwise the newlines before `start` are
    counted (about 0.4 ns a byte). A record's `index` is its line number (the records of a batch
    line share it), since the records of the lines before the range are not counted.
    """
    try:
        file = open(path, "rb", buffering=0)  # noqa: SIM115
    except OSError as error:
        yield _problem(path, f"cannot read the input: {_os_reason(error)}; check the path")
        return
    with file:
        try:
            size = os.fstat(file.fileno()).st_size
            begin = _line_start(file, start, size)
            stop = _line_start(file, end, size)
            if first_line is None:
                line = 1 + _count_newlines(file, begin)
            else:
                line = first_line if begin == start else first_line + 1
            if begin == 0:
                file.seek(0)
                if file.read(len(_BOM)) == _BOM:
                    begin = len(_BOM)
            if begin >= stop:
                return
            file.seek(begin)
            source = _Source(b"", file.read, limit=stop - begin, sniff=True)
            stream = io.BufferedReader(source, _LINE_BUFFER)
            yield from _lines(stream, source, path, line - 1, index_is_line=True)
        except OSError as error:
            yield _problem(path, f"cannot read the input: {_os_reason(error)}")


Block = tuple[bytes, int]
"""Whole JSON Lines lines, and the number of the line before the first of them."""


def line_blocks(
    path: str, start: int = 0, end: int = -1, *, count_lines: bool = True
) -> Iterator[Block | InputProblem] | None:
    """The lines of a plain JSON Lines file in blocks of about 1 MB, for the native scanner;
    None when `path` is not one (gzip, another layout, standard input, not a regular file), for
    `read_input` to read. With `end` >= 0, the lines that start in `[start, end)`, as in
    `read_range`. Line numbers count from the start of the file, or without `count_lines`, from
    `start` (the newlines before it are not counted); a byte order mark is skipped.

    Blocks are raw: blank lines, bytes that are not UTF-8 and Segment batch lines are left to
    the caller (`checked_line` handles the lines it gives back)."""
    if not plain_lines(path):
        return None
    try:
        file = open(path, "rb", buffering=0)  # noqa: SIM115
        size = os.fstat(file.fileno()).st_size
    except OSError:
        return None
    return _blocks(file, path, start, size if end < 0 else end, count_lines)


def plain_lines(path: str) -> bool:
    """Whether `path` is a regular file of JSON Lines, not compressed (readable in parts)."""
    if path == "-":
        return False
    try:
        with open(path, "rb", buffering=0) as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return False
            head = file.read(len(_GZIP_MAGIC))
            return head != _GZIP_MAGIC and _read_head(file.read, head).layout == "lines"
    except OSError:
        return False


def _blocks(
    file: IO[bytes], path: str, start: int, end: int, count_lines: bool
) -> Iterator[Block | InputProblem]:
    with file:
        try:
            size = os.fstat(file.fileno()).st_size
            begin = _line_start(file, start, size)
            stop = _line_start(file, min(end, size), size)
            line = _count_newlines(file, begin) if begin > 0 and count_lines else 0
            if begin == 0:
                file.seek(0)
                if file.read(len(_BOM)) == _BOM:
                    begin = len(_BOM)
            file.seek(begin)
            left = stop - begin
            carry = b""
            while left > 0 and (chunk := file.read(min(_LINE_BUFFER, left))):
                left -= len(chunk)
                data = carry + chunk if carry else chunk
                cut = len(data) if left <= 0 else data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                block, carry = (data, b"") if cut == len(data) else (data[:cut], data[cut:])
                yield block, line
                line += block.count(b"\n")
            if carry:
                yield carry, line
        except OSError as error:
            yield _problem(path, f"cannot read the input: {_os_reason(error)}")


def lines_before(path: str, offset: int, count: int) -> tuple[memoryview, int]:
    """The last `count` lines before byte `offset` (a line start) of a file, as one block, and
    how many lines it has (fewer near the start); for a process that validates a part of a file
    to know the messageIds just before it."""
    if offset <= 0 or count <= 0:
        return memoryview(b""), 0
    with open(path, "rb", buffering=0) as file:
        chunks: list[bytes] = []
        position = offset
        newlines = 0
        while position > 0 and newlines <= count:
            size = min(_LINE_BUFFER * 4, position)
            position -= size
            file.seek(position)
            chunk = file.read(size)
            chunks.append(chunk)
            newlines += chunk.count(b"\n")
    data = b"".join(reversed(chunks))
    cut = 0
    for _ in range(newlines - count):  # fewer than one chunk's lines
        cut = data.index(b"\n", cut) + 1
    return memoryview(data)[cut:], min(newlines, count)


def _line_start(file: IO[bytes], offset: int, size: int) -> int:
    """The first line start at or after `offset`."""
    if offset <= 0:
        return 0
    if offset >= size:
        return size
    position = offset - 1
    file.seek(position)
    while chunk := file.read(_READ_SIZE):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(chunk)
    return size


def _count_newlines(file: IO[bytes], end: int) -> int:
    file.seek(0)
    count = 0
    left = end
    while left > 0 and (chunk := file.read(min(_COUNT_CHUNK, left))):
        count += chunk.count(b"\n")
        left -= len(chunk)
    return count


# -- helpers ------------------------------------------------------------------------------------


def _problem(name: str, message: str) -> InputProblem:
    return InputProblem(file=name, line=None, index=None, message=message)


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error)
