"""`tp validate`: check recorded events against a plan, fast, with drift statistics.

from tracking_plan import load_plan
from tracking_plan.validate import validate_files
report = validate_files(load_plan("plans/shop/plan.yaml"), ["events.jsonl"])
print(report.records, report.invalid)
"""

from __future__ import annotations

from .engine import EventValidator, ValidateOptions
from .run import Outputs, ValidationReport, validate_files

__all__ = ["EventValidator", "Outputs", "ValidateOptions", "ValidationReport", "validate_files"]
