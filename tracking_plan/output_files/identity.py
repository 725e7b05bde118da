"""Whether two paths are the same file: through symbolic links, `..` and hard links."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """A file as the file system sees it: its real path, and its device and inode once it
    exists (hard links share those, not a path)."""

    shown: str  # how the user named it
    real: str
    inode: tuple[int, int] | None

    def same_as(self, other: FileIdentity) -> bool:
        if self.inode is not None and self.inode == other.inode:
            return True
        return self.real == other.real


def identity(path: str | Path) -> FileIdentity:
    """The identity of `path`; `-` is standard input, which is a file only when redirected
    from one (`tp validate plan.yaml - < events.jsonl`)."""
    if str(path) == STDIN:
        return FileIdentity("standard input", "", _stdin_inode())
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError:
        return FileIdentity(str(path), real, None)
    return FileIdentity(str(path), real, (info.st_dev, info.st_ino))


def _stdin_inode() -> tuple[int, int] | None:
    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # closed or replaced standard input
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None
