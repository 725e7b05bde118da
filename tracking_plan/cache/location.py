"""Where the cache lives, and what about this tp every entry's key includes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from functools import cache
from pathlib import Path

from .. import __version__

CACHE_ENV = "TP_CACHE_DIR"
DISABLE_ENV = "TP_NO_CACHE"


def cache_directory() -> Path | None:
    """`TP_CACHE_DIR`, else the platform's user cache folder for tp; None when `TP_NO_CACHE`
    is set to anything but empty or 0."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return None
    chosen = os.environ.get(CACHE_ENV, "")
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tracking-plan", appauthor=False))


@cache
def tool_fingerprint() -> bytes:
    """What every entry depends on besides its own files: tp's version, Python's, and when the
    folders packages are imported from last changed (installing, upgrading or removing a
    package such as jsonschema changes its folder, and what tp derives may change with it).
    In a source checkout (a pyproject.toml beside the package, where edits do not change the
    version) also the size and modification time of every source file, so an edited rule or a
    regenerated library never meets an old entry."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{sys.implementation.name}".encode())
    for entry_folder in sys.path:
        if os.path.basename(entry_folder) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                digest.update(f"{entry_folder}\0{os.stat(entry_folder).st_mtime_ns}\0".encode())
    package = Path(__file__).resolve().parent.parent
    if (package.parent / "pyproject.toml").is_file():
        for folder in (package, package.parent / "rules"):
            for entry in _source_files(folder):
                stat = entry.stat()
                digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.digest()


def _source_files(folder: Path) -> list[os.DirEntry[str]]:
    found: list[os.DirEntry[str]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                found.extend(_source_files(Path(entry.path)))
        elif not entry.name.endswith(".pyc"):
            found.append(entry)
    return found
