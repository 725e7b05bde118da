"""TP502 spec-property-missing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule, Violation
from tracking_plan.lint.spec import from_library, missing_properties, spec_event
from tracking_plan.model import CallType, Plan


@dataclass(frozen=True, slots=True)
class SpecPropertyMissingOptions:
    only_required: bool = False
    """Report only the spec properties the spec marks required."""


class SpecPropertyMissing(Rule):
    """An event named like a spec event lacks a property the spec defines.

    ## What it does
    Finds track events the plan writes itself (not brought in with `include:`) under the name of
    an event of a spec library the plan includes (for instance a subset of `segment/ecommerce`
    plus a home-grown `Order Completed`), and lists the spec's properties they leave out, nested
    object and array item properties included (`products.$.price`) below the ones the event does
    define. One finding per event, at its name. With `only_required: true` only the properties
    the spec marks required are listed. Only the `strict` preset enables this rule.

    ## Why is this bad?
    Naming an event `Order Completed` or `Product Viewed` tells Segment's destinations to read
    it as the spec event: Google Analytics and Facebook look for `revenue`, `currency` and
    `products[].price`, Amplitude for `products` to split revenue by product. A home-grown
    event with the spec's name but not its properties produces purchase events without value
    in every one of them. Including the library (and tightening what you need) keeps the
    plan's events and the spec in step, and documents every property for free.

    ## Example
    ```yaml
    events:
      Order Completed:
        description: The customer placed an order.
        properties:
          order_id: {type: string, description: Id of the order.}
    ```

    ## Use instead
    ```yaml
    include:
      - library: segment/ecommerce
        events: [Order Completed]
    events:
      Order Completed:
        properties:
          order_id: {required: true}
          revenue: {required: true}
    ```
    """

    code = "TP502"
    slug = "spec-property-missing"
    summary = "An event named like a spec event lacks a property the spec defines"
    default_severity = Severity.INFO
    Options = SpecPropertyMissingOptions

    def check(self, plan: Plan, options: SpecPropertyMissingOptions) -> Iterator[Violation]:
        for event in plan.events:
            if event.call is not CallType.TRACK or from_library(event):
                continue
            spec = spec_event(event.name, plan)
            if spec is None:
                continue
            missing = list(
                missing_properties(
                    event.properties, spec.properties, only_required=options.only_required
                )
            )
            if not missing:
                continue
            which = "required properties" if options.only_required else "properties"
            yield Violation(
                message=f"{event.name!r} is a {spec.origin} spec event but lacks {len(missing)} "
                f"of its {which}: {', '.join(missing)}; include the library event "
                "or add them",
                location=event.location,
                definition=event,
                data={"library": spec.origin, "missing": missing},
            )
