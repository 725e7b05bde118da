"""Read a plan (or configuration) file as text without trusting what the path names.

Only regular files are read, and only up to a size cap: a FIFO would block for ever and
/dev/zero would fill the memory. The bytes are decoded as UTF-8; UTF-16 and UTF-32 are read
too when the file starts with a byte order mark (YAML allows both), and a file that is not
text in any of them is reported with the line and column of the first bad byte.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
from pathlib import Path

MAX_PLAN_BYTES = 8 * 1024 * 1024
"""Three times the 5,000-event benchmark plan; split larger plans into included files."""
MAX_IMPORT_BYTES = 4 * MAX_PLAN_BYTES
"""A Segment export: JSON takes more room than the YAML it becomes."""

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


WITHOUT_BYTE_ORDER_MARK = (
    "the file looks like UTF-16 or UTF-32 without a byte order mark: save it as UTF-8"
)


def looks_like_wide_text(nul_count: int, length: int) -> bool:
    """Whether NULs are frequent enough to be the zero halves of UTF-16 or UTF-32 ASCII."""
    return nul_count * 4 >= length > 0


class SourceError(Exception):
    """The file cannot be read (`unreadable`), or its bytes are not text (line and column of
    the first bad byte)."""

    def __init__(
        self, reason: str, *, unreadable: bool, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable
        self.line = line
        self.column = column


def resolve(path: Path) -> Path:
    """The absolute path with symbolic links followed; SourceError for a link loop or a name
    the system cannot handle (too long)."""
    try:
        return path.resolve()
    except RuntimeError:  # Python before 3.13: a symbolic link loop
        raise SourceError(_LOOP, unreadable=True) from None
    except OSError as error:
        raise SourceError(os_reason(error), unreadable=True) from None


_LOOP = "its symbolic links form a loop"


def os_reason(error: OSError) -> str:
    """Why the system refused a path, in words: a link loop (ELOOP, which Python 3.13 lets
    through to `open`) is named as such."""
    return _LOOP if error.errno == errno.ELOOP else error.strerror or str(error)


def read_source(path: Path, *, limit: int = MAX_PLAN_BYTES) -> str:
    """The text of a regular file of at most `limit` bytes; raises SourceError otherwise."""
    return decode(read_capped(path, limit=limit, allow_pipes=False))


def read_input(name: str, *, limit: int) -> str:
    """The text of an input named on the command line: `-` for standard input, else a file
    or a pipe (`<(...)`); at most `limit` bytes."""
    if name == "-":
        return decode(_within(sys.stdin.buffer.read(limit + 1), limit))
    return decode(read_capped(Path(name), limit=limit, allow_pipes=True))


def read_capped(path: Path, *, limit: int, allow_pipes: bool) -> bytes:
    """At most `limit` bytes of a regular file (or of a pipe, when allowed); more is an
    error."""
    try:
        # O_NONBLOCK: opening a FIFO without a writer returns at once instead of blocking.
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
        if not allow_pipes:
            flags |= getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
    except OSError as error:
        raise SourceError(os_reason(error), unreadable=True) from None
    mode = os.fstat(descriptor).st_mode
    if not (stat.S_ISREG(mode) or (allow_pipes and stat.S_ISFIFO(mode))):
        os.close(descriptor)
        kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
        raise SourceError(f"it is {kind}, not a file", unreadable=True)
    with os.fdopen(descriptor, "rb") as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise SourceError(os_reason(error), unreadable=True) from None
    return _within(data, limit)


def _within(data: bytes, limit: int) -> bytes:
    if len(data) > limit:
        size = f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"
        raise SourceError(f"it is larger than {size}, the limit for one file", unreadable=True)
    return data


def decode(data: bytes) -> str:
    """UTF-8, or UTF-16/UTF-32 with a byte order mark; raises SourceError at the first bad
    byte."""
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start, encoding)
        label = "UTF-8" if encoding == "utf-8" else encoding.upper().replace("-SIG", "")
        advice = "save the file as UTF-8"
        if encoding == "utf-8" and looks_like_wide_text(data.count(0), len(data)):
            advice = WITHOUT_BYTE_ORDER_MARK
        raise SourceError(
            f"the file is not {label} text: byte 0x{data[error.start]:02x} at line {line}, "
            f"column {column} cannot be decoded; {advice}",
            unreadable=False,
            line=line,
            column=column,
        ) from None


def _position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    before = data[:offset].decode(encoding, errors="replace")
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1
