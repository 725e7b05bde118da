"""TP001 yaml-syntax: reported by the loader."""

from __future__ import annotations

from tracking_plan.lint.rule import Rule


class YamlSyntax(Rule):
    """The plan file is not valid YAML.

    ## What it does
    Reports a YAML syntax error: an unclosed bracket or quote, bad indentation, a tab used for
    indentation, two documents in one file. The location is where the parser gave up; the
    message says where the construct it was reading started.

    ## Why is this bad?
    Nothing in a file that does not parse can be checked; `tp` stops at the first syntax error
    of a file (the parser cannot resynchronise).

    ## Example
    ```yaml
        events:
          Order Completed:
            properties: {order_id: {type: string}
    ```

    ## Use instead
    ```yaml
        events:
          Order Completed:
            properties: {order_id: {type: string}}
    ```
    """

    code = "TP001"
    slug = "yaml-syntax"
    summary = "The plan file is not valid YAML"
    phase = "load"
