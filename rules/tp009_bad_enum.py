"""TP009 bad-enum."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from tracking_plan.diagnostics import Severity
from tracking_plan.jsonkinds import written_type
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.lint.types import (
    Problem,
    can_be,
    describe_types,
    fits,
    is_number,
    property_violations,
    show_value,
)
from tracking_plan.model import Plan, Property


class BadEnum(Rule):
    """An enum is empty, repeats values, or holds values of the wrong type.

    ## What it does
    Checks the `enum` (and `const`) of every property:

    - an empty `enum: []`;
    - values listed more than once (each repeat is reported; `1` and `1.0` are the same JSON
      value, `true` and `1` are not);
    - values whose JSON type the property does not allow: `true`, `42` or `null` in a string
      enum, `1.5` in an integer enum, `true` in a number enum (a boolean is never a number);
    - `null` in the enum of a property that is neither `nullable: true` nor typed `null`.

    Where quoting would turn the value into the string that was meant, the suggestion is the
    quoted form (`"true"`).

    ## Why is this bad?
    An empty enum accepts nothing. A value of the wrong type can never be sent (the type check
    rejects it first), so the enum promises a value that fails validation; usually YAML read an
    unquoted `true`, `1.0` or `null` as something other than the text that was meant.
    Repeats are harmless to validators but hide typos and break code generators that turn
    enums into constants.

    ## Example
    ```yaml
    events:
      Newsletter Toggled:
        properties:
          answer: {type: string, enum: [true, false, maybe]}
          size: {type: integer, enum: [1, 2, 2.5, 2]}
          note: {type: string, enum: [short, null]}
    ```

    ## Use instead
    ```yaml
    events:
      Newsletter Toggled:
        properties:
          answer: {type: string, enum: ["true", "false", maybe]}
          size: {type: number, enum: [1, 2, 2.5]}
          note: {type: string, nullable: true, enum: [short, null]}
    ```
    """

    code = "TP009"
    slug = "bad-enum"
    summary = "An enum is empty, repeats values, or holds values of the wrong type"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        return property_violations(plan, _problems)


def _problems(prop: Property) -> Iterator[Problem]:
    if prop.enum is None:
        return
    if not prop.enum:
        yield Problem(
            text="its enum is empty, so no value can pass; list the allowed values or remove `enum`"
        )
        return
    first_seen: dict[Hashable, int] = {}
    for position, value in enumerate(prop.enum, 1):
        identity = _identity(value)
        if identity in first_seen:
            yield Problem(
                text=f"enum value {show_value(value)} (item {position}) repeats item "
                f"{first_seen[identity]}; remove the repeat"
            )
            continue
        first_seen[identity] = position
        if not fits(value, prop):
            yield _misfit(value, prop)


def _misfit(value: Any, prop: Property) -> Problem:
    quoted = _quoted(value) if can_be(prop, "string") else None
    if value is None:
        quote = f", or quote it ({quoted}) if you mean the text" if quoted else ""
        return Problem(
            text="enum value null can never pass, because the property is not nullable; add "
            f"`nullable: true`{quote}, or remove it"
        )
    kind = written_type(value)
    article = "an" if kind[0] in "aeiou" else "a"
    if quoted is not None:
        advice = f"quote it ({quoted}) if you mean the text, or remove it"
    else:
        advice = "remove it or change the property's type"
    return Problem(
        text=f"enum value {show_value(value)} is {article} {kind}, but the property's type is "
        f"{describe_types(prop)}, so it can never pass; {advice}",
        suggestion=quoted,
    )


def _quoted(value: Any) -> str | None:
    """The quoted YAML form of a scalar that YAML did not read as a string: `"true"`."""
    if value is None or isinstance(value, bool) or is_number(value):
        return f'"{show_value(value)}"'
    return None


def _identity(value: Any) -> Hashable:
    """A key equal for values JSON Schema treats as equal (`1` and `1.0`, not `true` and `1`)."""
    kind = written_type(value)
    if kind == "array":
        return (kind, tuple(_identity(item) for item in value))
    if kind == "object":
        return (kind, tuple(sorted((key, _identity(item)) for key, item in value.items())))
    if kind in ("integer", "number"):
        return ("number", value)
    return (kind, value)
