"""TP102 property-name-convention."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Location, Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, payload_properties
from tracking_plan.lint.spec import spec_paths
from tracking_plan.model import CallType, Definition, Plan
from tracking_plan.naming import convert, follows

_DESCRIBE = {
    "snake_case": "snake_case (order_id)",
    "camelCase": "camelCase (orderId)",
    "PascalCase": "PascalCase (OrderId)",
    "kebab-case": "kebab-case (order-id)",
}


class PropertyNameConvention(Rule):
    """Property names follow the plan's naming convention.

    ## What it does
    Checks the name of every property and trait (nested properties and the properties of array
    items included) against `conventions.properties` (default `snake_case`, Segment's
    recommendation) and suggests the name rewritten in the convention. Context fields are not
    checked: their names are Segment's (`userAgent`, `app.version`). Neither are names a Segment
    spec event defines, when the plan tightens that event (`conversationId` of the AI Copilot
    spec).

    ## Why is this bad?
    Destinations and warehouses match keys exactly: `order_id` and `orderId` become two
    columns, and every query has to know which event used which. Warehouses also rewrite
    camelCase keys to snake_case, so `orderId` and `order_id` end up fighting over one column.

    ## Example
    ```yaml
    conventions: {properties: snake_case}
    events:
      Order Completed:
        properties:
          orderId: {type: string}
          Shipping-Method: {type: string}
    ```

    ## Use instead
    ```yaml
    conventions: {properties: snake_case}
    events:
      Order Completed:
        properties:
          order_id: {type: string}
          shipping_method: {type: string}
    ```
    """

    code = "TP102"
    slug = "property-name-convention"
    summary = "Property names follow the plan's naming convention"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        convention = plan.conventions.properties
        if convention == "any":
            return
        seen: set[Location] = set()
        for definition in plan.definitions():
            defined_by_spec = spec_paths(definition.call, definition.name)
            kind = "trait" if definition.call.payload_field == "traits" else "property"
            for path, prop in payload_properties(definition):
                if path in defined_by_spec or prop.location in seen:
                    continue
                if follows(prop.name, convention):
                    continue
                seen.add(prop.location)
                suggestion = convert(prop.name, convention)
                hint = f"; rename it to {suggestion!r}" if suggestion != prop.name else ""
                yield Violation(
                    message=f"{kind} {path!r} of {_owner(definition)} is not "
                    f"{_DESCRIBE[convention]}{hint}",
                    location=prop.location,
                    suggestion=suggestion if suggestion != prop.name else None,
                    definition=definition,
                    data={"property": path},
                )


def _owner(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    noun = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{noun} {definition.name!r}"
