"""TP501 spec-event-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class SpecEventMismatch(Rule):
    """An event named like a spec event contradicts the spec.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP501"
    slug = "spec-event-mismatch"
    summary = "An event named like a spec event contradicts the spec"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
