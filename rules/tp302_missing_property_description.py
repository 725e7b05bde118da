"""TP302 missing-property-description."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class MissingPropertyDescription(Rule):
    """A property has no description.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP302"
    slug = "missing-property-description"
    summary = "A property has no description"
    default_severity = Severity.INFO
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
