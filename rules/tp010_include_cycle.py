"""TP010 include-cycle: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class IncludeCycle(Rule):
    """Plan files include each other in a cycle.

    ## What it does
    Reports an `include:` that leads back to a file already being included, directly or through
    other files, with the whole chain.

    ## Why is this bad?
    A cycle has no bottom to merge from, so the plan cannot be assembled.

    ## Example
    ```yaml
        # a.yaml
        include: [./b.yaml]
        # b.yaml
        include: [./a.yaml]
    ```

    ## Use instead
    ```yaml
        # core.yaml holds what both share
        # a.yaml
        include: [./core.yaml]
        # b.yaml
        include: [./core.yaml]
    ```
    """

    code = "TP010"
    slug = "include-cycle"
    summary = "Plan files include each other in a cycle"
    phase = Phase.LOAD
