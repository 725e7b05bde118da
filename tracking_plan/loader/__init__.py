"""Load a plan file (and everything it includes) into the `Plan` model.

`read_plan` never raises: it returns the plan (or None) with every diagnostic found.
`load_plan` is the convenience form that raises `PlanLoadError` when the plan cannot be loaded.
Both read included files only inside the plan's folder and the `include_roots` given.

The names are imported on first use: a cached plan (`tracking_plan.cache`) is a `LoadResult`
from `result`, and unpickling it should not import the YAML reader.
"""

from __future__ import annotations

from ..lazy_exports import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .read import load_plan as load_plan
    from .read import read_plan as read_plan
    from .result import LoadResult as LoadResult
    from .result import PlanLoadError as PlanLoadError

_EXPORTS = {
    "LoadResult": "result",
    "PlanLoadError": "result",
    "load_plan": "read",
    "read_plan": "read",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = ["LoadResult", "PlanLoadError", "load_plan", "read_plan"]
