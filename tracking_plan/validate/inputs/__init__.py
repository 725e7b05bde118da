"""Reading recorded Segment messages for `tp validate`, streamed from files, pipes or standard
input.

`Input` opens one input (a path, or "-" for standard input) once and reads it once, front to
back: a named pipe or standard input works like a file, and memory stays flat however large the
input is. The layout is recognised from the first bytes while reading, never from the file
name:

* JSON Lines (`.jsonl`, `.ndjson`, ...): one message per line. Lines are not parsed here: the
  caller parses each record once anyway, so the caller also reports a line that is not JSON
  or not an object;
* a JSON array of messages, compact or pretty-printed, read element by element;
* concatenated JSON values, such as pretty-printed objects one after another;
* Segment batch payloads (`{"batch": [...], "context": {...}}`), alone, one per line or as
  values of the layouts above: their items become the records;
* a HAR capture saved from the browser's Network tab (an object starting `{"log": {`), whose
  entries are read one at a time and whose analytics requests become the records (see `har`);
* any of these gzip-compressed, recognised by the magic bytes whatever the extension.

CR, LF and CRLF all end lines. Every part of an input ends up as a record or as a problem that
says where it is; a part that cannot be read does not stop the reading of the rest.

`Input.records` gives records one by one; `Input.blocks` gives the same records to the native
scanner, whatever the layout: JSON Lines in blocks of lines as read, the records of the other
layouts as `Elements` (records laid out as JSON Lines, with the lines they come from).

`split_ranges`, `read_range` and `range_blocks` read a plain JSON Lines file in parts, for
parallel workers.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
from collections.abc import Iterator
from types import TracebackType
from typing import IO, TypeVar

from ..records import Block, Elements, InputProblem, Record
from .har import HarSummary
from .lines import batch_elements, checked_line, line_blocks, line_records
from .sniff import BOM, READ_SIZE, Layout, read_head
from .streams import (
    GZIP_MAGIC,
    LINE_BUFFER,
    LONE_CR,
    Guarded,
    Gunzip,
    LineEnds,
    Prefixed,
    ReadFunction,
    input_problem,
    nothing,
    open_source,
    os_reason,
)
from .values import JsonValues

__all__ = [
    "STDIN_NAME",
    "Block",
    "Elements",
    "Input",
    "InputProblem",
    "Record",
    "batch_elements",
    "checked_line",
    "input_error",
    "lines_before",
    "plain_lines",
    "range_blocks",
    "read_input",
    "read_range",
    "split_ranges",
]

STDIN_NAME = "<stdin>"

_COUNT_CHUNK = 1 << 20  # line ends before a range are counted in chunks of this size


_Item = Record | InputProblem | Elements
_T = TypeVar("_T", bound=_Item)


# -- one input --------------------------------------------------------------------------------


def read_input(source: str) -> Iterator[Record | InputProblem]:
    """The records of one input: a path, or "-" for standard input (see `Input.records`)."""
    with Input(source) as opened:
        yield from opened.records()


def input_error(source: str) -> str | None:
    """Why `source` cannot be read as an input at all, for a usage error before reading:
    "does not exist", "is a folder, not a file", "cannot be read (...)"; None if it can be
    opened ("-", standard input, always). Named pipes and devices are not opened here: they
    can only be read once."""
    if source == "-":
        return None
    try:
        status = os.stat(source)
    except FileNotFoundError:
        return "does not exist"
    except OSError as error:
        return f"cannot be read ({os_reason(error)})"
    if stat.S_ISDIR(status.st_mode):
        return "is a folder, not a file: give the files in it"
    if not os.access(source, os.R_OK):
        return "cannot be read (permission denied)"
    return None


class Input:
    """One input, opened once and read once. Use it as a context manager (it closes the file),
    and read either `records()` or `blocks()`.

    Opening never raises: an input that cannot be opened or read gives one problem. A gzip
    stream that is cut or damaged gives the records before the damage, then a problem. After
    reading, `har` holds what a HAR capture held (None for other layouts).
    """

    def __init__(self, source: str) -> None:
        self.name = STDIN_NAME if source == "-" else source
        self.har: HarSummary | None = None
        self._stack = contextlib.ExitStack()
        try:
            raw = open_source(source, self._stack)
            self._source = Guarded(self.name, raw)
        except OSError as error:
            raw = nothing
            self._source = Guarded(self.name, raw)
            self._source.fail(f"cannot read the input: {os_reason(error)}; check the path")
        start = self._source.read_exactly(len(GZIP_MAGIC))
        read: ReadFunction = self._source.read
        if start == GZIP_MAGIC:
            self._source = Guarded(self.name, Gunzip(raw, start).read)
            read, start = self._source.read, b""
        self._read = LineEnds(read, start).read
        self._head = read_head(self._read)

    def __enter__(self) -> Input:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()

    @property
    def layout(self) -> Layout:
        return self._head.layout

    def blocks(self) -> Iterator[Block | Elements | InputProblem]:
        """The input for the native scanner, in the order of `records()`: the lines of JSON
        Lines in blocks of about 1 MB (see `range_blocks`), the records of the other layouts
        gathered into `Elements` of about 1 MB. Blank lines, bytes that are not UTF-8 and Segment
        batch lines in JSON Lines are left to the caller (`checked_line` handles the lines it
        gives back)."""
        layout = self._head.layout
        if layout == "lines":
            return self._line_blocks()
        if layout == "empty":
            return self._failure()
        values = self._json_values()
        return _gathered(self._values(values.blocks(), values))

    def records(self) -> Iterator[Record | InputProblem]:
        """The records of the input, and its problems, in the order of the input.

        The layout is recognised from the first bytes (a UTF-8 byte order mark is ignored): `[`
        starts a JSON array of messages, streamed element by element; otherwise the input is
        JSON Lines, unless its first non-blank line is not JSON by itself while the text is one
        or more JSON values (pretty-printed objects, say), which are then streamed value by
        value. A first value that is not valid JSON leaves JSON Lines when the next line is a
        JSON object by itself. Blank lines are skipped. A Segment batch (an object with a
        `batch` list) becomes its items. An object that starts `{"log": {` with a `log.entries`
        list is a HAR capture (`har`).

        JSON Lines records are not parsed: a record's JSON validity, and whether it is an
        object, is checked by the caller, who parses it anyway. Only lines that are not UTF-8
        are problems here, and only a line containing `"batch"` is parsed, to expand it if it
        is a batch payload. In the other layouts every value is parsed (to find where it ends),
        and a value that is not a JSON object, bad JSON or text that is not UTF-8 is a problem.
        """
        layout = self._head.layout
        if layout == "lines":
            return line_records(self._line_blocks(), self.name, index_is_line=False)
        if layout == "empty":
            return self._failure()
        values = self._json_values()
        return self._values(values.records(), values)

    def _json_values(self) -> JsonValues:
        return JsonValues(
            self._rest(),
            self.name,
            self._head.blank_lines + 1,
            har=self._head.layout == "har",
            source_failed=self._source.failed,
        )

    def _values(self, items: Iterator[_T], values: JsonValues) -> Iterator[_T | InputProblem]:
        yield from items
        if values.har is not None:
            self.har = values.har.summary()
        yield from self._failure()

    def _failure(self) -> Iterator[InputProblem]:
        """The problem that stopped the reading of the source, if one did."""
        if self._source.problem is not None:
            yield self._source.problem

    def _rest(self) -> ReadFunction:
        return Prefixed(self._head.data, self._read).read_bytes

    def _line_blocks(self) -> Iterator[Block | InputProblem]:
        return line_blocks(self._rest(), self.name, self._head.blank_lines, self._source)


def _gathered(items: Iterator[_Item]) -> Iterator[Elements | InputProblem]:
    """Records read one by one, gathered into `Elements` of about `LINE_BUFFER` bytes for the
    native scanner; problems and `Elements` between them as they come."""
    gathered: list[Record] = []
    size = 0
    for item in items:
        if gathered and (
            not isinstance(item, Record)
            or item.index != gathered[-1].index + 1
            or size >= LINE_BUFFER
        ):
            yield _elements(gathered)
            gathered, size = [], 0
        if isinstance(item, Record):
            gathered.append(item)
            size += len(item.data)
        else:
            yield item
    if gathered:
        yield _elements(gathered)


def _elements(records: list[Record]) -> Elements:
    """Records of consecutive indexes as `Elements`."""
    texts = {number: r.data for number, r in enumerate(records) if b"\n" in r.data}
    lines = [r.data.replace(b"\n", b"\r") if n in texts else r.data for n, r in enumerate(records)]
    return Elements(b"\n".join(lines), [r.line for r in records], records[0].index - 1, texts)


# -- parallel reading of JSON Lines ---------------------------------------------------------------


def split_ranges(path: str, parts: int, lead_lines: int = 0) -> list[tuple[int, int]]:
    """Byte ranges `[start, end)` that cover a plain JSON Lines file in about `parts` equal parts,
    each starting at a line start, for `read_range`. With `lead_lines`, the first part is longer
    by about that many lines (the others start by reading that many lines before them).

    A gzip file, standard input ("-"), a file of another layout or one that is not a regular file
    gives one part, `[(0, size)]` (size 0 when unknown): read it with `Input`. A file too small
    to cut gives fewer parts than asked.
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
            if not _is_plain_lines(file):
                return [(0, size)]
            lead = min(_bytes_of_lines(file, lead_lines), size // 2) if lead_lines > 0 else 0
            share = (size - lead) // parts
            cuts = {_line_start(file, lead + share * part, size) for part in range(1, parts)}
    except OSError:
        return [(0, 0)]
    bounds = sorted({0, size} | cuts)
    return list(itertools.pairwise(bounds))


def plain_lines(path: str) -> bool:
    """Whether `path` is a regular file of JSON Lines, not compressed (readable in parts)."""
    if path == "-":
        return False
    try:
        with open(path, "rb", buffering=0) as file:
            return stat.S_ISREG(os.fstat(file.fileno()).st_mode) and _is_plain_lines(file)
    except OSError:
        return False


def _is_plain_lines(file: IO[bytes]) -> bool:
    file.seek(0)
    start = file.read(len(GZIP_MAGIC))
    return start != GZIP_MAGIC and read_head(LineEnds(file.read, start).read).layout == "lines"


def _bytes_of_lines(file: IO[bytes], lines: int) -> int:
    """About how many bytes `lines` lines take, from the length of the first lines of `file`."""
    file.seek(0)
    head = file.read(LINE_BUFFER)
    return lines * len(head) // max(head.count(b"\n"), 1)


def read_range(
    path: str, start: int, end: int, first_line: int | None = None
) -> Iterator[Record | InputProblem]:
    """The records of the lines of `path`, a plain JSON Lines file, that start in `[start, end)`.

    `start` and `end` are meant to be line starts, as `split_ranges` gives; a position inside a
    line is moved to the start of the next line, so ranges cut anywhere still read each line
    exactly once. Records keep their line numbers in the file: `first_line` is the number of the
    line holding byte `start` if the caller knows it; otherwise the line ends before `start` are
    counted (about 0.4 ns a byte). A record's `index` is its line number (the records of a batch
    line share it), since the records of the lines before the range are not counted.
    """
    blocks = range_blocks(path, start, end, first_line=first_line)
    return line_records(blocks, path, index_is_line=True)


def range_blocks(
    path: str,
    start: int = 0,
    end: int = -1,
    *,
    count_lines: bool = True,
    first_line: int | None = None,
) -> Iterator[Block | InputProblem]:
    """The lines of a plain JSON Lines file that start in `[start, end)` (to its end with `end`
    -1), as `read_range` reads them, in blocks of about 1 MB for the native scanner. Line
    numbers count from the start of the file, or without `count_lines`, from `start` (the line
    ends before it are not counted); a byte order mark is skipped.

    Blocks are raw: blank lines, bytes that are not UTF-8 and Segment batch lines are left to
    the caller (`checked_line` handles the lines it gives back)."""
    try:
        file = open(path, "rb", buffering=0)  # noqa: SIM115
    except OSError as error:
        yield input_problem(path, f"cannot read the input: {os_reason(error)}; check the path")
        return
    with file:
        try:
            size = os.fstat(file.fileno()).st_size
            begin = _line_start(file, start, size)
            stop = _line_start(file, size if end < 0 else min(end, size), size)
            if first_line is not None:
                line = first_line - 1 if begin == start else first_line
            else:
                line = _count_line_ends(file, begin) if begin > 0 and count_lines else 0
            if begin == 0:
                file.seek(0)
                if file.read(len(BOM)) == BOM:
                    begin = len(BOM)
            if begin >= stop:
                return
            file.seek(begin)
            source = Prefixed(b"", file.read, limit=stop - begin)
            yield from line_blocks(LineEnds(source.read_bytes).read, path, line)
        except OSError as error:
            yield input_problem(path, f"cannot read the input: {os_reason(error)}")


def lines_before(path: str, offset: int, count: int) -> tuple[memoryview, int]:
    """The last `count` lines before byte `offset` (a line start) of a file, as one block with
    LF line ends, and how many lines it has (fewer near the start); for a process that
    validates a part of a file to know the messageIds just before it."""
    if offset <= 0 or count <= 0:
        return memoryview(b""), 0
    with open(path, "rb", buffering=0) as file:
        chunks: list[bytes] = []
        position = offset
        line_ends = 0
        while position > 0 and line_ends <= count + 1:
            size = min(LINE_BUFFER * 4, position)
            position -= size
            file.seek(position)
            chunk = file.read(size)
            chunks.append(chunk)
            line_ends += _line_ends_in(chunk)
    data = b"".join(reversed(chunks))
    if b"\r" in data:
        data = LONE_CR.sub(b"\n", data)
    newlines = data.count(b"\n")
    cut = 0
    for _ in range(newlines - count):  # fewer than one chunk's lines
        cut = data.index(b"\n", cut) + 1
    return memoryview(data)[cut:], min(newlines, count)


def _line_start(file: IO[bytes], offset: int, size: int) -> int:
    """The first start of a line (after an LF) at or after `offset`."""
    if offset <= 0:
        return 0
    if offset >= size:
        return size
    position = offset - 1
    file.seek(position)
    while chunk := file.read(READ_SIZE):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(chunk)
    return size


def _count_line_ends(file: IO[bytes], end: int) -> int:
    """The line ends (LF, CRLF or CR) in the first `end` bytes of `file`."""
    file.seek(0)
    count = 0
    left = end
    ended_with_cr = False
    while left > 0 and (chunk := file.read(min(_COUNT_CHUNK, left))):
        count += _line_ends_in(chunk) - (ended_with_cr and chunk.startswith(b"\n"))
        ended_with_cr = chunk.endswith(b"\r")
        left -= len(chunk)
    return count


def _line_ends_in(chunk: bytes) -> int:
    """LF, CRLF and CR line ends in `chunk` (a CR at its end counts as one)."""
    count = chunk.count(b"\n")
    if b"\r" in chunk:
        count += chunk.count(b"\r") - chunk.count(b"\r\n")
    return count
