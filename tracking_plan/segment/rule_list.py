"""The rules of a Segment export: where they are (root, `data`, `trackingPlan`), and each one,
from a Public API list or a Config API mapping, as a `SegmentRule`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..jsonkinds import kind_phrase
from ..loader.fragment import MAX_NAME_LENGTH
from ..model import CallType
from .json_source import JsonProblem, parse_json
from .notes import ImportNotes, JsonPath

Holders = list[tuple[dict[str, Any], JsonPath]]
Globals = list[tuple[Any, JsonPath]]
"""Common (Public API) or `global` (Config API) schemas, for every message, and their paths."""

RULE_CALLS = {c.name: c for c in CallType}
_YEAR = re.compile(r"\s*([+-]?\d{1,9})-")


@dataclass(slots=True, kw_only=True)
class SegmentRule:
    call: CallType
    name: str
    schema: Any
    path: JsonPath
    version: int | None = None
    description: str | None = None
    deprecated: bool = False


def holders(data: dict[str, Any]) -> Holders:
    """The objects that may hold `rules` and the plan's name: root, `data`, `trackingPlan`."""
    found: Holders = [(data, ())]
    inner = data.get("data")
    if isinstance(inner, dict):
        found.append((inner, ("data",)))
    for holder, path in list(found):
        for key in ("trackingPlan", "tracking_plan"):
            plan = holder.get(key)
            if isinstance(plan, dict):
                found.append((plan, (*path, key)))
    return found


def first_text(found: Holders, key: str) -> str | None:
    """The first non-blank string under `key` in the holders."""
    for holder, _ in found:
        value = holder.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def public_rules(
    notes: ImportNotes, rules: list[Any], path: JsonPath, globals_: Globals
) -> list[SegmentRule]:
    """The rules of a Public API list; COMMON rules go to `globals_`."""
    result: list[SegmentRule] = []
    for index, item in enumerate(rules):
        here = (*path, index)
        if not isinstance(item, dict):
            notes.warn(here, f"a rule must be an object, not {kind_phrase(item)}; skipped")
            continue
        kind = item.get("type")
        schema_key = "json_schema" if "json_schema" in item else "jsonSchema"
        schema = _parse_schema(notes, item.get(schema_key), (*here, schema_key))
        if isinstance(kind, str) and kind.upper() == "COMMON":
            globals_.append((schema, (*here, schema_key)))
            continue
        call = RULE_CALLS.get(kind.upper()) if isinstance(kind, str) else None
        if call is None:
            notes.warn((*here, "type"), f"unknown rule type {kind!r}; rule skipped")
            continue
        name = _rule_name(notes, call, item.get("key"), (*here, "key"))
        if name is None:
            continue
        result.append(
            SegmentRule(
                call=call,
                name=name,
                schema=schema,
                path=(*here, schema_key),
                version=_version(notes, item.get("version"), (*here, "version")),
                deprecated=_deprecated(item.get("deprecatedAt")),
            )
        )
    return result


def config_rules(
    notes: ImportNotes, rules: dict[str, Any], path: JsonPath, globals_: Globals
) -> list[SegmentRule]:
    """The rules of a Config API mapping (`events`, `identify`, `group`); `global` goes to
    `globals_`."""
    result: list[SegmentRule] = []
    events = rules.get("events") or []
    if not isinstance(events, list):
        notes.warn(
            (*path, "events"), f"`events` must be a list, not {kind_phrase(events)}; ignored"
        )
        events = []
    for index, event in enumerate(events):
        here = (*path, "events", index)
        if not isinstance(event, dict):
            notes.warn(here, f"an event must be an object, not {kind_phrase(event)}; skipped")
            continue
        name = _rule_name(notes, CallType.TRACK, event.get("name"), (*here, "name"))
        if name is None:
            continue
        description = event.get("description")
        result.append(
            SegmentRule(
                call=CallType.TRACK,
                name=name,
                schema=_parse_schema(notes, event.get("rules"), (*here, "rules")),
                path=(*here, "rules"),
                version=_version(notes, event.get("version"), (*here, "version")),
                description=description if isinstance(description, str) else None,
            )
        )
    for key in ("identify", "group"):
        schema, here = _unwrap(rules.get(key), (*path, key))
        if schema:
            call = CallType(key)
            result.append(SegmentRule(call=call, name=key, schema=schema, path=here))
    if rules.get("global"):
        globals_.append(_unwrap(rules["global"], (*path, "global")))
    for key, value in rules.items():
        known = key in ("events", "identify", "group", "global")
        if not known and value not in (None, [], {}):
            notes.unsupported((*path, key))
    return result


def _rule_name(notes: ImportNotes, call: CallType, key: Any, path: JsonPath) -> str | None:
    if call in (CallType.IDENTIFY, CallType.GROUP):
        return call.value
    if isinstance(key, str) and len(key) > MAX_NAME_LENGTH:
        notes.warn(path, f"a name of {len(key):,} characters is too long for a plan; rule skipped")
        return None
    if isinstance(key, str) and key.strip():
        return key
    if call is CallType.TRACK:
        notes.warn(path, "a track rule needs an event name; rule skipped")
        return None
    name = call.value.title()
    notes.warn(path, f"a {call.value} rule without a name is imported as {name!r}")
    return name


def _version(notes: ImportNotes, value: Any, path: JsonPath) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    notes.warn(path, f"version must be an integer >= 1, not {value!r}; ignored")
    return None


def _parse_schema(notes: ImportNotes, value: Any, path: JsonPath) -> Any:
    """Terraform exports hold the schema as a JSON string."""
    if isinstance(value, str):
        try:
            return parse_json(value)
        except JsonProblem as problem:
            notes.warn(path, f"the schema is a string that is not usable JSON: {problem}; ignored")
            return None
    return value


def _unwrap(value: Any, path: JsonPath) -> tuple[Any, JsonPath]:
    """Config API identify/group/global: a schema, or `{"rules": schema}`."""
    if isinstance(value, dict) and "rules" in value and "properties" not in value:
        return value["rules"], (*path, "rules")
    return value, path


def _deprecated(deprecated_at: Any) -> bool:
    """Whether a rule's `deprecatedAt` marks it deprecated. Segment's exports write Go's zero
    time (`0001-01-01T00:00:00.000Z`, or that instant in another format or time zone, year 0 or
    1) on every rule that is not."""
    if isinstance(deprecated_at, str):
        year = _YEAR.match(deprecated_at)
        return bool(deprecated_at.strip()) and not (year and int(year[1]) <= 1)
    return bool(deprecated_at)
