"""The same records in other layouts, each made once beside the dump and cached: gzip, one JSON
array, Segment batch payloads; and reading a file once so every engine finds it in the page
cache."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

BATCH_SIZE = 100


def gzipped(path: Path) -> Path:
    """`path` gzip-compressed (level 1, as a fast exporter writes), made once beside it."""
    target = path.with_name(path.name + ".gz")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    print(f"compressing {path.name} (cached for the next runs) ...", flush=True)
    partial = target.with_name(target.name + ".partial")
    with path.open("rb") as source, gzip.open(partial, "wb", compresslevel=1) as sink:
        while chunk := source.read(1 << 20):
            sink.write(chunk)
    partial.replace(target)
    return target


def relaid(path: Path, suffix: str, write: Callable[[list[bytes], Any], None]) -> Path:
    """The records of the JSON Lines file `path` in another layout (`write` writes a chunk of
    lines to the open file, and an empty one at the end), made once beside it."""
    target = path.with_name(path.name + suffix)
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    print(f"writing {target.name} (cached for the next runs) ...", flush=True)
    partial = target.with_name(target.name + ".partial")
    with path.open("rb") as source, partial.open("wb") as sink:
        while lines := list(itertools.islice(source, 10_000)):  # whole batches
            write([line.rstrip(b"\n") for line in lines], sink)
        write([], sink)
    partial.replace(target)
    return target


def array_writer() -> Callable[[list[bytes], Any], None]:
    """A compact JSON array, `[{...},{...}]`, all on one line."""
    first = True

    def write(lines: list[bytes], sink: Any) -> None:
        nonlocal first
        if not lines:
            sink.write(b"[]" if first else b"]\n")
            return
        sink.write((b"[" if first else b",") + b",".join(lines))
        first = False

    return write


def write_batches(lines: list[bytes], sink: Any) -> None:
    """Segment batch payloads of BATCH_SIZE messages, one a line, as analytics libraries send
    them: `batch` and `sentAt`, no `context`."""
    for at in range(0, len(lines), BATCH_SIZE):
        items = b",".join(lines[at : at + BATCH_SIZE])
        sink.write(b'{"batch":[' + items + b'],"sentAt":"2024-11-04T12:00:00.000Z"}\n')


def warm(path: Path) -> None:
    """Read the file once so every engine finds it in the page cache."""
    with path.open("rb") as source:
        while source.read(1 << 24):
            pass
