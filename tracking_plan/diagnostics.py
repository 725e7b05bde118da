"""The one type for everything the tool reports: `Diagnostic`, with its `Location`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so `severity >= threshold` works."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where something is: a file with 1-based line and column, and/or a JSON pointer."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One finding.

    `code` is stable (TP001, EV104, ...), `slug` its readable name, `suggestion` a replacement
    the user can apply (a corrected name, a key), `data` extra machine-readable facts.
    """

    code: str
    slug: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    suggestion: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form used by every machine-readable reporter."""
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": self.severity.label,
            "message": self.message,
            "location": self.location.to_dict(),
            "suggestion": self.suggestion,
            "data": self.data,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.file or "", loc.line or 0, loc.column or 0, self.code)
