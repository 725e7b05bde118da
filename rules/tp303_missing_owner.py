"""TP303 missing-owner."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, describe_definition
from tracking_plan.model import Plan


class MissingOwner(Rule):
    """A definition has no owner.

    ## What it does
    Reports every track event, page, screen, `identify` and `group` definition without an
    `owner:`. A plan-level `owner:` is every definition's default, so a plan that sets one at
    the top passes; set `owner:` on a definition where another team owns it. Only the `strict`
    preset enables this rule.

    ## Why is this bad?
    When an event breaks (a property stops arriving, a value changes type after a release, a
    destination rejects the call), someone has to be asked what changed and has to fix the code
    that sends it. Without an owner that question goes to a shared channel and waits; with one,
    the validator's report can be routed to the team, and a proposed change to the event can
    be reviewed by the people who know what depends on it.

    ## Example
    ```yaml
    plan: acme-shop
    events:
      Order Completed:
        description: The customer placed an order.
    ```

    ## Use instead
    ```yaml
    plan: acme-shop
    owner: data-platform          # the default for every definition
    events:
      Order Completed:
        description: The customer placed an order.
        owner: checkout           # this team answers for it
    ```
    """

    code = "TP303"
    slug = "missing-owner"
    summary = "A definition has no owner"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        for definition in plan.definitions():
            if definition.owner and definition.owner.strip():
                continue
            yield Violation(
                message=f"{describe_definition(definition)} has no owner: add `owner:` to it, or a "
                "plan-level `owner:` as the default",
                location=definition.location,
                definition=definition,
            )
