"""TP101 event-name-convention."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import CallType, Plan
from tracking_plan.naming import convert, follows

_DESCRIBE = {
    "object-action": '"Object Action" in Title Case (Order Completed)',
    "action-object": '"Action Object" in Title Case (Completed Order)',
    "snake_case": "snake_case (order_completed)",
    "camelCase": "camelCase (orderCompleted)",
    "PascalCase": "PascalCase (OrderCompleted)",
    "kebab-case": "kebab-case (order-completed)",
}


class EventNameConvention(Rule):
    """Event names follow the plan's naming convention.

    ## What it does
    Checks every track event name against `conventions.events` (default `object-action`:
    "Object Action" in Title Case, the structure Segment recommends) and suggests the name
    rewritten in the convention, moving a leading verb to the end for "Object Action".

    ## Why is this bad?
    Analytics tools match event names exactly. `Order Completed`, `order_completed` and
    `Completed Order` are three different events in every downstream report, so funnels and
    counts split silently between them.

    ## Example
    ```yaml
    conventions: {events: object-action}
    events:
      completed_order: {}
      Completed Order: {}
    ```

    ## Use instead
    ```yaml
    conventions: {events: object-action}
    events:
      Order Completed: {}
    ```
    """

    code = "TP101"
    slug = "event-name-convention"
    summary = "Event names follow the plan's naming convention"
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        convention = plan.conventions.events
        if convention == "any":
            return
        for event in plan.events:
            if event.call is not CallType.TRACK or follows(event.name, convention):
                continue
            suggestion = convert(event.name, convention)
            hint = f"; rename it to {suggestion!r}" if suggestion != event.name else ""
            yield Violation(
                message=f"event {event.name!r} is not {_DESCRIBE[convention]}{hint}",
                location=event.location,
                suggestion=suggestion if suggestion != event.name else None,
                definition=event,
            )
