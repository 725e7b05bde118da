"""One input, opened once and read once (`Input`): its bytes streamed (`streams`), its layout
recognised from the first bytes (`sniff`), then read as JSON Lines (`lines`) or as JSON values
(`values`), as records one by one or in blocks for the native scanner."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from types import TracebackType
from typing import TypeVar

from ..records import Block, Elements, InputProblem, Record
from .har import HarSummary
from .lines import line_blocks, line_records
from .sniff import read_head
from .streams import (
    GZIP_MAGIC,
    LINE_BUFFER,
    Guarded,
    Gunzip,
    LineEnds,
    Prefixed,
    ReadFunction,
    nothing,
    open_source,
    os_reason,
)
from .values import JsonValues

__all__ = ["STDIN_NAME", "Input", "input_error", "read_input"]

STDIN_NAME = "<stdin>"

_Item = Record | InputProblem | Elements
_T = TypeVar("_T", bound=_Item)


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
