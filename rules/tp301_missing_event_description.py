"""TP301 missing-event-description."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, describe_definition
from tracking_plan.model import Plan


class MissingEventDescription(Rule):
    """An event, page or screen has no description.

    ## What it does
    Reports every track event, page, screen, `identify` and `group` definition without a
    `description:`. A plan that tightens an event of an included spec library inherits the
    library's description and passes; blank descriptions count as missing.

    ## Why is this bad?
    The description is the only place that says *when* a call is sent. It is what the people
    who build dashboards, funnels and audiences read (in the generated docs, in Segment
    Protocols, in the warehouse's table comments) to decide whether `Signup Completed` fires
    when the form is submitted or when the email is confirmed. Without it every reader guesses,
    two teams guess differently, and their numbers disagree.

    ## Example
    ```yaml
    events:
      Coupon Shared:
        properties:
          coupon_code: {type: string, description: Code as the user typed it.}
    pages:
      Home: {}
    ```

    ## Use instead
    ```yaml
    events:
      Coupon Shared:
        description: The user sent a coupon code to a friend from the share sheet.
        properties:
          coupon_code: {type: string, description: Code as the user typed it.}
    pages:
      Home:
        description: The landing page of the web shop.
    ```
    """

    code = "TP301"
    slug = "missing-event-description"
    summary = "An event, page or screen has no description"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        for definition in plan.definitions():
            if definition.description and definition.description.strip():
                continue
            yield Violation(
                message=f"{describe_definition(definition)} has no description: add "
                "`description:`, one sentence saying when it is sent",
                location=definition.location,
                definition=definition,
            )
