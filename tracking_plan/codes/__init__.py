"""Every diagnostic code tp reports, in one catalogue, and the one way to build a diagnostic.

Each code (TP lint and load, EV event, EN envelope, DR drift) has one `CodeEntry`: its slug,
default severity, phase, summary and documentation. `tp rule CODE`, `tp rules`, docs/rules.md
and SARIF output read them; `diagnostic(code, message, ...)` takes the slug and default
severity from there, so no slug is written twice. Codes are stable and never reused.
"""

from __future__ import annotations

from .catalogue import (
    CatalogueError,
    UnknownCodeError,
    catalogue,
    code_entry,
    diagnostic,
    lookup,
)
from .entry import DOC_SECTIONS, FAMILIES, CodeEntry, Option, Phase

__all__ = [
    "DOC_SECTIONS",
    "FAMILIES",
    "CatalogueError",
    "CodeEntry",
    "Option",
    "Phase",
    "UnknownCodeError",
    "catalogue",
    "code_entry",
    "diagnostic",
    "lookup",
]
