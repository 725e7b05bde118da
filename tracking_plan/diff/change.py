"""One difference between two plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnostics import Location
from ..model import CallType, Definition
from .impact import Impacts


@dataclass(frozen=True, slots=True)
class Change:
    """`kind` names the change (`property-added-required`, ...; one TP6xx code each);
    `definition` is how reports name the definition (`Order Completed`, `identify`,
    `page Home`); `path` the property's path in it (`products/items/price`, empty for the
    definition itself); `old` and `new` the values that differ; `location` where the new
    plan says it (or the old one, for what was removed)."""

    kind: str
    definition: str
    path: str
    impacts: Impacts
    message: str
    old: Any = None
    new: Any = None
    location: Location | None = None


def definition_label(definition: Definition) -> str:
    """How reports name a definition (as `tp validate` does): the event's name, `identify`,
    `group`, `page Home`, `screen Cart`."""
    if definition.call is CallType.TRACK:
        return definition.name
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    return f"{definition.call.value} {definition.name}"
