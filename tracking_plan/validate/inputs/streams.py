"""The bytes of one input, read as a stream: opened from a path or standard input
(`open_source`), decompressed when gzip (`Gunzip`), with CR and CRLF line ends turned into LF
(`LineEnds`), and guarded so that a source that fails ends the input with a problem instead of
an error (`Guarded`)."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable
from typing import IO, cast

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from ..records import InputProblem

__all__ = [
    "GZIP_MAGIC",
    "LINE_BUFFER",
    "LONE_CR",
    "Guarded",
    "Gunzip",
    "LineEnds",
    "Prefixed",
    "ReadFunction",
    "input_problem",
    "nothing",
    "open_source",
    "os_reason",
]

ReadFunction = Callable[[int], bytes]

GZIP_MAGIC = b"\x1f\x8b"
LINE_BUFFER = 1 << 20  # JSON Lines are read in blocks of about this size
_COMPRESSED_READ = 256 * 1024  # one read of gzip data (a megabyte or more once inflated)
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib reads the gzip header and checks the trailer
_SALVAGE_STEP = 512  # bytes inflated a call when keeping what comes before damaged data

# fcntl's F_SETPIPE_SZ: Linux only (there is no fcntl module on Windows).
_SET_PIPE_SIZE: int | None = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None

LONE_CR = re.compile(rb"\r(?!\n)")


class Guarded:
    """A read function (`read`) that turns a failure of the source (a cut or damaged gzip
    stream, a read error) into the end of the input, keeping the problem for after the records
    read before it; readers downstream see a clean end and ask `failed()` to tell it apart."""

    def __init__(self, name: str, read: ReadFunction) -> None:
        self.name = name
        self.problem: InputProblem | None = None
        self._read = read

    def failed(self) -> bool:
        return self.problem is not None

    def fail(self, message: str) -> None:
        self.problem = input_problem(self.name, message)

    def read_exactly(self, size: int) -> bytes:
        """`size` bytes, fewer only at the end of the input (a pipe gives what it has)."""
        data = b""
        while len(data) < size and (chunk := self.read(size - len(data))):
            data += chunk
        return data

    def read(self, size: int) -> bytes:
        if self.problem is not None:
            return b""
        try:
            return self._read(size)
        except EOFError:
            self.fail(
                "the gzip data is truncated (it ends before its end-of-stream marker): the"
                " records before the cut were read, the rest is missing; copy or export the"
                " file again"
            )
        except (gzip.BadGzipFile, zlib.error) as error:
            self.fail(f"the gzip data is damaged ({error}); copy or export the file again")
        except OSError as error:
            self.fail(f"cannot read the input: {os_reason(error)}")
        return b""


class Gunzip:
    """The bytes of gzip data read with `read` (`start` its first bytes), decompressed: one or
    more members, zero bytes after a member ignored, as `gzip.open` reads them. A read gives the
    size asked for, fewer only at the end: zlib fills a block of a megabyte in one call, where
    `gzip.GzipFile` gives some 35 KB a call through a buffer (two more copies).

    Cut data raises EOFError once everything before the cut is given; damaged data raises
    `zlib.error` (or `gzip.BadGzipFile`) once what comes before the damage is given."""

    def __init__(self, read: ReadFunction, start: bytes) -> None:
        self._read = read
        self._input = start  # compressed bytes not given to zlib yet
        self._zlib = zlib.decompressobj(_GZIP_WBITS)
        self._failure: Exception | None = None  # raised at the next read

    def read(self, size: int) -> bytes:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        parts: list[bytes] = []
        try:
            while size > 0:
                if self._zlib.eof and not self._next_member():
                    break
                if not self._input:
                    self._input = self._read(_COMPRESSED_READ)
                    if not self._input:
                        raise EOFError("the gzip data ends inside a member")
                data = self._inflate(size)
                parts.append(data)
                size -= len(data)
        except _Damaged as damaged:
            parts.append(damaged.before)
            self._failure = damaged.error
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            if not any(parts):
                raise
            self._failure = error
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _inflate(self, size: int) -> bytes:
        """Up to `size` bytes from the input. If zlib refuses it, the input is inflated again
        in small steps from the state before, to keep the bytes that come before the damage."""
        before = self._zlib.copy()  # a few microseconds; a call inflates a megabyte
        try:
            data = self._zlib.decompress(self._input, size)
        except zlib.error as error:
            self._zlib = before
            kept: list[bytes] = []
            try:
                while len(kept) * _SALVAGE_STEP < size:
                    kept.append(self._zlib.decompress(self._input, _SALVAGE_STEP))
                    self._input = self._zlib.unconsumed_tail
            except zlib.error:
                pass
            if not any(kept):
                raise
            raise _Damaged(b"".join(kept), error) from error
        self._input = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
        return data

    def _next_member(self) -> bool:
        """After a member: whether another one follows (zero bytes before it are skipped)."""
        while True:
            self._input = self._input.lstrip(b"\0")
            if len(self._input) >= len(GZIP_MAGIC):
                break
            more = self._read(_COMPRESSED_READ)
            if not more:
                if self._input:
                    raise gzip.BadGzipFile(f"Not a gzipped file ({self._input!r})")
                return False
            self._input += more
        if not self._input.startswith(GZIP_MAGIC):
            raise gzip.BadGzipFile(f"Not a gzipped file ({self._input[:2]!r})")
        self._zlib = zlib.decompressobj(_GZIP_WBITS)
        return True


class _Damaged(Exception):
    """Gzip data damaged after `before`, its decompressed bytes before the damage."""

    def __init__(self, before: bytes, error: zlib.error) -> None:
        super().__init__(str(error))
        self.before = before
        self.error = error


def nothing(size: int) -> bytes:
    """The read function of an input that could not be opened."""
    return b""


def open_source(source: str, stack: contextlib.ExitStack) -> ReadFunction:
    """The read function of a path, or of standard input for "-"; `stack` closes the file."""
    if source != "-":
        file = stack.enter_context(open(source, "rb", buffering=0))  # noqa: SIM115
        _widen_pipe(file)
        return file.read
    if sys.stdin is None:
        raise OSError("there is no standard input")
    binary: IO[bytes] = sys.stdin.buffer
    _widen_pipe(binary)
    # read1 returns what a pipe has, so a live stream is read as it comes.
    return cast(ReadFunction, getattr(binary, "read1", binary.read))


def _widen_pipe(file: IO[bytes]) -> None:
    """Let a pipe hold a block of lines (Linux): with its default 64 KB, reading one costs
    about as much as validating what it carries (a system call and a switch to the writer
    every 64 KB). Anything else, or a refusal, leaves the input as it is."""
    if _SET_PIPE_SIZE is None:
        return
    try:
        descriptor = file.fileno()
        if stat.S_ISFIFO(os.fstat(descriptor).st_mode):
            fcntl.fcntl(descriptor, _SET_PIPE_SIZE, LINE_BUFFER)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


class LineEnds:
    """`prefix`, then the bytes of `read`, with each CR that is not followed by LF turned into
    LF: CR, LF and CRLF all end lines, and every reader downstream splits lines on LF. (A CR
    inside a JSON string is not valid JSON either way; between tokens it is white space, as LF
    is.) A CR at the end of a chunk is held back until the next byte is known."""

    def __init__(self, read: ReadFunction, prefix: bytes = b"") -> None:
        self._read = read
        self._prefix = prefix
        self._held = False

    def read(self, size: int) -> bytes:
        while True:
            if self._prefix:
                data, self._prefix = self._prefix, b""
            else:
                data = self._read(size)
            if self._held:
                self._held = False
                if not data:
                    return b"\n"
                data = b"\r" + data
            if not data or b"\r" not in data:
                return data
            if data[-1] == 13:  # its LF may come in the next chunk
                data, self._held = data[:-1], True
                if not data:
                    continue
            if data.count(b"\r") != data.count(b"\r\n"):
                data = LONE_CR.sub(b"\n", data)
            return data


class Prefixed:
    """`prefix`, then the bytes of `read`, at most `limit` of them."""

    def __init__(self, prefix: bytes, read: ReadFunction, *, limit: int | None = None) -> None:
        self._prefix = prefix
        self._read = read
        self._left = limit

    def read_bytes(self, size: int) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        if self._left is not None:
            size = min(size, self._left)
        data = self._read(size) if size > 0 else b""
        if self._left is not None:
            self._left -= len(data)
        return data


# -- helpers ------------------------------------------------------------------------------------


def input_problem(name: str, message: str) -> InputProblem:
    return InputProblem(file=name, line=None, index=None, message=message)


def os_reason(error: OSError) -> str:
    return error.strerror or str(error)
