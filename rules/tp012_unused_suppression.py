"""TP012 unused-suppression: found by the lint engine after every rule has run."""

from __future__ import annotations

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule


class UnusedSuppression(Rule):
    """A `# tp: noqa` comment or `lint.ignore` entry silences nothing.

    ## What it does
    Reports a `# tp: noqa` comment, or a code in a comment or in a definition's
    `lint: {ignore: [...]}`, that did not silence any finding in this run, including codes
    that do not exist.

    ## Why is this bad?
    Suppressions outlive the problems they were written for. A stale one hides the next real
    finding on that line, and an unknown code suggests a typo that suppresses nothing.

    ## Example
    ```yaml
    events:
      Order Completed:  # tp: noqa TP101
        description: The order went through.
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        description: The order went through.
    ```
    """

    code = "TP012"
    slug = "unused-suppression"
    summary = "A suppression silences nothing"
    default_severity = Severity.WARNING
