"""TP502 spec-property-missing."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class SpecPropertyMissing(Rule):
    """An event named like a spec event lacks a property the spec defines.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP502"
    slug = "spec-property-missing"
    summary = "An event named like a spec event lacks a property the spec defines"
    default_severity = Severity.INFO
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
