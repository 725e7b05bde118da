"""The naming conventions of an imported plan, inferred from its names, so that `tp lint`
holds the plan to the style its authors chose rather than to the defaults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..lint.spec import spec_paths
from ..model import CallType
from ..naming import EVENT_CONVENTIONS, PROPERTY_CONVENTIONS, infer_convention

_SECTIONS = {"events": CallType.TRACK, "pages": CallType.PAGE, "screens": CallType.SCREEN}


def infer_conventions(plan: dict[str, Any]) -> dict[str, str]:
    """`conventions:` for plan data as the importer builds it: `events` from the track event
    names, `properties` from the names TP102 checks (properties and traits, nested ones and
    those of array items; not context fields, nor those a Segment spec event of the same name
    defines). A key without names to go by is left out."""
    conventions: dict[str, str] = {}
    events = infer_convention(plan.get("events", {}), EVENT_CONVENTIONS)
    if events is not None:
        conventions["events"] = events
    properties = infer_convention(_property_names(plan), PROPERTY_CONVENTIONS)
    if properties is not None:
        conventions["properties"] = properties
    return conventions


def _property_names(plan: dict[str, Any]) -> Iterator[str]:
    definitions = [
        (call, name, spec)
        for section, call in _SECTIONS.items()
        for name, spec in plan.get(section, {}).items()
    ]
    for call in (CallType.IDENTIFY, CallType.GROUP):
        if call.value in plan:
            definitions.append((call, call.value, plan[call.value]))
    for call, name, spec in definitions:
        yield from _names(spec.get(call.payload_field, {}), "", spec_paths(call, name))


def _names(members: dict[str, Any], prefix: str, skipped: frozenset[str]) -> Iterator[str]:
    """The names of `members` and of their nested properties, their paths written as
    `all_properties` writes them, except those in `skipped`."""
    for name, spec in members.items():
        path = f"{prefix}{name}"
        if path not in skipped:
            yield name
        if not isinstance(spec, dict):
            continue
        yield from _names(spec.get("properties", {}), f"{path}.", skipped)
        items = spec.get("items")
        if isinstance(items, dict):
            yield from _names(items.get("properties", {}), f"{path}.$.", skipped)
