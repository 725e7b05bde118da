"""TP003 duplicate-key: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class DuplicateKey(Rule):
    """The same key appears twice in one mapping.

    ## What it does
    Reports a key written twice in the same mapping, such as two events or two properties with
    the same name. YAML loaders keep the last one silently.

    ## Why is this bad?
    The first definition is lost without a word; usually one of the two was meant to have
    another name.

    ## Example
    ```yaml
        properties:
          order_id: {type: string}
          order_id: {type: integer}
    ```

    ## Use instead
    ```yaml
        properties:
          order_id: {type: string}
          order_number: {type: integer}
    ```
    """

    code = "TP003"
    slug = "duplicate-key"
    summary = "The same key appears twice in one mapping"
    phase = Phase.LOAD
