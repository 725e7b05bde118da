"""tracking-plan: tracking plans as code.

Public API::

    from tracking_plan import load_plan, compile_plan
    plan = load_plan("plans/shop/plan.yaml")
    compiled = compile_plan(plan, draft="2020-12")
    compiled.schemas["track/order_completed.schema.json"]
"""

from __future__ import annotations

from .compiler import CompiledPlan, compile_plan
from .diagnostics import Diagnostic, Location, Severity
from .loader import LoadResult, PlanLoadError, load_plan, read_plan
from .model import CallType, Definition, Plan, Policy, Property

__version__ = "0.1.0"

__all__ = [
    "CallType",
    "CompiledPlan",
    "Definition",
    "Diagnostic",
    "LoadResult",
    "Location",
    "Plan",
    "PlanLoadError",
    "Policy",
    "Property",
    "Severity",
    "__version__",
    "compile_plan",
    "load_plan",
    "read_plan",
]
