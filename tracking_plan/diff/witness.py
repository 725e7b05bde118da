"""Witnesses: for a change that breaks producers, a small event that is valid under the old plan
and invalid under the new one, found by search and proven against both plans' compiled bundle
schemas (a witness that does not verify is never shown).

The search starts from the smallest event the old plan accepts for the definition (its
required properties, each with the first candidate value its schema accepts) and tries, at the
changed property, the candidate values of `_candidates` (examples, enum values, the old bounds
and one step past the new ones, strings of the old lengths, a value of every JSON type) and
leaving the property out; for a removed definition, the smallest event itself.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
from collections.abc import Iterator
from typing import Any

from ..compiler.jsonschema import (
    call_rules,
    definition_schema,
    envelope_schema,
    property_schema,
    unplanned_event_rules,
)
from ..model import CallType, Definition, Plan, Property
from .change import Change, definition_label
from .samples import matching

_DRAFT = "2020-12"
_ENVELOPE: dict[str, Any] = {
    "userId": "user-1",
    "messageId": "witness-1",
    "timestamp": "2024-01-01T00:00:00Z",
}
_STRINGS = ("", "a", "A", "0", "x-not-planned", "2024-01-01T00:00:00Z", "user@example.com")
_ANY_TYPE: tuple[Any, ...] = ("a", 0, 1.5, True, None, {}, [])
_ABSENT = object()


class Witnesses:
    """Finds witnesses for the changes between two plans."""

    def __init__(self, old: Plan, new: Plan) -> None:
        self.old, self.new = old, new
        self._labels = {definition_label(d): d for d in old.definitions()}
        self._new_labels = {definition_label(d): d for d in new.definitions()}
        self._old: Any = None
        self._new: Any = None

    def proves(self, message: Any) -> bool:
        """Whether the message is valid under the old plan and invalid under the new one."""
        return bool(self._old.is_valid(message)) and not self._new.is_valid(message)

    def find(self, change: Change) -> dict[str, Any] | None:
        """A proven witness for the change, or None (not a producer-breaking change, or none
        of the candidates proves it)."""
        definition = self._labels.get(
            change.old if change.kind == "definition-renamed" else change.definition
        )
        if definition is None:
            return None
        later = self._new_labels.get(change.definition)
        # the messages of one route: what the plans' bundles check for it (a bundle of
        # thousands of definitions tries each rule on every message)
        self._old = _route_validator(self.old, definition)
        self._new = _route_validator(
            self.new, self._new_labels.get(definition_label(definition)), definition
        )
        base = smallest_message(definition, later)
        if base is None:
            return None
        if change.path and not self._only_path_differs(base, definition, later, change.path):
            return None
        for message in self._tries(base, definition, change.path):
            if self.proves(message):
                return message
        return None

    def _only_path_differs(
        self, base: dict[str, Any], definition: Definition, later: Definition | None, path: str
    ) -> bool:
        """Whether the new plan accepts `base` once the property at `path` has a value it
        accepts (or is left out): then a message it rejects is rejected for that property
        alone, not for another change of the definition."""
        new_prop = _find(later, path) if later is not None else None
        value = _valid_value(new_prop) if new_prop is not None else _ABSENT
        probe = _with(base, definition, path, value)
        return probe is not None and bool(self._new.is_valid(probe))

    def _tries(
        self, base: dict[str, Any], definition: Definition, path: str
    ) -> Iterator[dict[str, Any]]:
        yield base
        if not path:
            yield {
                **base,
                definition.call.payload_field: {
                    **base.get(definition.call.payload_field, {}),
                    "x_not_planned": "a",
                },
            }
            return
        old_prop = _find(definition, path)
        for value in _candidates(old_prop):
            message = _with(base, definition, path, value)
            if message is not None:
                yield message


def smallest_message(
    definition: Definition, new: Definition | None = None
) -> dict[str, Any] | None:
    """The smallest message the definition accepts: the envelope, the route, and each required
    property with the first candidate its schema accepts (None when one accepts none). With
    the `new` version of the definition, also the properties it requires, with values both
    versions accept where there is one: the new plan then rejects the message only for what
    a witness changes in it."""
    message: dict[str, Any] = {"type": definition.call.value, **_ENVELOPE}
    if definition.call is CallType.TRACK:
        message["event"] = definition.name
    elif definition.call in (CallType.PAGE, CallType.SCREEN):
        message["name"] = definition.name
    elif definition.call is CallType.GROUP:
        message["groupId"] = "group-1"
    payload = _required_object(definition.properties, new.properties if new else ())
    if payload is None:
        return None
    if payload:
        message[definition.call.payload_field] = payload
    context = _required_object(definition.context, new.context if new else ())
    if context is None:
        return None
    if context:
        message["context"] = context
    return message


def _required_object(
    props: tuple[Property, ...], new_props: tuple[Property, ...] = ()
) -> dict[str, Any] | None:
    """The required properties of an object (of the old version, or the new one) with a value
    each; None when an old one can have none."""
    newer = {p.name: p for p in new_props}
    found: dict[str, Any] = {}
    for prop in props:
        later = newer.get(prop.name)
        if not prop.required and not (later and later.required):
            continue
        value = _valid_value(prop, later)
        if value is _ABSENT:
            if prop.required:
                return None
            continue
        found[prop.name] = value
    older = {p.name for p in props}
    for prop in new_props:
        if prop.required and prop.name not in older:
            value = _valid_value(prop)
            if value is not _ABSENT:
                found[prop.name] = value
    return found


def _valid_value(prop: Property, later: Property | None = None) -> Any:
    """A value the property accepts; one its `later` version accepts too if there is one."""
    old = _validator(prop)
    new = _validator(later) if later is not None else None
    first = _ABSENT
    candidates = itertools.chain(_candidates(prop), _candidates(later) if later else ())
    for value in candidates:
        if value is _ABSENT or not old.is_valid(value):
            continue
        if new is None or new.is_valid(value):
            return value
        if first is _ABSENT:
            first = value
    return first


def _validator(prop: Property) -> Any:
    return _compiled(json.dumps(property_schema(prop, _DRAFT), sort_keys=True))


@functools.lru_cache(maxsize=4096)
def _compiled(schema: str) -> Any:
    """The schema as `tp validate` runs one (jsonschema-rs when installed, with Python
    jsonschema's format checks and `pattern` semantics: the same verdicts, faster)."""
    from ..validate.checker import checker

    return checker(json.loads(schema))


def _route_validator(
    plan: Plan, definition: Definition | None, route: Definition | None = None
) -> Any:
    """A validator of the plan's bundle for the messages of `definition`'s route (`route`'s,
    when the plan has no definition there): the envelope, the call rules, and the
    definition's schema, or for a track event the plan does not define, its
    `unplanned_events` rule."""
    rules = call_rules()
    if definition is not None:
        rules.append(definition_schema(definition, _DRAFT))
    elif route is not None and route.call is CallType.TRACK:
        rules.extend(unplanned_event_rules(plan))
    return _compiled(json.dumps({**envelope_schema(), "allOf": rules}, sort_keys=True))


def _candidates(prop: Property | None) -> Iterator[Any]:
    """Values worth trying for a property: its own examples and enum values first, then values
    at and past its bounds, then one of every JSON type; `_ABSENT` for leaving it out."""
    yield _ABSENT
    if prop is None:
        yield from _ANY_TYPE
        return
    yield from prop.examples
    yield from prop.enum or ()
    if prop.is_object:
        yield _required_object(prop.properties) or {}
    if prop.is_array and prop.items is not None:
        item = _valid_value(prop.items)
        if item is not _ABSENT:
            yield from ([item] * n for n in _counts(prop.min_items, prop.max_items))
    for bound in (prop.minimum, prop.maximum, prop.exclusive_minimum, prop.exclusive_maximum):
        if bound is not None:
            yield from (bound, bound - 1, bound + 1, int(bound))
    if prop.pattern is not None:
        yield from matching(prop.pattern)
    for length in _counts(prop.min_length, prop.max_length):
        yield "a" * length
    yield from _STRINGS
    yield from _ANY_TYPE


def _counts(low: int | None, high: int | None) -> Iterator[int]:
    for value in (low, high):
        if value is not None:
            yield from (value, max(value - 1, 0), value + 1)
    yield 1


def _find(definition: Definition, path: str) -> Property | None:
    """The property at `path` (`a/b`, `a/items/b`, `context/x`) of the old definition."""
    parts = path.split("/")
    props = definition.properties
    if parts[0] == "context":
        props, parts = definition.context, parts[1:]
    prop: Property | None = None
    for part in parts:
        if part == "items":
            if prop is None or prop.items is None:
                return None
            prop = prop.items
            props = prop.properties
            continue
        prop = next((p for p in props if p.name == part), None)
        if prop is None:
            return None
        props = prop.properties
    return prop


def _with(
    base: dict[str, Any], definition: Definition, path: str, value: Any
) -> dict[str, Any] | None:
    """A copy of `base` with `value` at `path` (array items: a one-item array), `_ABSENT`
    removing it; None when the path has no place in the message."""
    message = copy.deepcopy(base)
    parts = path.split("/")
    field = definition.call.payload_field
    if parts[0] == "context":
        field, parts = "context", parts[1:]
    holder: Any = message.setdefault(field, {})
    for index, part in enumerate(parts[:-1]):
        if part == "items":
            continue
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if following == "items":
            holder[part] = [{}] if not isinstance(holder.get(part), list) else holder[part]
            holder = holder[part][0] if holder[part] else None
            if holder is None:
                return None
        else:
            holder = holder.setdefault(part, {})
        if not isinstance(holder, dict):
            return None
    last = parts[-1]
    if last == "items":  # the items themselves: a one-item array of the value
        if len(parts) < 2:
            return None
        message_holder = _holder_of(message, field, parts[:-2])
        if message_holder is None:
            return None
        message_holder[parts[-2]] = [] if value is _ABSENT else [value]
    elif value is _ABSENT:
        holder.pop(last, None)
    else:
        holder[last] = value
    return message


def _holder_of(message: dict[str, Any], field: str, parts: list[str]) -> dict[str, Any] | None:
    holder: Any = message.setdefault(field, {})
    for part in parts:
        if part == "items":
            holder = holder[0] if isinstance(holder, list) and holder else None
        elif isinstance(holder, dict):
            holder = holder.setdefault(part, {})
        if not isinstance(holder, dict):
            return None
    found: dict[str, Any] = holder
    return found
