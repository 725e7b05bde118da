"""One `tp serve` per capture store: an exclusive lock on a file next to the database.

Two servers on one store would each number and validate events on their own (duplicate
messageIds across them go unseen, a reset of one empties the other). The lock is an `flock`,
which the system drops when its process dies however it dies, so the file a killed server
leaves behind never blocks the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .store import StoreError


class StoreLock:
    """The lock of the store at `db`, held from `acquire` until `release`."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = db.with_name(db.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Takes the lock, or raises `StoreError` naming the server that holds it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            while self._fd is None:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    raise StoreError(self._held_message()) from None
                if _same_file(fd, self.path):
                    self._fd = fd
                else:  # a server removed the file between our open and our lock: again
                    os.close(fd)
            os.ftruncate(self._fd, 0)
            os.write(self._fd, f"{os.getpid()}\n".encode())
        except OSError as error:
            self.release()
            raise StoreError(
                f"cannot lock {self.path} ({error.strerror or error}); pass --db with a path"
                " in a folder you can write to"
            ) from None

    def release(self) -> None:
        """Removes the file, then drops the lock (in that order, so that a server starting
        meanwhile either fails to lock the old file or finds it gone and makes a new one)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None

    def _held_message(self) -> str:
        try:
            pid = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            pid = ""
        holder = f"another tp serve (pid {pid})" if pid.isdigit() else "another tp serve"
        return (
            f"{holder} is using the capture store {self.db}; stop it, or"
            " pass --db with another path"
        )


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)
