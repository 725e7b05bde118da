"""Byte-stable serialisation of compiled schemas, writing them out and checking for staleness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import Plan
from ..output_files import Change, GeneratedFolder, WriteResult
from .jsonschema import CompiledPlan


def dumps(document: Any) -> str:
    """Sorted keys, two-space indent, UTF-8 kept, final newline: the same bytes every run."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _folder(compiled: CompiledPlan, out_dir: Path, plan: Plan) -> GeneratedFolder:
    files = {path: dumps(schema).encode() for path, schema in compiled.schemas.items()}
    return GeneratedFolder(out_dir, f"tp compile {plan.name}", files)


def stale_files(compiled: CompiledPlan, out_dir: Path, plan: Plan) -> list[Change]:
    """What `write_schemas` would change in out_dir: missing, differing or pruned files."""
    return _folder(compiled, out_dir, plan).changes()


def write_schemas(
    compiled: CompiledPlan, out_dir: Path, plan: Plan, *, force: bool = False
) -> WriteResult:
    """Write every schema of `plan` that changed and remove the schemas this plan wrote there
    before and no longer produces (see `output_files.GeneratedFolder`); the plan's files are
    never overwritten. Unchanged files are not rewritten (mtimes stay put)."""
    return _folder(compiled, out_dir, plan).write(inputs=plan.files, force=force)
