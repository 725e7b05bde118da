"""The one way the loader makes a diagnostic: an error that stops the plan from loading."""

from __future__ import annotations

from ..codes import Phase, code_entry, diagnostic
from ..diagnostics import Diagnostic, Location


def load_error(
    code: str, message: str, location: Location, *, suggestion: str | None = None
) -> Diagnostic:
    """An error of a loader code (TP001, TP004, ...: the rules whose phase is `Phase.LOAD`),
    with its slug and severity from the catalogue."""
    if code_entry(code).phase is not Phase.LOAD:
        raise ValueError(f"{code} is not a code of the loader")
    return diagnostic(code, message, location=location, suggestion=suggestion)
