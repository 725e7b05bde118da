"""`tp serve`: a local collector that speaks Segment's HTTP Tracking API, validates every
message against the plan and keeps it in a SQLite capture store.

from tracking_plan import load_plan
from tracking_plan.serve import ServeOptions, serve
serve(load_plan("plans/shop/plan.yaml"), ServeOptions(port=0))
"""

from __future__ import annotations

from .client import CapturedViolation, CheckResult, Unreachable, check_captures
from .export import export_messages
from .limits import ConnectionLimits
from .server import ServeError, ServeOptions, serve
from .store import CaptureStore, StoreError

__all__ = [
    "CaptureStore",
    "CapturedViolation",
    "CheckResult",
    "ConnectionLimits",
    "ServeError",
    "ServeOptions",
    "StoreError",
    "Unreachable",
    "check_captures",
    "export_messages",
    "serve",
]
