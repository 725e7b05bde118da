"""TP002 invalid-plan-shape: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class InvalidPlanShape(Rule):
    """A key or value does not fit the plan format.

    ## What it does
    Reports unknown keys (with the closest known key), values of the wrong type (a list where a
    mapping belongs, `required: yes please`), unknown property types, unknown policies or naming
    conventions, and a property without a type or with `type: []`.

    Values must also be usable downstream: numbers finite and within a 64-bit float's range
    (no `.nan`, `.inf` or `1e400`, in bounds, `enum`, `const` and `examples` alike),
    `multiple_of` above 0, a regular expression Python compiles, a plan `version` that is a
    plain version (`1`, `1.2.3`, `v2`, `1.0.0-beta.1`), names of at most 200 characters, and
    properties nested at most 32 levels deep, refs included. A file that is not a plan at all
    (its top level is not a mapping of plan keys) is reported without quoting its lines.

    ## Why is this bad?
    A misspelt key such as `descripton` or `requried` is silently ignored by most YAML tooling,
    so the plan says less than its author thinks.

    ## Example
    ```yaml
        events:
          Order Completed:
            descripton: The order went through.
            properties:
              revenue: {type: nummber}
    ```

    ## Use instead
    ```yaml
        events:
          Order Completed:
            description: The order went through.
            properties:
              revenue: {type: number}
    ```
    """

    code = "TP002"
    slug = "invalid-plan-shape"
    summary = "A key or value does not fit the plan format"
    phase = Phase.LOAD
