"""Compile plans to JSON Schema and write them deterministically."""

from .jsonschema import CompiledPlan, compile_plan, definition_paths, normalize_draft
from .output import dumps, stale_files, write_schemas

__all__ = [
    "CompiledPlan",
    "compile_plan",
    "definition_paths",
    "dumps",
    "normalize_draft",
    "stale_files",
    "write_schemas",
]
