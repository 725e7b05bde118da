"""Writing generated clients and finding stale ones (`tp codegen -o DIR [--check]`)."""

from __future__ import annotations

from pathlib import Path

from ..model import Plan
from ..output_files import Change, GeneratedFolder, WriteResult


def _folder(files: dict[str, str], out_dir: Path, plan: Plan, language: str) -> GeneratedFolder:
    encoded = {path: text.encode() for path, text in files.items()}
    return GeneratedFolder(out_dir, f"tp codegen {language} {plan.name}", encoded)


def stale_files(files: dict[str, str], out_dir: Path, plan: Plan, language: str) -> list[Change]:
    """What `write_files` would change in out_dir: missing, differing or pruned files."""
    return _folder(files, out_dir, plan, language).changes()


def write_files(
    files: dict[str, str], out_dir: Path, plan: Plan, language: str, *, force: bool = False
) -> WriteResult:
    """Write the client's files that changed and remove the files this plan's client in this
    language wrote there before and no longer has (see `output_files.GeneratedFolder`).
    Unchanged files are not rewritten (their mtimes stay put)."""
    return _folder(files, out_dir, plan, language).write(inputs=plan.files, force=force)
