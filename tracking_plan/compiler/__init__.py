"""Compile plans to JSON Schema and write them deterministically.

The names are imported on first use: validating needs the compiler, not the writer."""

from __future__ import annotations

from ..lazy_exports import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .jsonschema import CompiledPlan as CompiledPlan
    from .jsonschema import compile_plan as compile_plan
    from .jsonschema import definition_paths as definition_paths
    from .jsonschema import normalize_draft as normalize_draft
    from .output import dumps as dumps
    from .output import stale_files as stale_files
    from .output import write_schemas as write_schemas

_EXPORTS = {
    "CompiledPlan": "jsonschema",
    "compile_plan": "jsonschema",
    "definition_paths": "jsonschema",
    "normalize_draft": "jsonschema",
    "dumps": "output",
    "stale_files": "output",
    "write_schemas": "output",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = [
    "CompiledPlan",
    "compile_plan",
    "definition_paths",
    "dumps",
    "normalize_draft",
    "stale_files",
    "write_schemas",
]
