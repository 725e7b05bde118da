"""TP103 value-in-name."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class ValueInName(Rule):
    """A name embeds a value such as an id, a date or a number.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP103"
    slug = "value-in-name"
    summary = "A name embeds a value such as an id, a date or a number"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
