"""The records of JSON text read chunk by chunk: a JSON array of messages, concatenated values
(pretty-printed objects one after another), Segment batch payloads and HAR captures, for
`reader` (`sniff` recognises the layout).

Memory follows the largest value, not the input (see `text`): a batch object larger than
`LARGE_VALUE` is read item by item, and the entries of a HAR capture one at a time.

A value that is not valid JSON is one problem, located by `syntax.json_error` (never by the
interpreter's message), and reading goes on at the next line that starts with `{` indented no
deeper than the broken value: in an array, the next element; at the top level, the next value.
So a broken value costs only itself.
"""

from __future__ import annotations

import json
import re
import struct
import tempfile
from collections.abc import Callable, Generator, Iterator
from typing import cast

import msgspec

from ...jsonkinds import kind_phrase
from ..messages import batch_defaults
from ..records import SAMPLE_BYTES, Elements, InputProblem, Record, compact_json
from .batches import BATCH_MARK, batch_as_written, batch_record, batch_texts
from .har import HarReader
from .streams import ReadFunction
from .text import Broken, JsonText, TooLarge

try:
    from .._scan import split_elements
except ImportError:  # not compiled here: `blocks` is only for the native scanner
    split_elements = None  # type: ignore[assignment]

__all__ = ["JsonValues"]

Item = Record | InputProblem | Elements
Items = Iterator[Item]
Reader = Callable[[], Generator[Item, None, object]]
Streamed = dict[str, tuple[str, Reader]]  # member name: (the bracket its value opens with, reader)

READ_SIZE = 64 * 1024
GATHER_READ_SIZE = 1 << 20  # reads for `blocks`: runs of elements for the scanner this long
# A value whose text is longer than this is read member by member instead of whole: Segment
# limits a batch payload to 500 KB, but a recorded file may hold a larger one.
LARGE_VALUE = 64 << 20
CUT_ATTEMPTS = 4  # places tried to end a run of array elements before parsing one by one

_OPEN_BRACE = ord("{")
_NEXT_OBJECT = re.compile(r"[ \t\n\r]*,[ \t\n\r]*\{")
_ELEMENT_SEPARATOR = re.compile(rb"[ \t\n\r,]*")
_RAW_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])
_SPILL_HEADER = struct.Struct("<QQ")
_SAVE_CAPTURE = "save the capture again from the browser's Network tab (Save all as HAR)"


