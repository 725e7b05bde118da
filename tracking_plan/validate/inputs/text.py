"""JSON text read chunk by chunk, for `values`: a cursor (`pos`) in the text read so far, the
line and column of any offset, and the value at the cursor, parsed with as much more text as it
takes. Only the text from the cursor onwards is kept when more is read, so memory follows the
value being parsed, not the input."""

from __future__ import annotations

import codecs
import json
import re

from ..records import SAMPLE_BYTES
from ..syntax import json_error
from .streams import ReadFunction

__all__ = ["Broken", "JsonText", "TooLarge", "maybe_cut"]

# A JSON syntax error this close to the end of the text read so far may only mean that the
# value continues in the next chunk ("1.5e" or "tru" at the end, a missing delimiter).
CUT_MARGIN = 16

_NON_SPACE = re.compile(r"[^ \t\n\r]")
_OBJECT_LINE = re.compile(r"\n([ \t]*)\{")
_DECODER = json.JSONDecoder()


def maybe_cut(error: json.JSONDecodeError, text_length: int) -> bool:
    """Whether a parse error may only mean that the text read so far ends inside the value."""
    return error.msg.startswith("Unterminated string") or error.pos >= text_length - CUT_MARGIN


class Broken(Exception):
    """The JSON text is not valid at `pos` of the text being parsed."""

    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason


class TooLarge(Exception):
    """The object being parsed is longer than the limit given: read it member by member."""


class JsonText:
    """JSON text given by `read` (line breaks already LF or CRLF), `line` the number of the
    line it starts on, read `read_size` bytes at a time."""

    def __init__(self, read: ReadFunction, line: int, read_size: int) -> None:
        self._read = read
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.text = ""
        self.pos = 0
        self._end = False
        self._line = line  # the number of the line at offset `_line_pos`
        self._line_pos = 0
        self._dropped_columns = 0  # characters of the line at offset 0 dropped with older text
        self._read_size = read_size

    def _decode(self, limit: int | None = None) -> tuple[object, int]:
        """The JSON value at `pos`, reading more text as needed; moves `pos` past it and returns
        the value with its start. Raises `TooLarge` if the value is an object longer than
        `limit`, and `Broken` if the text is not valid JSON."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self._end or not maybe_cut(error, len(self.text)):
                    self._refuse(error)
                    continue
                pending = len(self.text) - self.pos
                if limit is not None and pending > limit and self.text[self.pos] == "{":
                    raise TooLarge from None
                self._more(pending)
            except (ValueError, RecursionError) as error:  # a limit: digits, depth
                self._refuse(error)
            else:
                start, self.pos = self.pos, end
                return value, start

    def _refuse(self, error: Exception) -> None:
        """Raises `Broken` at the error of the value at `pos`, found here; or, when that error
        is where the text read so far ends, reads more text (the value may go on)."""
        found = json_error(self.text, self.pos)
        if found is None:  # the parser gave up where this module does not
            reason = "the value is nested too deeply" if isinstance(error, RecursionError) else ""
            raise Broken(self.pos, reason or str(error))
        if not self._end and found.pos >= len(self.text) - CUT_MARGIN:
            self._more(len(self.text) - self.pos)
            return
        raise Broken(found.pos, found.reason)

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

    def _resume(self, min_line: int, max_column: int) -> bool:
        """After a broken value: moves `pos` to the `{` that starts the first line from line
        `min_line` on (the line after the value's first) that starts with `{` indented by at
        most `max_column` characters, as the next value would; False if there is none before
        the end of the input. Searching from the broken value's start, not from the error,
        finds a value the broken one swallowed (`{"a":` then a whole object on the next line)."""
        search = 0
        while True:
            for found in _OBJECT_LINE.finditer(self.text, search):
                indent = len(found.group(1))
                if indent <= max_column and self._line_at(found.start()) + 1 >= min_line:
                    self.pos = found.end() - 1
                    return True
            # Keep the last line break: a line that starts with `{` may begin there.
            last = self.text.rfind("\n")
            self.pos = last if last >= 0 else len(self.text)
            if not self._more():
                self.pos = len(self.text)
                return False

    def _more(self, at_least: int = 1) -> bool:
        """Appends at least `at_least` characters of input, or what is left, after dropping the
        text before `pos`; False if there was nothing left."""
        if self._end:
            return False
        self._drop_before_pos()
        pieces = [self.text]
        added = 0
        while added < at_least and not self._end:
            chunk = self._read(max(self._read_size, at_least - added))
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

    def _sample(self, start: int, end: int) -> bytes:
        text = self.text[start : min(end, start + SAMPLE_BYTES)]
        return text.encode("utf-8", "surrogateescape")[:SAMPLE_BYTES]
