"""TP501 spec-event-mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Location, Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, user_written
from tracking_plan.lint.spec import accepts, matching_properties, spec_event, type_label
from tracking_plan.model import CallType, Plan


class SpecEventMismatch(Rule):
    """An event named like a spec event contradicts the spec.

    ## What it does
    Finds track events named like an event of a spec library the plan includes, in whole or in
    part (`Order Completed`, `Product Viewed`, `Application Opened`, ...), and compares the type
    of every property both define with the spec's, nested object properties and array items
    included (`products.$.price`). A plan type must be one the spec allows: `integer` fits a
    spec `number`, a spec list such as `[string, object]` accepts either, a spec `any` accepts
    everything; `null`/`nullable` and string formats are not compared. A plan that includes a
    library and tightens one of its events with another type is checked against the library as
    shipped, not the merged result. A shared definition (`ref:`) used by several such events is
    reported once.

    ## Why is this bad?
    Segment and its destinations give spec event names a meaning. Google Analytics, Facebook
    Conversions, Amplitude and most other destinations map the e-commerce spec's `revenue`,
    `value` and `products[].price` to their own purchase and revenue fields, and expect
    numbers. When `Order Completed` sends `revenue: "19.99"`, the mapping drops or zeroes it:
    the event still arrives, but revenue reports are empty and ad platforms optimise against
    nothing. Nothing fails loudly, so the mistake is found weeks later.

    ## Example
    ```yaml
    include: [segment/ecommerce]
    events:
      Order Completed:
        properties:
          revenue: {type: string, description: Revenue as shown on the receipt.}
    ```

    ## Use instead
    ```yaml
    include: [segment/ecommerce]
    events:
      Order Completed:
        properties:
          revenue: {required: true, minimum: 0}    # keeps the spec's number type
    ```
    """

    code = "TP501"
    slug = "spec-event-mismatch"
    summary = "An event named like a spec event contradicts the spec"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        reported: set[Location] = set()
        for event in plan.events:
            spec = spec_event(event.name, plan) if event.call is CallType.TRACK else None
            if spec is None:
                continue
            for pair in matching_properties(event.properties, spec.properties):
                location = pair.planned.location
                if location in reported or not user_written(location):
                    continue
                if accepts(pair.spec, pair.planned):
                    continue
                reported.add(location)
                expected = type_label(pair.spec)
                yield Violation(
                    message=f"{pair.path!r} of {event.name!r} is {type_label(pair.planned)}, "
                    f"but the {spec.origin} spec defines it as {expected}",
                    location=location,
                    suggestion=expected,
                    definition=event,
                    data={"library": spec.origin, "path": pair.path, "spec_type": expected},
                )
