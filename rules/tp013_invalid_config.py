"""TP013 invalid-config: reported by the configuration reader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class InvalidConfig(Rule):
    """The lint configuration is invalid.

    ## What it does
    Reports unknown keys, unknown rule codes or slugs, unknown presets, bad severities and bad
    rule options in `.tracking-plan.yaml` or `[tool.tracking-plan]`.

    ## Why is this bad?
    A misspelt setting would otherwise be ignored and the linter would run with a configuration
    nobody wrote.

    ## Example
    ```yaml
        extends: recomended
        rules:
          TP101: warn
    ```

    ## Use instead
    ```yaml
        extends: recommended
        rules:
          TP101: warning
    ```
    """

    code = "TP013"
    slug = "invalid-config"
    summary = "The lint configuration is invalid"
    phase = Phase.CONFIG
