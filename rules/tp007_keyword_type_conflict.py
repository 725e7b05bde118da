"""TP007 keyword-type-conflict."""

from __future__ import annotations

from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.lint.types import Problem, can_be, describe_types, property_violations
from tracking_plan.model import Plan, Property

_KEYWORDS_BY_TYPE: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
    (("string",), "strings", ("pattern", "format", "min_length", "max_length")),
    (
        ("integer", "number"),
        "numbers",
        ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "multiple_of"),
    ),
    (("array",), "arrays", ("items", "min_items", "max_items", "unique_items")),
    (("object",), "objects", ("properties",)),
)
"""The JSON types a group of keywords applies to, their name in messages, and the keywords."""


class KeywordTypeConflict(Rule):
    """A constraint does not fit the property's type.

    ## What it does
    Checks that every constraint of a property applies to one of its types:

    - `pattern`, `format`, `min_length`, `max_length` to `string`;
    - `minimum`, `maximum`, `exclusive_minimum`, `exclusive_maximum`, `multiple_of` to
      `integer` or `number`;
    - `items`, `min_items`, `max_items`, `unique_items` to `array`;
    - nested `properties` to `object`.

    A property with several types conflicts only when none of them fits; an untyped
    (`any`) property never does.

    ## Why is this bad?
    JSON Schema applies a keyword only to values of its own type and silently ignores it for
    others, so `{type: integer, max_length: 3}` accepts `123456`. The constraint looks
    enforced in the plan but checks nothing; usually the type is wrong (an id planned as an
    integer that is really a string) or the constraint was copied from another property.

    ## Example
    ```yaml
    events:
      Order Completed:
        properties:
          order_id: {type: integer, pattern: "^ord_[0-9a-z]{12}$"}
          discount: {type: string, minimum: 0}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        properties:
          order_id: {type: string, pattern: "^ord_[0-9a-z]{12}$"}
          discount: {type: number, minimum: 0}
    ```
    """

    code = "TP007"
    slug = "keyword-type-conflict"
    summary = "A constraint that does not apply to the property's type"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        return property_violations(plan, _problems)


def _problems(prop: Property) -> Iterator[Problem]:
    for types, noun, keywords in _KEYWORDS_BY_TYPE:
        if can_be(prop, *types):
            continue
        written = [keyword for keyword in keywords if _is_set(prop, keyword)]
        if not written:
            continue
        names = " and ".join(", ".join(written).rsplit(", ", 1))
        apply = "applies" if len(written) == 1 else "apply"
        it = "it" if len(written) == 1 else "them"
        yield Problem(
            text=f"{names} only {apply} to {noun}, but its type is {describe_types(prop)}, so "
            f"validators ignore {it}; fix the type or remove {it}"
        )


def _is_set(prop: Property, keyword: str) -> bool:
    if keyword == "unique_items":
        return prop.unique_items
    if keyword == "properties":
        return bool(prop.properties)
    if keyword == "format":
        return bool(prop.formats)
    return getattr(prop, keyword) is not None
