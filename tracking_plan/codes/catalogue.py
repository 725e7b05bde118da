"""The catalogue: one entry per code, and the one way to build a diagnostic from a code.

TP codes are the rules in `rules/` (the loader, import and config codes are rule classes too,
whose docstrings document them) and `tp diff`'s TP6xx; TP6xx, EV, EN and DR codes are the
entries of this package.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from .diff import DIFF_CODES
from .drift import DRIFT_CODES
from .entry import CODE_PATTERN, FAMILIES, CodeEntry
from .envelope import ENVELOPE_CODES
from .event import EVENT_CODES


class UnknownCodeError(KeyError):
    """A code or slug that is not in the catalogue (when tp reports it, a bug in tp)."""


class CatalogueError(ValueError):
    """The catalogue contradicts itself: a code or slug twice, or a malformed code."""


def _index(entries: Iterable[CodeEntry]) -> Mapping[str, CodeEntry]:
    by_code: dict[str, CodeEntry] = {}
    slugs: dict[str, str] = {}
    for entry in entries:
        if not CODE_PATTERN.fullmatch(entry.code):
            raise CatalogueError(f"{entry.code!r} is not a code of a family in {list(FAMILIES)}")
        if entry.code in by_code:
            raise CatalogueError(f"{entry.code} is in the catalogue twice")
        if entry.slug in slugs:
            raise CatalogueError(
                f"{entry.code} and {slugs[entry.slug]} share the slug {entry.slug!r}"
            )
        by_code[entry.code] = entry
        slugs[entry.slug] = entry.code
    return MappingProxyType(by_code)


_MESSAGE_CODES = _index((*DIFF_CODES, *EVENT_CODES, *ENVELOPE_CODES, *DRIFT_CODES))
"""TP6xx (tp diff), EV, EN and DR: checked when this module is imported, and found without
loading the rules."""


@functools.cache
def catalogue() -> Mapping[str, CodeEntry]:
    """Every code: TP (the rules, in the order of the registry, then `tp diff`'s TP6xx), then
    EV, EN and DR."""
    # Imported here: the rules use the loader, which builds its diagnostics with this module.
    from ..lint.registry import RULES

    return _index((*(rule.entry() for rule in RULES), *_MESSAGE_CODES.values()))


def code_entry(code: str) -> CodeEntry:
    """The entry of `code`; UnknownCodeError when there is none."""
    entry = _MESSAGE_CODES.get(code) or catalogue().get(code)
    if entry is None:
        raise UnknownCodeError(code)
    return entry


def lookup(code_or_slug: str) -> CodeEntry:
    """The entry of a code (in any case) or a slug, as a user writes it; UnknownCodeError."""
    entries = catalogue()
    entry = entries.get(code_or_slug.strip().upper())
    if entry is None:
        entry = next((e for e in entries.values() if e.slug == code_or_slug.strip()), None)
    if entry is None:
        raise UnknownCodeError(code_or_slug)
    return entry


def diagnostic(
    code: str,
    message: str,
    *,
    location: Location | None = None,
    severity: Severity | None = None,
    suggestion: str | None = None,
    data: dict[str, Any] | None = None,
) -> Diagnostic:
    """A diagnostic of `code`, with its slug and (unless `severity` says otherwise) its default
    severity from the catalogue; UnknownCodeError for a code the catalogue does not have."""
    entry = code_entry(code)
    return Diagnostic(
        code=entry.code,
        slug=entry.slug,
        severity=entry.default_severity if severity is None else severity,
        message=message,
        location=Location() if location is None else location,
        suggestion=suggestion,
        data={} if data is None else data,
    )