class JsonValues(JsonText):
    """The records of JSON text: top-level values, each a message, a Segment batch or an array
    of those; with `har`, the first value is read as a HAR capture if it has a `log.entries`
    list (`har` then holds its reader, for the summary).

    `read` gives the bytes (line breaks already LF or CRLF), `line` is the number of the line
    the text starts on, `source_failed` says whether the input ended because it could not be
    read further (a cut gzip stream): the text being cut there is then not a problem of its own.
    """

    def __init__(
        self,
        read: ReadFunction,
        name: str,
        line: int,
        *,
        har: bool,
        source_failed: Callable[[], bool],
    ) -> None:
        super().__init__(read, line, READ_SIZE)
        self._name = name
        self._source_failed = source_failed
        self._har_first = har
        self.har: HarReader | None = None
        self._index = 0
        self._plain_run_failed = False  # until more text is read
        self._gather = False  # runs of plain elements as Elements (see `blocks`)

    def records(self) -> Iterator[Record | InputProblem]:
        return cast(Iterator[Record | InputProblem], self._items())

    def blocks(self) -> Items:
        """`records()`, with the runs of plain message objects of arrays as `Elements` for the
        native scanner (see `_split_elements`), and the items of a batch on one line too."""
        self._gather = True
        self._read_size = GATHER_READ_SIZE
        return self._items()

    def _items(self) -> Items:
        while char := self._skip_space():
            line, column = self._line_at(self.pos), self._column_at(self.pos) - 1
            try:
                if char == "[":
                    yield from self._array(self._array_element, "element")
                elif self._har_first and char == "{":
                    if (yield from self._capture()):
                        yield from self._after_capture()
                        return
                else:
                    yield from self._message("each top-level JSON value must be one message")
            except Broken as broken:
                consequence = "reading goes on at the next line that starts with {"
                if self.har is not None:
                    consequence = "the entries after it were not read"
                if problem := self._broken(broken, consequence):
                    yield problem
                if self.har is not None or not self._resume(line + 1, column):
                    return
            self._har_first = False

    # -- arrays

    def _array(self, element: Callable[[], Items], what: str) -> Items:
        """With `pos` at a `[`: the records of its elements, each read by `element`. A broken
        element is a problem, and reading goes on at the next element that starts a line."""
        self.pos += 1
        char = self._skip_space()
        if char == "]":
            self.pos += 1
            return
        while True:
            line, column = self._line_at(self.pos), self._column_at(self.pos) - 1
            try:
                if not char:
                    raise Broken(self.pos, "the JSON array is not closed")
                yield from element()
                char = self._skip_space()
                if char == "]":
                    self.pos += 1
                    return
                if char != ",":
                    raise Broken(
                        self.pos,
                        "Expecting ',' delimiter" if char else "the JSON array is not closed",
                    )
                self.pos += 1
                char = self._skip_space()
                if char == "]":  # a comma before the bracket: the array ends all the same
                    if problem := self._broken(Broken(self.pos, "Expecting value"), "ignored"):
                        yield problem
                    self.pos += 1
                    return
            except Broken as broken:
                if problem := self._broken(broken, f"reading goes on at the next {what}"):
                    yield problem
                if not self._resume(line + 1, column):
                    return
                char = "{"

    def _array_element(self) -> Items:
        if not (yield from self._plain_elements()):
            yield from self._message("each element of the JSON array must be one message")

    def _plain_elements(self) -> Generator[Item, None, bool]:
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
        if self._gather and (yield from self._split_elements()):
            return True
        text, pos = self.text, self.pos
        cut = len(text)
        for _ in range(CUT_ATTEMPTS):
            cut = text.rfind("}", pos, cut)
            while cut >= 0 and not _NEXT_OBJECT.match(text, cut + 1):
                cut = text.rfind("}", pos, cut)
            if cut < 0:
                break
            run = text[pos : cut + 1].encode("utf-8", "surrogateescape")
            try:
                elements = _RAW_ELEMENTS.decode(b"[" + run + b"]")
            except (msgspec.DecodeError, RecursionError):
                continue
            return (yield from self._plain_run(run, elements, cut + 1))
        self._plain_run_failed = True
        return False

    def _split_elements(self) -> Generator[Item, None, bool]:
        """For `blocks`: with `pos` at an array element, the run of plain message objects from
        there (to the end of the array, or of the text read so far), split by the native scanner
        into one `Elements` with their lines (see `_scan.split_elements`); returns whether there
        was one. In one pass over the text, where msgspec and the checks of `_plain_run` take
        as long as the scanner."""
        if split_elements is None:
            return False
        if len(self.text) - self.pos < self._read_size // 2:
            self._more()  # a run as long as a read, not the end of the last one
        text = self.text[self.pos :].encode("utf-8", "surrogateescape")
        line = self._line_at(self.pos)
        data, lines, count, end, line_breaks, multiline = split_elements(text, line)
        if not count:
            return False
        texts = {number: text[start:stop] for number, start, stop in multiline}
        block = Elements(data, memoryview(lines).cast("q"), self._index, texts)
        self._index += count
        self.pos += end if text.isascii() else len(text[:end].decode("utf-8", "surrogateescape"))
        # The line there is known: the text of the run is not counted again.
        self._line, self._line_pos = line + line_breaks, self.pos
        yield block
        return True

    def _plain_run(
        self, run: bytes, elements: list[msgspec.Raw], run_end: int
    ) -> Generator[Item, None, bool]:
        """The records of `elements`, the text of which is `run` from `pos` to `run_end`."""
        ascii_run = run.isascii()
        if not ascii_run:
            try:
                run.decode()
            except UnicodeDecodeError:
                self._plain_run_failed = True
                return False
        maybe_batch = BATCH_MARK in run
        pos = self.pos
        line = self._line_at(pos)
        start = end = 0
        for element in elements:
            # The pattern matches the empty string too, so there is always a match.
            element_start = _ELEMENT_SEPARATOR.match(run, end).end()  # type: ignore[union-attr]
            element_end = element_start + len(element)
            line += run.count(b"\n", start, element_start)
            if run[element_start] != _OPEN_BRACE or (
                maybe_batch and BATCH_MARK in run[element_start:element_end]
            ):
                # `pos` after the last element read, where `_array` expects it
                self.pos = pos + (end if ascii_run else len(run[:end].decode()))
                return end > 0
            start, end = element_start, element_end
            self._index += 1
            yield Record(run[start:end], self._name, line, self._index)
        self.pos = run_end
        return True

    # -- objects

    def _object(self, streamed: Streamed) -> Generator[Item, None, dict[str, object]]:
        """With `pos` at a `{`: reads the object member by member and returns its members. The
        value of a member named in `streamed` that opens with the bracket given there is read
        by its reader, which gives records; what the reader returns is kept as its value."""
        members: dict[str, object] = {}
        self.pos += 1
        char = self._skip_space()
        if char == "}":
            self.pos += 1
            return members
        while True:
            if char != '"':
                raise Broken(self.pos, "Expecting property name enclosed in double quotes")
            key = cast(str, self._decode()[0])
            if self._skip_space() != ":":
                raise Broken(self.pos, "Expecting ':' delimiter")
            self.pos += 1
            bracket, reader = streamed.get(key, ("", None))
            if reader is not None and self._skip_space() == bracket:
                members[key] = yield from reader()
            else:
                self._skip_space()
                members[key] = self._decode()[0]
            char = self._skip_space()
            if char == "}":
                self.pos += 1
                return members
            if char != ",":
                raise Broken(self.pos, "Expecting ',' delimiter")
            self.pos += 1
            char = self._skip_space()

    # -- messages and batches

    def _message(self, rule: str) -> Items:
        """The record(s) of the value at `pos`: a message, or the items of a batch."""
        line = self._line_at(self.pos)
        try:
            value, start = self._decode(limit=LARGE_VALUE)
        except TooLarge:
            yield from self._large_batch(line)
            return
        if isinstance(value, dict) and isinstance(value.get("batch"), list):
            defaults = batch_defaults(value)
            if self._gather and (block := self._batch_elements(value, start, line, defaults)):
                yield block
                return
            self.pos = start  # walk the batch again, for the lines of its items

            def item(value: object, text: str, item_line: int, position: int) -> Items:
                yield self._batch_item(value, text, item_line, position, line, defaults)

            yield from self._batch(item)
            return
        self._index += 1
        if not isinstance(value, dict):
            yield InputProblem(
                file=self._name,
                line=line,
                index=self._index,
                message=f"record {self._index} (line {line}) is {kind_phrase(value)}, not a"
                f" message object; {rule} object",
                data=self._sample(start, self.pos),
            )
            return
        try:
            data = self.text[start : self.pos].encode()
        except UnicodeEncodeError:
            yield self._not_utf8(f"record {self._index} (line {line})", line, start, self.pos)
            return
        yield Record(data, self._name, line, self._index)

    def _batch_elements(
        self,
        value: dict[str, object],
        start: int,
        line: int,
        defaults: dict[str, object],
    ) -> Elements | None:
        """The records of the batch `value`, the text from `start` to `pos`, as `Elements`
        without walking it again, when they are all on its first line and `_batch_item` has
        no problem to report; else None."""
        if self.text.find("\n", start, self.pos) >= 0:
            return None
        if self.text.count('"batch"', start, self.pos) != 1:  # the key twice: both are read
            return None
        try:
            text = self.text[start : self.pos].encode()
        except UnicodeEncodeError:
            return None
        as_written = batch_as_written(text, line, self._index)
        if as_written is not None:
            self._index += len(as_written.lines)
            return as_written
        texts = batch_texts(cast(list[object], value["batch"]), defaults)
        if texts is None:
            return None
        block = Elements(b"\n".join(texts), [line] * len(texts), self._index, {})
        self._index += len(texts)
        return block

    def _batch(
        self, item: Callable[[object, str, int, int], Items]
    ) -> Generator[Item, None, dict[str, object]]:
        """With `pos` at an object: reads it, handing each item of its `batch` list to `item`
        as (value, text, line, position), and returns its other members (`batch` is an empty
        list if it was one)."""

        def items() -> Generator[Item, None, object]:
            position = 0

            def element() -> Items:
                nonlocal position
                position += 1
                item_line = self._line_at(self.pos)
                value, start = self._decode()
                yield from item(value, self.text[start : self.pos], item_line, position)

            yield from self._array(element, "item of the batch")
            return []  # streamed, not kept

        return (yield from self._object({"batch": ("[", items)}))

    def _large_batch(self, line: int) -> Items:
        """The object at `pos`, longer than `LARGE_VALUE`: its batch items are kept in a
        temporary file until the end of the object, where its `context` may come."""
        with tempfile.TemporaryFile() as spill:

            def keep(value: object, text: str, item_line: int, position: int) -> Items:
                data = text.encode("utf-8", "surrogateescape")
                spill.write(_SPILL_HEADER.pack(item_line, len(data)))
                spill.write(data)
                return iter(())

            members = yield from self._batch(keep)
            if not isinstance(members.get("batch"), list):
                self._index += 1
                yield InputProblem(
                    file=self._name,
                    line=line,
                    index=self._index,
                    message=(
                        f"record {self._index} (line {line}) is an object of more than"
                        f" {LARGE_VALUE >> 20} MB that is not a Segment batch; a message"
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

    def _batch_item(
        self,
        item: object,
        text: str,
        item_line: int,
        position: int,
        batch_line: int,
        defaults: dict[str, object],
    ) -> Record | InputProblem:
        self._index += 1
        where = f"item {position} of the batch on line {batch_line}"
        try:
            text.encode()
        except UnicodeEncodeError:
            return self._not_utf8(f"record {self._index} ({where})", item_line, text=text)
        return batch_record(item, defaults, self._name, item_line, self._index, where)

    # -- HAR captures

    def _capture(self) -> Generator[Item, None, bool]:
        """With `pos` at an object that starts like a HAR capture: the records of the entries of
        its `log.entries` list, read one at a time; returns True. An object without that list
        is a message after all: its record, and False."""
        line = self._line_at(self.pos)
        capture = HarReader(self._name)

        def entries() -> Generator[Item, None, object]:
            self.har = capture  # from here on, the input is a capture
            number = 0

            def entry() -> Items:
                nonlocal number
                number += 1
                yield from capture.entry(number, self._decode()[0])

            yield from self._array(entry, "entry")
            return None

        def log() -> Generator[Item, None, object]:
            return (yield from self._object({"entries": ("[", entries)}))

        members = yield from self._object({"log": ("{", log)})
        if self.har is not None:
            return True
        self._index += 1
        yield Record(compact_json(members), self._name, line, self._index)
        return False

    def _after_capture(self) -> Items:
        assert self.har is not None
        if self._skip_space():
            message = "the file goes on after the HAR object; that text was not read"
            yield self.har.problem(message)

    def _more(self, at_least: int = 1) -> bool:
        if not self._end:
            self._plain_run_failed = False  # a run may end in the text to come
        return super()._more(at_least)

    # -- problems

    def _broken(self, broken: Broken, consequence: str) -> InputProblem | None:
        """The problem of broken JSON text; None when the text only ends there because the
        input could not be read further (that is the problem the reader gives)."""
        pos = min(broken.pos, len(self.text))
        cut_short = self._end and not self.text[pos:].strip()
        if cut_short and self._source_failed():
            return None
        line = self._line_at(pos)
        column = self._column_at(pos)
        hint = " (the text ends there: is the file truncated?)" if cut_short else ""
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        data = self._sample(line_start, line_end if line_end >= 0 else len(self.text))
        if self.har is not None:
            message = (
                f"the capture is not valid JSON: {broken.reason} at line {line} column"
                f" {column}{hint}; {consequence}; {_SAVE_CAPTURE}"
            )
            return self.har.problem(message, data=data)
        return InputProblem(
            file=self._name,
            line=line,
            index=None,
            message=(
                f"line {line} is not valid JSON: {broken.reason} at column {column}{hint};"
                f" {consequence}"
            ),
            data=data,
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
            data=raw[:SAMPLE_BYTES],
        )
