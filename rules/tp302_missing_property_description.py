"""TP302 missing-property-description."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Location, Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, payload_properties
from tracking_plan.model import CallType, Definition, Plan


class MissingPropertyDescription(Rule):
    """A property has no description.

    ## What it does
    Reports every property and trait of every definition that has no `description:` once
    shared definitions (`ref:`) and included spec libraries are merged in, nested object
    properties and the properties of array items included (`recipients.$.email`). A property
    that takes its description from its `ref:` or from the library event it tightens passes.
    A property shared by several events through a `ref:` is reported once.

    ## Why is this bad?
    Property names are short and ambiguous: is `value` the cart total or the order total, with
    or without tax, in cents or in the currency's unit? Is `count` the items in the cart or the
    distinct products? The people who query the warehouse, build reports and write the code
    that sends the call read the description; without it they guess, and a wrong guess is a
    wrong number in a dashboard that nobody notices.

    ## Example
    ```yaml
    events:
      Order Completed:
        description: The customer placed an order.
        properties:
          value: {type: number}
          recipients:
            type: array
            items:
              type: object
              properties:
                email: {type: email}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        description: The customer placed an order.
        properties:
          value: {type: number, description: Order total after discounts, before tax.}
          recipients:
            type: array
            description: People who receive the order confirmation.
            items:
              type: object
              properties:
                email: {type: email, description: Address the confirmation goes to.}
    ```
    """

    code = "TP302"
    slug = "missing-property-description"
    summary = "A property has no description"
    default_severity = Severity.INFO
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        reported: set[Location] = set()
        for definition in plan.definitions():
            for path, prop in payload_properties(definition):
                if prop.description and prop.description.strip():
                    continue
                if prop.location in reported:
                    continue
                reported.add(prop.location)
                yield Violation(
                    message=f"{_noun(definition)} {path!r} of {_owner(definition)} has no "
                    "description: add `description:` saying what the value means",
                    location=prop.location,
                    definition=definition,
                )


def _noun(definition: Definition) -> str:
    return "trait" if definition.call in (CallType.IDENTIFY, CallType.GROUP) else "property"


def _owner(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    kind = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{kind} {definition.name!r}"
