"""Segment Protocols interop: export a plan as a Segment tracking plan, import one as YAML."""

from __future__ import annotations

from .export import export_plan, export_rule, rule_schema
from .importer import ImportResult, import_segment, import_segment_text

__all__ = [
    "ImportResult",
    "export_plan",
    "export_rule",
    "import_segment",
    "import_segment_text",
    "rule_schema",
]
