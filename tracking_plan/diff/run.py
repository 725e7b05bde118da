"""One `tp diff` run as a library call: the changes between two plans as diagnostics, with
their witnesses, the ignore file applied and the version checked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..model import Plan
from .compare import diff_plans
from .ignores import Accepted, apply_ignores
from .impact import Impact
from .report import Bump, Policy, needed_bump, to_diagnostic, version_diagnostics


@dataclass(frozen=True, slots=True)
class DiffOptions:
    policy: Policy = Policy.BOTH
    accepted: list[Accepted] = field(default_factory=list)
    today: datetime.date | None = None  # for the ignore file's expiry dates; None: today
    witnesses: bool = True


@dataclass(frozen=True, slots=True)
class DiffResult:
    diagnostics: list[Diagnostic]
    bump: Bump


def run_diff(old: Plan, new: Plan, options: DiffOptions | None = None) -> DiffResult:
    options = options or DiffOptions()
    changes = diff_plans(old, new)
    today = options.today or datetime.date.today()
    kept, expired = apply_ignores(changes, options.accepted, today)
    finder = None
    if options.witnesses and any(c.impacts.producers is not Impact.SAFE for c in kept):
        from .witness import Witnesses

        finder = Witnesses(old, new)
    diagnostics = []
    for change in kept:
        witness = None
        if finder is not None and change.impacts.producers is not Impact.SAFE:
            witness = finder.find(change)
        diagnostics.append(to_diagnostic(change, options.policy, witness))
    bump = needed_bump(kept, options.policy, old.version)
    diagnostics += version_diagnostics(old, new, bump)
    diagnostics += expired
    return DiffResult(diagnostics, bump)
