"""The diagnostics the loader reports: codes, their slugs, and one way to make them."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Location, Severity

LOADER_CODES = {
    "TP001": "yaml-syntax",
    "TP002": "invalid-plan-shape",
    "TP003": "duplicate-key",
    "TP004": "unresolved-reference",
    "TP005": "required-undefined",
    "TP010": "include-cycle",
}


def load_error(
    code: str, message: str, location: Location, *, suggestion: str | None = None
) -> Diagnostic:
    """An error that stops the plan from loading; `code` is one of LOADER_CODES."""
    return Diagnostic(
        code=code,
        slug=LOADER_CODES[code],
        severity=Severity.ERROR,
        message=message,
        location=location,
        suggestion=suggestion,
    )
