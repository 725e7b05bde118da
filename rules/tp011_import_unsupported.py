"""TP011 import-unsupported: reported by the importer."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule


class ImportUnsupported(Rule):
    """An imported JSON Schema keyword has no equivalent in the plan format.

    ## What it does
    Reported by `tp import segment` for JSON Schema keywords that change what validates and
    that the plan format cannot express (`oneOf`, `anyOf`, `$ref`, `not`, `if`/`then`/`else`,
    `patternProperties`, `dependentRequired`, ...), with the JSON path of each. The rest of the
    plan is imported. Keywords that change no verdict (`$id`, `id`, `$schema`, `$comment`,
    `title`, `default`, `definitions`, Segment's `eventMetadata`, ...) are left out without a
    warning.

    ## Why is this bad?
    The imported plan is looser than the original in that place; review it and restate the
    constraint in the plan's terms.

    ## Example
    ```yaml
        {"price": {"oneOf": [{"type": "number"}, {"type": "string"}]}}
    ```

    ## Use instead
    ```yaml
        price:
          type: [number, string]
    ```
    """

    code = "TP011"
    slug = "import-unsupported"
    summary = "An imported JSON Schema keyword has no equivalent in the plan format"
    phase = Phase.IMPORT
    default_severity = Severity.WARNING
