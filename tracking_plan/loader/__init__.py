"""Load a plan file (and everything it includes) into the `Plan` model.

`read_plan` never raises: it returns the plan (or None) with every diagnostic found.
`load_plan` is the convenience form that raises `PlanLoadError` when the plan cannot be loaded.
Both read included files only inside the plan's folder and the `include_roots` given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..model import Plan
from .assemble import Assembler
from .build import PlanBuilder


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


def read_plan(path: str | Path, *, include_roots: Sequence[str | Path] = ()) -> LoadResult:
    assembler = Assembler([Path(root) for root in include_roots])
    fragment = assembler.assemble(Path(path))
    diagnostics = list(assembler.diagnostics)
    plan = None
    unparsable = any(d.code == "TP001" for d in diagnostics)
    if fragment is not None and not unparsable:
        builder = PlanBuilder(fragment)
        plan = builder.build(tuple(assembler.files))
        diagnostics.extend(builder.diagnostics)
    diagnostics.sort(key=Diagnostic.sort_key)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        plan = None
    return LoadResult(plan, diagnostics)


def load_plan(path: str | Path, *, include_roots: Sequence[str | Path] = ()) -> Plan:
    """Load a plan, raising `PlanLoadError` with every problem when it cannot be loaded."""
    result = read_plan(path, include_roots=include_roots)
    if result.plan is None:
        raise PlanLoadError(result.diagnostics)
    return result.plan


__all__ = ["LoadResult", "PlanLoadError", "load_plan", "read_plan"]
