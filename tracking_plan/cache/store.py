"""The cache's entries: one file each, written whole or not at all, trusted only when intact
and when every file they were derived from is unchanged.

Entries live in a folder of their own for each tp (its fingerprint, see `location`); the
first entry a tp writes removes the folders of other tps not used for `STALE_AFTER`.

An entry file is `MAGIC`, the SHA-256 of the rest, then a pickle of (key, dependencies,
payload). A reader that finds anything else (a torn or foreign file, an old format, another
key, a changed dependency) treats the entry as missing. Writers put a whole entry into a
temporary file of the same folder and rename it over the old one, so concurrent runs see an
old entry or a new one, never a mix. Pickle runs code of the classes it names, so entries are
read only from a folder that the user owns and that nobody else may write to.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .location import cache_directory, tool_fingerprint

MAGIC = b"tp-cache 1\n"
_DIGEST_SIZE = 32
STALE_AFTER = 7 * 24 * 3600  # seconds
FOLDER_MARK = ".tp-cache-folder"  # only folders holding it are ever removed
CACHEDIR_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# tp's cache (tracking-plan)\n"


@dataclass(frozen=True)
class Dependency:
    """A file an entry was derived from: the path it was read by, where that led after symbolic
    links, and the SHA-256 of its bytes."""

    path: str
    resolved: str
    digest: bytes

    @classmethod
    def of(cls, path: str | Path) -> Dependency | None:
        """The file as it is now; None when it cannot be read."""
        try:
            with open(path, "rb") as file:
                digest = hashlib.file_digest(file, "sha256").digest()
            return cls(str(path), os.path.realpath(path), digest)
        except OSError:
            return None

    def holds(self) -> bool:
        now = Dependency.of(self.path)
        return now is not None and now.resolved == self.resolved and now.digest == self.digest


def dependencies(paths: Iterable[str | Path]) -> list[Dependency] | None:
    """Every file of `paths` as it is now; None when one cannot be read."""
    found: list[Dependency] = []
    for path in paths:
        dependency = Dependency.of(path)
        if dependency is None:
            return None
        found.append(dependency)
    return found


class Cache:
    """Entries under one folder; `Cache(None)` keeps nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @property
    def folder(self) -> Path | None:
        """Where this tp's entries are."""
        if self.directory is None:
            return None
        return self.directory / tool_fingerprint().hex()[:24]

    @classmethod
    def default(cls, *, enabled: bool = True) -> Cache:
        """The user's cache (see `location.cache_directory`), or none when not `enabled`."""
        return cls(cache_directory() if enabled else None)

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def key(self, kind: str, *parts: object) -> str:
        """The name of an entry: its kind and what names its inputs (compared by their repr);
        `folder` keeps the entries of each tp apart."""
        digest = hashlib.sha256(repr((kind, parts)).encode())
        return f"{kind}-{digest.hexdigest()[:40]}"

    def load(self, key: str) -> Any:
        """The payload of an intact, current entry; None otherwise."""
        folder = self.folder
        if folder is None or not (_private(folder.parent) and _private(folder)):
            return None
        try:
            data = (folder / key).read_bytes()
        except OSError:
            return None
        digest, body = (
            data[len(MAGIC) : len(MAGIC) + _DIGEST_SIZE],
            data[len(MAGIC) + _DIGEST_SIZE :],
        )
        if not data.startswith(MAGIC) or hashlib.sha256(body).digest() != digest:
            return None
        try:
            stored_key, stored_dependencies, payload = pickle.loads(body)
        except Exception:  # an entry from another tp: classes moved or changed
            return None
        if stored_key != key or not all(d.holds() for d in stored_dependencies):
            return None
        return payload

    def save(self, key: str, depends_on: Sequence[Dependency], payload: Any) -> None:
        """Keep `payload` under `key`; failing to (no space, no permission) only costs the next
        run its time."""
        folder = self.folder
        if folder is None:
            return
        try:
            body = pickle.dumps((key, tuple(depends_on), payload), pickle.HIGHEST_PROTOCOL)
        except Exception:  # a payload pickle cannot write is a bug, not the user's problem
            return
        data = MAGIC + hashlib.sha256(body).digest() + body
        import tempfile  # a write is rarer than a read; tempfile's imports cost start-up

        temporary = None
        try:
            made = not folder.parent.exists()
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if made:  # backup tools skip the cache: only a folder tp made is tagged
                (folder.parent / "CACHEDIR.TAG").write_bytes(CACHEDIR_TAG)
            if not _private(folder.parent):
                return
            if not folder.is_dir():
                folder.mkdir(mode=0o700, exist_ok=True)
                (folder / FOLDER_MARK).touch()
                _remove_stale_siblings(folder)
            if not _private(folder):
                return
            with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{key}.", delete=False) as file:
                temporary = file.name
                file.write(data)
            os.replace(temporary, folder / key)
            os.utime(folder)  # in use: see `_remove_stale_siblings`
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _private(directory: Path) -> bool:
    """Whether the folder is the user's own and nobody else may write to it."""
    try:
        info = directory.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _remove_stale_siblings(folder: Path) -> None:
    """Remove the entries of other tps (other versions, edited sources) that nothing wrote to
    for `STALE_AFTER`."""
    import shutil
    import time

    cutoff = time.time() - STALE_AFTER
    for sibling in folder.parent.iterdir():
        if sibling == folder or sibling.is_symlink() or not (sibling / FOLDER_MARK).is_file():
            continue
        with contextlib.suppress(OSError):
            if sibling.stat().st_mtime < cutoff:
                shutil.rmtree(sibling)
