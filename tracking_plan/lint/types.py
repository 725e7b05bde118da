"""What the rules about property constraints share: the JSON types a property can hold, whether
a value fits them, and a walk over every property of a plan that reports each problem once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Location
from ..jsonkinds import written_type
from ..model import CallType, Definition, Plan, Property
from .rule import Violation

NUMERIC_TYPES = ("integer", "number")


def can_be(prop: Property, *json_types: str) -> bool:
    """Whether the property may hold a value of one of these JSON types (untyped means any)."""
    return not prop.types or any(t in prop.types for t in json_types)


def allows_null(prop: Property) -> bool:
    return not prop.types or prop.nullable or "null" in prop.types


def fits(value: Any, prop: Property) -> bool:
    """Whether a value has a JSON type the property allows.

    As in JSON Schema, every integer is a number, and a number with no fraction (`1.0`) is an
    integer.
    """
    if not prop.types:
        return True
    kind = written_type(value)
    if kind == "null":
        return allows_null(prop)
    if kind == "integer":
        return can_be(prop, *NUMERIC_TYPES)
    if kind == "number":
        return "number" in prop.types or ("integer" in prop.types and float(value).is_integer())
    return kind in prop.types


def describe_types(prop: Property) -> str:
    """`string`, `string or integer`, `any`: the property's types for a message."""
    if not prop.types:
        return "any"
    extra = ["null"] if prop.nullable and "null" not in prop.types else []
    return " or ".join([*prop.types, *extra])


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def show_value(value: Any) -> str:
    """A value for a message: strings quoted as Python does, anything else as JSON."""
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedProperty:
    """A property where the plan writes it: its dotted path and the definition that owns it
    (None for the plan's shared properties and context fields)."""

    prop: Property
    path: str
    label: str
    definition: Definition | None = None


def planned_properties(plan: Plan) -> Iterator[PlannedProperty]:
    """Every property of the plan, nested ones and array items included, in a fixed order:
    shared properties, the plan's context fields, then each definition's payload and context."""
    yield from _walk(plan.shared_properties, "shared property", "", None)
    yield from _walk(plan.context, "context field", "", None)
    for definition in plan.definitions():
        owner = _owner(definition)
        kind = "trait" if definition.call.payload_field == "traits" else "property"
        yield from _walk(definition.properties, kind, f" of {owner}", definition)
        yield from _walk(definition.context, "context field", f" of {owner}", definition)


def _owner(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    noun = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{noun} {definition.name!r}"


def _walk(
    properties: Iterable[Property], kind: str, owner: str, definition: Definition | None
) -> Iterator[PlannedProperty]:
    stack = [(prop, prop.name) for prop in reversed(tuple(properties))]
    while stack:
        prop, path = stack.pop()
        label = f"items of {kind} {path[:-2]!r}" if path.endswith(".$") else f"{kind} {path!r}"
        yield PlannedProperty(prop=prop, path=path, label=label + owner, definition=definition)
        nested = [(child, f"{path}.{child.name}") for child in prop.properties]
        if prop.items is not None:
            nested.append((prop.items, f"{path}.$"))
        stack.extend(reversed(nested))


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """What is wrong with a property, whatever uses it. `text` follows "<property>: " in the
    message, so it says what is wrong and what to do without naming the property."""

    text: str
    suggestion: str | None = None


def property_violations(
    plan: Plan, problems: Callable[[Property], Iterable[Problem]]
) -> Iterator[Violation]:
    """A violation for each problem of each planned property, reported once where it is written.

    A shared property that `ref:` brings into many definitions, or a plan context field that
    every definition carries, is reported at its own definition, not again at every use; a use
    is reported only for problems it adds (say, by overriding a bound).
    """
    seen: set[tuple[Location, Problem]] = set()
    for planned in planned_properties(plan):
        prop = planned.prop
        found = list(problems(prop))
        if not found:
            continue
        shared = plan.shared_property(prop.ref) if prop.ref is not None else None
        inherited = set(problems(shared)) if shared is not None else set()
        for problem in found:
            key = (prop.location, problem)
            if key in seen or problem in inherited:
                continue
            seen.add(key)
            yield Violation(
                message=f"{planned.label}: {problem.text}",
                location=prop.location,
                suggestion=problem.suggestion,
                definition=planned.definition,
                data={"property": planned.path},
            )
