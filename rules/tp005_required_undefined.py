"""TP005 required-undefined: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class RequiredUndefined(Rule):
    """A required list names a property that is not defined.

    ## What it does
    Reports a name in a `required:` list (of an event, or of an object property) that is not
    among the defined properties.

    ## Why is this bad?
    JSON Schema would require a property the plan never describes: every event fails validation,
    or the name is a typo of one that was meant to be required.

    ## Example
    ```yaml
        Order Completed:
          required: [order_id, revnue]
          properties:
            order_id: {type: string}
            revenue: {type: number}
    ```

    ## Use instead
    ```yaml
        Order Completed:
          required: [order_id, revenue]
          properties:
            order_id: {type: string}
            revenue: {type: number}
    ```
    """

    code = "TP005"
    slug = "required-undefined"
    summary = "A required list names a property that is not defined"
    phase = Phase.LOAD
