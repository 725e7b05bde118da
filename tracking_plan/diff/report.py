"""From changes to what `tp diff` reports: a diagnostic per change (its TP6xx code, a severity
from its impacts under `--policy`, its witness), the version bump the changes need, and
whether the run fails under `--fail-on`."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..codes import diagnostic
from ..codes.diff import KIND_CODES
from ..diagnostics import Diagnostic, Location, Severity
from ..model import Plan
from .change import Change
from .impact import Impact


class Policy(enum.StrEnum):
    """Whose breakage counts: like Confluent's BACKWARD (producers), FORWARD (consumers) and
    FULL (both) compatibility."""

    PRODUCERS = "producers"
    CONSUMERS = "consumers"
    BOTH = "both"


class FailOn(enum.StrEnum):
    BREAKING = "breaking"
    RISKY = "risky"
    ANY = "any"

    @property
    def severity(self) -> Severity:
        return {
            FailOn.BREAKING: Severity.ERROR,
            FailOn.RISKY: Severity.WARNING,
            FailOn.ANY: Severity.INFO,
        }[self]


_SEVERITY = {
    Impact.BREAKING: Severity.ERROR,
    Impact.RISKY: Severity.WARNING,
    Impact.SAFE: Severity.INFO,
}


def impact(change: Change, policy: Policy) -> Impact:
    """How bad the change is for the sides `policy` counts."""
    if policy is Policy.PRODUCERS:
        return change.impacts.producers
    if policy is Policy.CONSUMERS:
        return change.impacts.consumers
    return change.impacts.worst


def to_diagnostic(change: Change, policy: Policy, witness: dict[str, Any] | None) -> Diagnostic:
    where = " ".join(part for part in (change.definition, change.path) if part)
    data: dict[str, Any] = {
        "definition": change.definition,
        "path": change.path,
        "change": change.message,
        "producers": change.impacts.producers.name.lower(),
        "consumers": change.impacts.consumers.name.lower(),
    }
    if change.old is not None or change.new is not None:
        data["old"], data["new"] = _plain(change.old), _plain(change.new)
    if witness is not None:
        data["witness"] = witness
    message = f"{where}: {change.message}" if where else change.message
    if witness is not None:
        message += f"; valid before, invalid now: {json.dumps(witness, ensure_ascii=False)}"
    return diagnostic(
        KIND_CODES[change.kind],
        message,
        location=change.location or Location(),
        severity=_SEVERITY[impact(change, policy)],
        data=data,
    )


def _plain(value: Any) -> Any:
    """A change's old or new value as JSON writes it."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


# -- versions ---------------------------------------------------------------------------------

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")


@dataclass(frozen=True, slots=True)
class Bump:
    """The least version step the changes need: `major`, `minor`, `patch` or none, and why."""

    level: str | None
    reason: str = ""
    needed: str | None = None  # the least version the new plan should have
    notes: list[str] = field(default_factory=list)


def needed_bump(changes: list[Change], policy: Policy, old_version: str | None) -> Bump:
    """Breaking (for the sides `policy` counts): major; anything that changes what is valid:
    minor; documentation only: patch."""
    if not changes:
        return Bump(None)
    if any(impact(c, policy) is Impact.BREAKING for c in changes):
        level, reason = "major", "breaking changes"
    elif any(c.kind not in _DOCUMENTATION for c in changes):
        level, reason = "minor", "additive changes"
    else:
        level, reason = "patch", "documentation changes"
    parsed = _parse(old_version)
    if parsed is None:
        return Bump(level, reason)
    major, minor, patch = parsed
    least = {
        "major": (major + 1, 0, 0),
        "minor": (major, minor + 1, 0),
        "patch": (major, minor, patch + 1),
    }[level]
    return Bump(level, reason, ".".join(map(str, least)))


_DOCUMENTATION = frozenset(
    {"documentation-changed", "definition-deprecated", "definition-undeprecated"}
)


def version_diagnostics(old: Plan, new: Plan, bump: Bump) -> list[Diagnostic]:
    """TP690 when the new plan's version is below what its changes need."""
    if bump.needed is None:
        return []
    now = _parse(new.version)
    least = _parse(bump.needed)
    if now is None or least is None or now >= least:
        return []
    message = (
        f"version {new.version} needs at least {bump.needed} ({bump.reason}), was {old.version}"
    )
    # a missing major bump misleads producers and consumers; a missing patch bump, nobody
    severity = {"major": Severity.ERROR, "minor": Severity.WARNING}.get(
        bump.level or "", Severity.INFO
    )
    return [
        diagnostic(
            "TP690",
            message,
            location=new.location,
            severity=severity,
            suggestion=bump.needed,
            data={"old": old.version, "new": new.version, "needed": bump.needed},
        )
    ]


def _parse(version: str | None) -> tuple[int, int, int] | None:
    found = _SEMVER.match(version or "")
    if found is None:
        return None
    return int(found[1]), int(found[2]), int(found[3])
