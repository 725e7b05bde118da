"""TP204 property-type-conflict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule, Violation, payload_properties
from tracking_plan.model import Definition, Plan, Property

_Use = tuple[Definition, Property]
_Key = TypeVar("_Key", bound=Hashable)


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyTypeConflictOptions:
    """`enums`: also report the same property with different `enum` values."""

    enums: bool = True


class PropertyTypeConflict(Rule):
    """The same property has different types or enums in different events.

    ## What it does
    Compares every property and trait that several definitions share: top-level ones by
    name, nested ones by their dotted path (`products.$.price`). When their types differ,
    it reports the uses whose type differs from the one most definitions give it (every
    use when there is no single most common type), naming the other types and a definition
    where each occurs. `integer` and `number` are compatible (an integer is a number), and
    so are string formats (`date-time` is a string); `nullable` and untyped (`any`)
    properties never conflict.

    With the option `enums` (on by default) it also compares the `enum` lists of the uses
    that have the most common type and an `enum` (a use without one allows any value and
    is not compared), reports those that differ from the most common list in the same way,
    and names the values only one side allows. That can be deliberate (an event that only
    ever sends some of the values), so the message asks; it has the rule's severity like
    a type conflict, so set `enums: false` when such differences are by design.

    ## Why is this bad?
    Warehouses and destinations give a property one column type. When `price` is a string
    in one event and a number in another, loads fail or the column becomes a string that
    nobody can sum; different enums split one dimension into values that only some events
    can send.

    ## Example
    ```yaml
    events:
      Gift Card Viewed:
        properties:
          price: {type: string}
      Gift Card Purchased:
        properties:
          price: {type: number}
    ```

    ## Use instead
    ```yaml
    events:
      Gift Card Viewed:
        properties:
          price: {type: number}
      Gift Card Purchased:
        properties:
          price: {type: number}
    ```
    """

    code = "TP204"
    slug = "property-type-conflict"
    summary = "The same property has different types or enums in different events"
    default_severity = Severity.ERROR
    Options = PropertyTypeConflictOptions

    def check(self, plan: Plan, options: PropertyTypeConflictOptions) -> Iterator[Violation]:
        by_path: dict[str, dict[frozenset[str], list[_Use]]] = {}
        for definition in plan.definitions():
            for path, prop in payload_properties(definition):
                kinds = _kinds(prop)
                if kinds:
                    agreeing = by_path.setdefault(path, {})
                    agreeing.setdefault(kinds, []).append((definition, prop))
        for path, agreeing in by_path.items():
            majority = _majority(agreeing)
            yield from _type_conflicts(path, agreeing, majority)
            if options.enums and majority is not None:
                yield from _enum_conflicts(path, agreeing[majority])


def _kinds(prop: Property) -> frozenset[str]:
    """The JSON types a property may have, `integer` counted as `number`, `null` left out."""
    return frozenset("number" if t == "integer" else t for t in prop.types if t != "null")


def _type_conflicts(
    path: str, agreeing: dict[frozenset[str], list[_Use]], majority: frozenset[str] | None
) -> Iterator[Violation]:
    if len(agreeing) < 2:
        return
    for kinds, uses in agreeing.items():
        if kinds == majority:
            continue
        others = "; ".join(
            f"{_type_name(other[0][1])} in {_at(other[0])}"
            for other_kinds, other in agreeing.items()
            if other_kinds != kinds
        )
        for definition, prop in uses:
            yield Violation(
                message=f"property {path!r} is {_type_name(prop)} here but {others}",
                location=prop.location,
                definition=definition,
                data={"conflict": "type", "path": path},
            )


def _enum_conflicts(path: str, uses: Sequence[_Use]) -> Iterator[Violation]:
    agreeing: dict[frozenset[Hashable], list[_Use]] = {}
    for use in uses:
        if use[1].enum is not None:
            agreeing.setdefault(_value_set(use[1].enum), []).append(use)
    if len(agreeing) < 2:
        return
    majority = _majority(agreeing)
    for values, group in agreeing.items():
        if values == majority:
            continue
        compared = [k for k in agreeing if k != values and (majority is None or k == majority)]
        differences = "; and in ".join(
            f"{_at(agreeing[other][0])}: {_enum_difference(group[0][1], agreeing[other][0][1])}"
            for other in compared
        )
        for definition, prop in group:
            yield Violation(
                message=(
                    f"property {path!r} allows different enum values here than in "
                    f"{differences}; is that deliberate?"
                ),
                location=prop.location,
                definition=definition,
                data={"conflict": "enum", "path": path},
            )


def _enum_difference(here: Property, there: Property) -> str:
    here_keys, there_keys = _value_set(here.enum or ()), _value_set(there.enum or ())
    only_here = [v for v in here.enum or () if _value_key(v) not in there_keys]
    only_there = [v for v in there.enum or () if _value_key(v) not in here_keys]
    parts = [_listed(only_here, "here"), _listed(only_there, "there")]
    return ", ".join(part for part in parts if part)


def _majority(agreeing: dict[_Key, list[_Use]]) -> _Key | None:
    """The key most uses agree on; None on a tie (then every group is reported)."""
    counts = Counter({key: len(uses) for key, uses in agreeing.items()})
    (key, top), *rest = counts.most_common(2)
    return None if rest and rest[0][1] == top else key


def _type_name(prop: Property) -> str:
    return " or ".join(t for t in prop.types if t != "null")


def _at(use: _Use) -> str:
    definition, prop = use
    return f"{definition.name!r} ({prop.location.file}:{prop.location.line})"


def _value_key(value: Any) -> Hashable:
    """A hashable key that keeps `1`, `1.0`, `True` and `"1"` apart."""
    return (type(value).__name__, repr(value))


def _value_set(values: Iterable[Any]) -> frozenset[Hashable]:
    return frozenset(_value_key(v) for v in values)


def _listed(values: Sequence[Any], where: str) -> str:
    return f"{', '.join(repr(v) for v in values)} only {where}" if values else ""
