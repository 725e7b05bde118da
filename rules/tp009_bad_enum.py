"""TP009 bad-enum."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class BadEnum(Rule):
    """An enum is empty, repeats values, or holds values of the wrong type.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP009"
    slug = "bad-enum"
    summary = "An enum is empty, repeats values, or holds values of the wrong type"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
