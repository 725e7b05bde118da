"""TP204 property-type-conflict."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import Plan


class PropertyTypeConflict(Rule):
    """The same property has different types or enums in different events.

    ## What it does
    TODO

    ## Why is this bad?
    TODO

    ## Example
    TODO

    ## Use instead
    TODO
    """

    code = "TP204"
    slug = "property-type-conflict"
    summary = "The same property has different types or enums in different events"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        yield from ()
