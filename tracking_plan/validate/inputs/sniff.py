"""Recognising the layout of an input from its first bytes, never from its name: JSON Lines,
JSON values (an array, or values one after another), a HAR capture, or nothing at all (the
rules are told in `Input.records`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from .streams import ReadFunction
from .text import maybe_cut

__all__ = ["BOM", "READ_SIZE", "Head", "Layout", "read_head"]

Layout = Literal["empty", "lines", "values", "har"]

BOM = b"\xef\xbb\xbf"

READ_SIZE = 64 * 1024  # one read from the source while recognising the layout
_HEAD_WINDOW = 1 << 20  # at most this much is read to recognise the layout
_EVIDENCE_LINES = 8  # lines looked at after a first line that is not JSON
_HAR_START = re.compile(rb'[ \t\r\n]*\{[ \t\r\n]*"log"[ \t\r\n]*:[ \t\r\n]*\{')
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True, kw_only=True)
class Head:
    """The first bytes of an input (byte order mark removed) and the layout they show."""

    data: bytes
    layout: Layout
    blank_lines: int  # lines of white space dropped before `data`


def read_head(read: ReadFunction) -> Head:
    """Reads the first bytes of an input until they show its layout. Leading blank lines are
    counted and dropped as they come, so a stream of them (a gzip bomb of newlines) costs no
    memory."""
    data = b""
    blank_lines = 0
    end = False
    bom_checked = False
    while True:
        if not end:
            chunk = read(READ_SIZE)
            end = not chunk
            data += chunk
        if not bom_checked:
            if len(data) < len(BOM) and not end:
                continue
            data, bom_checked = data.removeprefix(BOM), True
        if not data.lstrip(b" \t\r\n"):
            cut = data.rfind(b"\n") + 1  # keep the indentation of the first line
            blank_lines += data.count(b"\n", 0, cut)
            data = data[cut:]
        layout = _layout(data, end)
        if layout is not None:
            return Head(data=data, layout=layout, blank_lines=blank_lines)
        if len(data) >= _HEAD_WINDOW:
            # The first line is longer than the window: stream values, which copes with any.
            layout = "har" if _HAR_START.match(data) else "values"
            return Head(data=data, layout=layout, blank_lines=blank_lines)


def _layout(data: bytes, end: bool) -> Layout | None:
    """The layout `data` (the start of an input) shows, or None if more bytes are needed."""
    first = len(data) - len(data.lstrip(b" \t\r\n"))
    if first == len(data):
        return "empty" if end else None
    line_end = data.find(b"\n", first)
    if _HAR_START.match(data, first):
        if line_end < 0 and not end:
            return None
        return _capture_or_lines(data[first : line_end if line_end >= 0 else len(data)])
    if line_end < 0 and not end:
        return None
    is_array = data[first : first + 1] == b"["
    if not is_array and _is_json(data[first : line_end if line_end >= 0 else len(data)]):
        return "lines"
    text = data[first:].decode("utf-8", "surrogateescape")
    try:
        _, value_end = _DECODER.raw_decode(text)
    except json.JSONDecodeError as error:
        if not end and maybe_cut(error, len(text)):
            # An array valid so far is one (not parsed again and again up to the window).
            return "values" if is_array else None
        return _after_a_broken_start(data, line_end, end)
    except (ValueError, RecursionError):  # a limit: digits, depth
        return _after_a_broken_start(data, line_end, end)
    if is_array:
        return "values"
    text_line_end = text.find("\n")
    if text_line_end < 0 or value_end > text_line_end or text[value_end:text_line_end].strip():
        return "values"
    # The first line is one value after all (json.loads refused its bytes: not UTF-8).
    return "lines"


def _capture_or_lines(first_line: bytes) -> Layout:
    """The layout of an input that starts like a HAR capture (`{"log": {`): JSON Lines if its
    first line is an object by itself without a `log.entries` list (a log of messages that
    happen to have a `log` object), else a capture (a HAR file is pretty-printed, or one line
    that has that list)."""
    try:
        value = json.loads(first_line)
    except (ValueError, RecursionError):
        return "har"
    log = value.get("log") if isinstance(value, dict) else None
    return "har" if isinstance(log, dict) and isinstance(log.get("entries"), list) else "lines"


def _after_a_broken_start(data: bytes, line_end: int, end: bool) -> Layout | None:
    """The layout of an input whose first value is not valid JSON (None: more bytes needed).

    Values (read on from the next line that starts with `{`) if the first line is a lone
    bracket, as pretty-printed JSON starts. Else JSON Lines if one of the next few lines is a
    JSON object by itself: the first line is then one bad record among lines. Else values if
    the next line starts like pretty-printed JSON (a bracket or a quoted name); else lines,
    each reported on its own."""
    first_line = data[:line_end].strip() if line_end >= 0 else data.strip()
    if first_line in (b"{", b"["):
        return "values"
    following: list[bytes] = []
    start = line_end + 1
    while line_end >= 0 and len(following) < _EVIDENCE_LINES:
        line_end = data.find(b"\n", start)
        if line_end < 0 and not end:
            return None  # the next line is not complete yet
        line = data[start : line_end if line_end >= 0 else len(data)].strip()
        if line.startswith(b"{") and _is_json(line):
            return "lines"
        if line:
            following.append(line)
        start = line_end + 1
    pretty = bool(following) and following[0][:1] in b'{["}]'
    lone_array = not following and first_line.startswith(b"[")
    return "values" if pretty or lone_array else "lines"


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True
