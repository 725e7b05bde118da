"""What loading a plan gives: the plan or None, with every diagnostic found."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..model import Plan


@dataclass(frozen=True, slots=True)
class LoadResult:
    plan: Plan | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.plan is not None


class PlanLoadError(Exception):
    """The plan could not be loaded; `diagnostics` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        lines = [f"{d.location}: {d.code} {d.message}" for d in diagnostics]
        super().__init__("cannot load plan:\n" + "\n".join(lines))
