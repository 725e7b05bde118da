"""The built-in spec libraries as model objects, for rules that compare a plan with the spec.

Rules must compare against the pristine library, not the plan's merged copy: when a plan tightens
an included event, the loader has already laid the plan's keys over the library's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from .. import libraries
from ..loader.assemble import library_events
from ..loader.build import PlanBuilder
from ..loader.fragment import Fragment
from ..memo import remembered
from ..model import CallType, Definition, Plan, Property
from .rule import all_properties


def library_plan(name: str) -> Plan:
    """The built-in library `name` (one of `libraries.NAMES`) as a plan of its own (built once,
    see `tracking_plan.memo`)."""
    plan: Plan = remembered("library-plan", name, _build_library_plan)
    return plan


def _build_library_plan(name: str) -> Plan:
    fragment = Fragment(
        file=f"<library {name}>",
        settings={"plan": name},
        events=dict(library_events(name)),  # the builder copies what it changes (tested)
    )
    builder = PlanBuilder(fragment)
    plan = builder.build(())
    if plan is None:
        raise RuntimeError(f"built-in library {name} is broken: {builder.diagnostics[0].message}")
    return plan


@functools.cache
def _spec_events(names: tuple[str, ...]) -> dict[str, Definition]:
    return {event.name: event for name in names for event in library_plan(name).events}


def included_libraries(plan: Plan) -> tuple[str, ...]:
    """The built-in libraries a plan includes, from any of its files, in include order."""
    found = [i.target for i in plan.includes if i.kind == "library" and i.target in libraries.NAMES]
    return tuple(dict.fromkeys(found))


def spec_event(name: str, plan: Plan | None = None) -> Definition | None:
    """The spec event called `name` in the libraries `plan` includes (in any built-in library
    when `plan` is None); its `origin` names the library."""
    names = libraries.NAMES if plan is None else included_libraries(plan)
    return _spec_events(names).get(name)


def spec_paths(call: CallType, name: str, plan: Plan | None = None) -> frozenset[str]:
    """Paths (as `all_properties` writes them) of the properties that the spec event called
    `name` defines, in the libraries `plan` includes (any built-in library when `plan` is None);
    none for a call other than track."""
    spec = spec_event(name, plan) if call is CallType.TRACK else None
    return frozenset() if spec is None else frozenset(p for p, _ in all_properties(spec.properties))


def from_library(definition: Definition) -> bool:
    """True when the definition came in through an `include:` of a built-in library."""
    return definition.origin in libraries.NAMES


def accepts(spec: Property, planned: Property) -> bool:
    """Whether every JSON type the plan allows is one the spec allows.

    An empty `types` means any type. `integer` fits a spec `number`; `null` is left out on both
    sides (Segment's specs never say whether a value may be null). String formats are not
    compared: `email` and `date-time` are strings.
    """
    if not spec.types:
        return True
    allowed = set(spec.types)
    if "number" in allowed:
        allowed.add("integer")
    wanted = [t for t in planned.types if t != "null"]
    return bool(wanted) and all(t in allowed for t in wanted)


def type_label(prop: Property) -> str:
    """The type as a plan would write it: `number`, `date-time`, `[string, object]`, `any`."""
    names: list[str] = []
    for t in prop.types:
        if t == "string" and prop.formats:
            names.extend(prop.formats)
        elif t != "null":
            names.append(t)
    if not names:
        return "any"
    return names[0] if len(names) == 1 else f"[{', '.join(names)}]"


@dataclass(frozen=True, slots=True)
class Pair:
    """A planned property and the spec property at the same path."""

    path: str
    planned: Property
    spec: Property


def matching_properties(
    planned: tuple[Property, ...], spec: tuple[Property, ...], prefix: str = ""
) -> Iterator[Pair]:
    """Planned properties paired with the spec property of the same path, depth first.

    Paths are written as `all_properties` writes them (`products.$.price`); array items pair as
    `products.$`. Only properties both sides define are paired.
    """
    by_name = {p.name: p for p in spec}
    for prop in planned:
        counterpart = by_name.get(prop.name)
        if counterpart is not None:
            yield from _pair(f"{prefix}{prop.name}", prop, counterpart)


def _pair(path: str, planned: Property, spec: Property) -> Iterator[Pair]:
    yield Pair(path, planned, spec)
    yield from matching_properties(planned.properties, spec.properties, f"{path}.")
    if planned.items is not None and spec.items is not None:
        yield from _pair(f"{path}.$", planned.items, spec.items)


def missing_properties(
    planned: tuple[Property, ...],
    spec: tuple[Property, ...],
    *,
    only_required: bool = False,
    prefix: str = "",
) -> Iterator[str]:
    """Paths of spec properties the plan does not define, in the spec's order.

    Below a property the plan does define, the spec's nested and array item properties are
    looked for too, as long as the plan's property can be an object (or an array); a spec
    property whose parent the plan leaves out is not listed: the parent is.
    """
    by_name = {p.name: p for p in planned}
    for expected in spec:
        path = f"{prefix}{expected.name}"
        prop = by_name.get(expected.name)
        if prop is None:
            if expected.required or not only_required:
                yield path
            continue
        if prop.is_object or not prop.types:
            yield from missing_properties(
                prop.properties, expected.properties, only_required=only_required, prefix=f"{path}."
            )
        if expected.items is not None and (prop.is_array or not prop.types):
            item_properties = prop.items.properties if prop.items is not None else ()
            yield from missing_properties(
                item_properties,
                expected.items.properties,
                only_required=only_required,
                prefix=f"{path}.$.",
            )
