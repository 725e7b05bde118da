"""TP006 impossible-range."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.lint.types import Problem, fits, is_number, property_violations, show_value
from tracking_plan.model import Plan, Property

Bound = tuple[str, float]
"""A bound as written: its keyword and its value."""


class ImpossibleRange(Rule):
    """A range or length bound can never be met.

    ## What it does
    Checks the bounds of every property (payload, traits, context fields, shared properties,
    nested properties and array items) for combinations no value can satisfy:

    - `minimum` above `maximum`, or an exclusive bound at or past the opposite bound
      (`exclusive_minimum: 5` with `exclusive_maximum: 5`, `minimum: 5` with
      `exclusive_maximum: 5`);
    - an `integer` property whose range holds no whole number (`exclusive_minimum: 0` with
      `exclusive_maximum: 1`);
    - `min_length` above `max_length`, `min_items` above `max_items`;
    - `enum` values outside the range, the length bounds or the item bounds (the message names
      them).

    ## Why is this bad?
    No event can carry such a property: every call that sends it fails validation, or, when
    the property is optional, the plan silently forbids sending it at all. It is almost always
    a typo or swapped bounds, and the compiled JSON Schema inherits the contradiction. (A
    `multiple_of` of 0 or below is not a range problem but an invalid plan: the loader
    reports it, TP002.)

    ## Example
    ```yaml
    events:
      Review Submitted:
        properties:
          rating: {type: integer, minimum: 5, maximum: 1}
          headline: {type: string, min_length: 120, max_length: 3}
          mood: {type: string, enum: [ok, great, disappointed], max_length: 5}
    ```

    ## Use instead
    ```yaml
    events:
      Review Submitted:
        properties:
          rating: {type: integer, minimum: 1, maximum: 5}
          headline: {type: string, min_length: 3, max_length: 120}
          mood: {type: string, enum: [ok, great, disappointed], max_length: 12}
    ```
    """

    code = "TP006"
    slug = "impossible-range"
    summary = "A range, length or item bound that no value can meet"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        return property_violations(plan, _problems)


def _problems(prop: Property) -> Iterator[Problem]:
    numbers_possible = True
    contradiction = _range_contradiction(prop)
    if contradiction is not None:
        numbers_possible = False
        yield Problem(text=contradiction)
    elif _no_integer_in_range(prop):
        numbers_possible = False
        yield Problem(
            text=f"no integer lies within {_describe(_range_bounds(prop))}; widen the range "
            "or allow `number`"
        )
    lengths = _count_contradiction(prop.min_length, prop.max_length, "length", "string")
    if lengths is not None:
        yield Problem(text=lengths)
    items = _count_contradiction(prop.min_items, prop.max_items, "items", "array")
    if items is not None:
        yield Problem(text=items)
    enum = [value for value in prop.enum or () if fits(value, prop)]
    if numbers_possible:
        yield from _enum_outside(
            enum, is_number, lambda v: _in_range(v, prop), _range_bounds(prop), "the range"
        )
    if lengths is None:
        yield from _enum_outside(
            enum,
            lambda v: isinstance(v, str),
            lambda v: _in_counts(len(v), prop.min_length, prop.max_length),
            _count_bounds(prop.min_length, prop.max_length, "length"),
            "the length bounds",
        )
    if items is None:
        yield from _enum_outside(
            enum,
            lambda v: isinstance(v, list),
            lambda v: _in_counts(len(v), prop.min_items, prop.max_items),
            _count_bounds(prop.min_items, prop.max_items, "items"),
            "the item bounds",
        )


def _lower(prop: Property) -> tuple[str, float, bool] | None:
    """The tighter lower bound: keyword, value, and whether the value itself is excluded."""
    candidates = [
        (key, value, key.startswith("exclusive"))
        for key, value in (("minimum", prop.minimum), ("exclusive_minimum", prop.exclusive_minimum))
        if value is not None
    ]
    return max(candidates, key=lambda c: (c[1], c[2]), default=None)


def _upper(prop: Property) -> tuple[str, float, bool] | None:
    candidates = [
        (key, value, key.startswith("exclusive"))
        for key, value in (("maximum", prop.maximum), ("exclusive_maximum", prop.exclusive_maximum))
        if value is not None
    ]
    return min(candidates, key=lambda c: (c[1], not c[2]), default=None)


def _range_contradiction(prop: Property) -> str | None:
    lower, upper = _lower(prop), _upper(prop)
    if lower is None or upper is None:
        return None
    (low_key, low, low_open), (high_key, high, high_open) = lower, upper
    if low < high or (low == high and not (low_open or high_open)):
        return None
    relation = "is greater than" if low > high else "equals"
    return (
        f"{low_key} {low!r} {relation} {high_key} {high!r}, so no number can pass; "
        "swap or fix the bounds"
    )


def _no_integer_in_range(prop: Property) -> bool:
    if "integer" not in prop.types or "number" in prop.types:
        return False
    lower, upper = _lower(prop), _upper(prop)
    if lower is None or upper is None:
        return False
    if not (math.isfinite(lower[1]) and math.isfinite(upper[1])):
        return False
    smallest = math.floor(lower[1]) + 1 if lower[2] else math.ceil(lower[1])
    largest = math.ceil(upper[1]) - 1 if upper[2] else math.floor(upper[1])
    return smallest > largest


def _range_bounds(prop: Property) -> list[Bound]:
    written = (
        ("minimum", prop.minimum),
        ("exclusive_minimum", prop.exclusive_minimum),
        ("maximum", prop.maximum),
        ("exclusive_maximum", prop.exclusive_maximum),
    )
    return [(key, value) for key, value in written if value is not None]


def _in_range(value: float, prop: Property) -> bool:
    return (
        (prop.minimum is None or value >= prop.minimum)
        and (prop.exclusive_minimum is None or value > prop.exclusive_minimum)
        and (prop.maximum is None or value <= prop.maximum)
        and (prop.exclusive_maximum is None or value < prop.exclusive_maximum)
    )


def _count_contradiction(least: int | None, most: int | None, what: str, kind: str) -> str | None:
    if least is None or most is None or least <= most:
        return None
    return (
        f"min_{what} {least} is greater than max_{what} {most}, so no {kind} can pass; "
        "swap or fix the bounds"
    )


def _count_bounds(least: int | None, most: int | None, what: str) -> list[Bound]:
    written = ((f"min_{what}", least), (f"max_{what}", most))
    return [(key, value) for key, value in written if value is not None]


def _in_counts(count: int, least: int | None, most: int | None) -> bool:
    return (least is None or count >= least) and (most is None or count <= most)


def _enum_outside(
    enum: Sequence[Any],
    applies: Callable[[Any], bool],
    passes: Callable[[Any], bool],
    bounds: list[Bound],
    what: str,
) -> Iterator[Problem]:
    if not bounds:
        return
    outside = [value for value in enum if applies(value) and not passes(value)]
    if not outside:
        return
    values = ", ".join(_show(value) for value in outside)
    plural = len(outside) > 1
    yield Problem(
        text=f"enum value{'s' if plural else ''} {values} {'are' if plural else 'is'} outside "
        f"{_describe(bounds)}, so {'they' if plural else 'it'} can never pass; remove "
        f"{'them' if plural else 'it'} or widen {what}"
    )


def _describe(bounds: list[Bound]) -> str:
    return " and ".join(f"{key} {value!r}" for key, value in bounds)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"{show_value(value)} ({len(value)} characters)"
    if isinstance(value, list):
        return f"{show_value(value)} ({len(value)} items)"
    return show_value(value)
