"""TP401 unbounded-string."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class UnboundedString(Rule):
    """A string property has no bound (max_length, enum, format or pattern).

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP401"
    slug = "unbounded-string"
    summary = "A string property has no bound (max_length, enum, format or pattern)"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
