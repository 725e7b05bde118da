"""tracking-plan: tracking plans as code.

Public API::

    from tracking_plan import load_plan, compile_plan
    plan = load_plan("plans/shop/plan.yaml")
    compiled = compile_plan(plan, draft="2020-12")
    compiled.schemas["track/order_completed.schema.json"]

The names are imported when first used, so `tp --version` and the commands that need little of
the library start fast.
"""

from __future__ import annotations

from .lazy_exports import lazy_exports

TYPE_CHECKING = False  # not `typing`'s: importing typing costs `tp --version` a third of its time

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "CompiledPlan": "compiler",
    "compile_plan": "compiler",
    "Diagnostic": "diagnostics",
    "Location": "diagnostics",
    "Severity": "diagnostics",
    "LoadResult": "loader",
    "PlanLoadError": "loader",
    "load_plan": "loader",
    "read_plan": "loader",
    "CallType": "model",
    "Definition": "model",
    "Plan": "model",
    "Policy": "model",
    "Property": "model",
}

__all__ = sorted([*_EXPORTS, "__version__"])

if TYPE_CHECKING:
    from .compiler import CompiledPlan as CompiledPlan
    from .compiler import compile_plan as compile_plan
    from .diagnostics import Diagnostic as Diagnostic
    from .diagnostics import Location as Location
    from .diagnostics import Severity as Severity
    from .loader import LoadResult as LoadResult
    from .loader import PlanLoadError as PlanLoadError
    from .loader import load_plan as load_plan
    from .loader import read_plan as read_plan
    from .model import CallType as CallType
    from .model import Definition as Definition
    from .model import Plan as Plan
    from .model import Policy as Policy
    from .model import Property as Property


__getattr__ = lazy_exports(__name__, _EXPORTS)
