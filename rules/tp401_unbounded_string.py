"""TP401 unbounded-string."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.lint.types import Problem, property_violations
from tracking_plan.model import Plan, Property


class UnboundedString(Rule):
    """A string property has no bound (max_length, enum, format or pattern).

    ## What it does
    Reports every string-typed property (untyped ones are left alone) whose length nothing
    limits: it has no `max_length`, no `enum` (or `const`), no `format`, and no `pattern`
    anchored at both ends (`^...$`, as in `^[a-f0-9]{32}$`). Nested properties, array items
    and context fields count too. Part of the `strict` preset.

    ## Why is this bad?
    Event properties end up as warehouse columns, and warehouse text columns have a width
    (`VARCHAR(n)`; a Redshift `VARCHAR` holds at most 65535 bytes). Depending on the loader,
    a longer value is truncated silently or makes the load of its whole batch fail, the first
    time someone sends a stack trace, a request body or a pasted document. A bound in the plan
    makes the validator reject such values at the source, where the bug is, and tells the
    warehouse team how wide the column must be. A pattern bounds nothing unless it is
    anchored: `[a-f0-9]{32}` matches anywhere, so it accepts a megabyte of text that contains
    one such run.

    ## Example
    ```yaml
    events:
      Search Performed:
        properties:
          query: {type: string}
          session_id: {type: string, pattern: "[a-f0-9]{32}"}
    ```

    ## Use instead
    ```yaml
    events:
      Search Performed:
        properties:
          query: {type: string, max_length: 200}
          session_id: {type: string, pattern: "^[a-f0-9]{32}$"}
    ```
    """

    code = "TP401"
    slug = "unbounded-string"
    summary = "A string property has no bound (max_length, enum, format or pattern)"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        return property_violations(plan, _problems)


def _problems(prop: Property) -> Iterator[Problem]:
    if "string" not in prop.types or _is_bounded(prop):
        return
    if prop.pattern is not None:
        why = f"its pattern {prop.pattern!r} is not anchored with ^ and $, so it limits nothing"
    else:
        why = "nothing limits its length"
    yield Problem(
        text=f"{why}; warehouse columns can truncate or reject long values: add `max_length` "
        "(or an `enum`, a `format`, or a pattern anchored with ^...$)"
    )


def _is_bounded(prop: Property) -> bool:
    return (
        prop.max_length is not None
        or prop.enum is not None
        or bool(prop.formats)
        or (prop.pattern is not None and _is_anchored(prop.pattern))
    )


def _is_anchored(pattern: str) -> bool:
    """Whether the pattern must match the whole value, not just a part of it.

    JSON Schema patterns match anywhere in the value, so the pattern must start with `^`, end
    with an unescaped `$`, and have no `|` outside groups (`^a|b$` is two half-anchored
    patterns).
    """
    if not pattern.startswith("^") or not pattern.endswith("$") or _escaped(pattern, -1):
        return False
    depth = 0
    in_class = False
    index = 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
        index += 1
    return True


def _escaped(pattern: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    position = index % len(pattern)
    slashes = len(pattern[:position]) - len(pattern[:position].rstrip("\\"))
    return slashes % 2 == 1
