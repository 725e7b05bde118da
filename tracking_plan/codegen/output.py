"""Writing generated clients and finding stale ones (`tp codegen -o DIR [--check]`)."""

from __future__ import annotations

from pathlib import Path

from . import HEADER_MARK


def _generated_here(out_dir: Path) -> set[str]:
    """Files under `out_dir` that tp codegen wrote (they carry its header)."""
    if not out_dir.is_dir():
        return set()
    found = set()
    for path in out_dir.rglob("*"):
        if path.is_file():
            try:
                head = path.read_bytes()[:400].decode("utf-8", "replace")
            except OSError:
                continue
            if HEADER_MARK in head:
                found.add(path.relative_to(out_dir).as_posix())
    return found


def stale_files(files: dict[str, str], out_dir: Path) -> list[str]:
    """Paths (relative to out_dir) that are missing, differ, or are no longer generated."""
    stale = []
    for path, text in sorted(files.items()):
        target = out_dir / path
        if not target.is_file() or target.read_bytes() != text.encode("utf-8"):
            stale.append(path)
    stale.extend(sorted(_generated_here(out_dir) - set(files)))
    return stale


def write_files(files: dict[str, str], out_dir: Path) -> list[str]:
    """Write the client, remove generated files it no longer has; returns what changed.
    Unchanged files are not rewritten (their mtimes stay put)."""
    changed = stale_files(files, out_dir)
    for path in sorted(_generated_here(out_dir) - set(files)):
        (out_dir / path).unlink()
    for path, text in sorted(files.items()):
        target = out_dir / path
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return changed
