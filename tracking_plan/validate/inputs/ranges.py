"""A plain JSON Lines file read in parts, for parallel workers (`tp validate --jobs`):
`split_ranges` cuts it at line starts, `read_range` and `range_blocks` read one part, and
`lines_before` gives the lines before a part (for the messageIds just before it)."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterator
from typing import IO

from ..records import Block, InputProblem, Record
from .lines import line_blocks, line_records
from .sniff import BOM, READ_SIZE, read_head
from .streams import GZIP_MAGIC, LINE_BUFFER, LONE_CR, LineEnds, Prefixed, input_problem, os_reason

__all__ = ["lines_before", "plain_lines", "range_blocks", "read_range", "split_ranges"]

_COUNT_CHUNK = 1 << 20  # line ends before a range are counted in chunks of this size


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
    start: int,
    end: int,
    *,
    count_lines: bool = True,
    first_line: int | None = None,
) -> Iterator[Block | InputProblem]:
    """The lines of a plain JSON Lines file that start in `[start, end)`, as `read_range` reads
    them, in blocks of about 1 MB for the native scanner. Line numbers count from the start of
    the file, or without `count_lines`, from `start` (the line ends before it are not counted);
    a byte order mark is skipped.

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
            stop = _line_start(file, min(end, size), size)
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
