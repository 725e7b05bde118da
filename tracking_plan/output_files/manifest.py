"""`.tp-outputs.json`: the files tp wrote in a folder, who wrote them, and their SHA-256.

It is how tp proves a file is its own: a file is tp's while its bytes are the ones recorded.
Only such files are replaced without --force or pruned. The manifest is read as untrusted
input: a missing or unreadable one proves nothing (so nothing is pruned), and an entry that
does not name a plain relative path inside the folder is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST_NAME = ".tp-outputs.json"
_UNSAFE = frozenset(map(chr, [*range(32), 127])) | {"\\"}
_VERSION = 1
_ABOUT = (
    "The files tp wrote in this folder. tp replaces or removes a file listed here only while "
    "its SHA-256 is the one recorded; keep this file with them (commit it too)."
)


@dataclass(frozen=True, slots=True)
class Entry:
    owner: str  # the producer: `tp compile acme-shop`, `tp codegen python acme-shop`, `tp lint`
    sha256: str
    size: int

    @classmethod
    def of(cls, owner: str, data: bytes) -> Entry:
        return cls(owner, hashlib.sha256(data).hexdigest(), len(data))


def file_entry(owner: str, path: Path) -> Entry:
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    return Entry(owner, digest, path.stat().st_size)


@dataclass(slots=True)
class Manifest:
    """The manifest of one folder. `entries` are keyed by POSIX paths relative to it."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    problem: str | None = None  # why the file there was ignored
    text: bytes | None = None  # the file as read

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        manifest = cls(folder)
        try:
            manifest.text = manifest.path.read_bytes()
        except FileNotFoundError:
            return manifest
        except OSError as error:
            manifest.problem = error.strerror or str(error)
            return manifest
        try:
            document = json.loads(manifest.text)
            files = document["files"]
            if document.get("version") != _VERSION or not isinstance(files, dict):
                raise ValueError(f"not a version {_VERSION} manifest")
            manifest.entries = {
                name: entry for name, entry in _entries(files).items() if is_inside(name)
            }
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            manifest.problem = f"not a tp manifest ({error}); nothing listed in it counts as tp's"
        return manifest

    def owned(self, owner: str) -> dict[str, Entry]:
        return {name: entry for name, entry in self.entries.items() if entry.owner == owner}

    def holds(self, name: str, path: Path) -> bool:
        """Whether the file at `path` (`name` here) has exactly the bytes tp wrote there."""
        entry = self.entries.get(name)
        if entry is None:
            return False
        try:
            if not path.is_file() or path.stat().st_size != entry.size:
                return False
            return file_entry(entry.owner, path) == entry
        except OSError:
            return False

    def render(self) -> bytes:
        files = {
            name: {"owner": e.owner, "sha256": e.sha256, "size": e.size}
            for name, e in sorted(self.entries.items())
        }
        document = {"about": _ABOUT, "files": files, "version": _VERSION}
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _entries(files: Mapping[str, Any]) -> dict[str, Entry]:
    entries = {}
    for name, value in files.items():
        owner, digest, size = value["owner"], value["sha256"], value["size"]
        if not (isinstance(owner, str) and isinstance(digest, str) and type(size) is int):
            raise TypeError(f"entry {name!r} is malformed")
        entries[name] = Entry(owner, digest, size)
    return entries


def is_inside(name: str) -> bool:
    """A plain relative path that stays inside its folder: no `..`, no root, no backslash, no
    control character (names are printed)."""
    if not name or name != os.path.normpath(name) or any(c in _UNSAFE for c in name):
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    return path.name not in ("", ".", MANIFEST_NAME)
