"""Read a plan file and what it includes, and build the model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..model import Plan
from .assemble import Assembler
from .build import PlanBuilder
from .result import LoadResult, PlanLoadError


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
