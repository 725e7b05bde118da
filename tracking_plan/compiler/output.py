"""Byte-stable serialisation of compiled schemas, writing them out and checking for staleness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .jsonschema import CompiledPlan

GENERATED_SUFFIX = ".schema.json"


def dumps(document: Any) -> str:
    """Sorted keys, two-space indent, UTF-8 kept, final newline: the same bytes every run."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _existing(out_dir: Path) -> set[str]:
    if not out_dir.is_dir():
        return set()
    return {p.relative_to(out_dir).as_posix() for p in out_dir.rglob(f"*{GENERATED_SUFFIX}")}


def stale_files(compiled: CompiledPlan, out_dir: Path) -> list[str]:
    """Paths (relative to out_dir) that are missing, differ, or are no longer generated."""
    stale = []
    for path, schema in compiled.schemas.items():
        target = out_dir / path
        if not target.is_file() or target.read_text(encoding="utf-8") != dumps(schema):
            stale.append(path)
    stale.extend(sorted(_existing(out_dir) - set(compiled.schemas)))
    return stale


def write_schemas(compiled: CompiledPlan, out_dir: Path) -> list[str]:
    """Write every schema and remove `*.schema.json` files the plan no longer produces.

    Returns the paths that changed. Unchanged files are not rewritten (mtimes stay put).
    """
    changed = stale_files(compiled, out_dir)
    for path in sorted(_existing(out_dir) - set(compiled.schemas)):
        (out_dir / path).unlink()
    for path, schema in compiled.schemas.items():
        target = out_dir / path
        text = dumps(schema)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return changed
