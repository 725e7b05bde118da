"""TP104 reserved-name."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class ReservedName(Rule):
    """A name collides with a Segment reserved field, trait or warehouse column.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP104"
    slug = "reserved-name"
    summary = "A name collides with a Segment reserved field, trait or warehouse column"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
