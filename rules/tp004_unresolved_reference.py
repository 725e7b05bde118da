"""TP004 unresolved-reference: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class UnresolvedReference(Rule):
    """An include, library, library event or ref does not resolve.

    ## What it does
    Reports a plan file or included file that cannot be read, an unknown spec library, an event
    a library does not have, and a `ref:` to a shared property that does not exist, each with
    the closest existing name; and a `ref:` used inside its own definition.

    Only regular files up to 8 MiB are read (not folders, pipes or devices), and an included
    file must lie inside the plan's folder once symbolic links are followed, unless a folder
    is allowed with `--include-root DIR`: a plan cannot make `tp` read other files.

    ## Why is this bad?
    A reference that resolves to nothing leaves a hole in the plan: a property without a type,
    or events that are silently missing.

    ## Example
    ```yaml
        include:
          - segment/ecomerce
        events:
          Order Completed:
            properties:
              order_id: {ref: orderid}
    ```

    ## Use instead
    ```yaml
        include:
          - segment/ecommerce
        events:
          Order Completed:
            properties:
              order_id: {ref: order_id}
    ```
    """

    code = "TP004"
    slug = "unresolved-reference"
    summary = "An include, library, library event or ref does not resolve"
    phase = Phase.LOAD
