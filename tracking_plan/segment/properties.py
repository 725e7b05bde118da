"""The JSON Schema of a Segment payload's properties as plan YAML properties: types, formats,
enums, bounds and nested objects and arrays, each keyword the plan cannot hold a note."""

from __future__ import annotations

import re
import sys
from typing import Any

from ..jsonkinds import kind_phrase
from ..loader.fragment import MAX_NAME_LENGTH
from ..model import JSON_TYPES, STRING_FORMATS, Policy
from .notes import ImportNotes, JsonPath

Spec = dict[str, Any]

MAX_DEPTH = 32
ANNOTATIONS = frozenset(
    {"$schema", "$id", "id", "$anchor", "$comment", "title", "description", "examples", "default",
     "readOnly", "writeOnly", "deprecated", "definitions", "$defs", "eventMetadata"}
)  # fmt: skip
"""Keywords that change no verdict (annotations, identifiers, definitions, which only a `$ref`
reported on its own uses, and the `eventMetadata` of Segment's exports): left out without a
warning, except a property's `description` and `examples`, which the plan keeps."""
_PROPERTY_KEYWORDS = frozenset(
    {
        "type", "format", "description", "examples", "enum", "const", "pattern",
        "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "items", "minItems", "maxItems", "uniqueItems", "properties", "required",
        "additionalProperties", "anyOf", *ANNOTATIONS,
    }
)  # fmt: skip
_NUMBERS = (
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("exclusiveMinimum", "exclusive_minimum"),
    ("exclusiveMaximum", "exclusive_maximum"),
    ("multipleOf", "multiple_of"),
)
_COUNTS = (
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("minItems", "min_items"),
    ("maxItems", "max_items"),
)


def members(
    notes: ImportNotes, schema: dict[str, Any], path: JsonPath, policy: Policy, depth: int
) -> Spec:
    """The plan properties of an object schema's `properties` and `required`."""
    props, required = _props(notes, schema, path), _required(notes, schema, path)
    return _build_members(notes, props, required, path, policy, depth)


def optional_text(notes: ImportNotes, value: Any, path: JsonPath) -> str | None:
    """A description-like string; anything else is dropped with a note."""
    if value is None or isinstance(value, str):
        return value or None
    notes.warn(path, f"must be a string, not {kind_phrase(value)}; dropped")
    return None


def _build_members(
    notes: ImportNotes,
    props: dict[str, Any],
    required: list[str],
    path: JsonPath,
    policy: Policy,
    depth: int,
) -> Spec:
    result: Spec = {}
    for name, sub in props.items():
        here = (*path, "properties", name)
        if len(name) > MAX_NAME_LENGTH:
            notes.warn(here, f"a name of {len(name):,} characters is too long; dropped")
            continue
        result[name] = _property(notes, sub, here, name in required, policy, depth + 1)
    for name in required:
        if name not in result and len(name) <= MAX_NAME_LENGTH:
            result[name] = {"type": "any", "required": True}
    return result


def _props(notes: ImportNotes, schema: dict[str, Any], path: JsonPath) -> dict[str, Any]:
    props = schema.get("properties", {})
    if isinstance(props, dict):
        return props
    notes.warn((*path, "properties"), f"must be an object, not {kind_phrase(props)}; ignored")
    return {}


def _required(notes: ImportNotes, schema: dict[str, Any], path: JsonPath) -> list[str]:
    names = schema.get("required", [])
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return list(dict.fromkeys(names))
    notes.warn((*path, "required"), "must be a list of property names; ignored")
    return []


def _property(
    notes: ImportNotes, schema: Any, path: JsonPath, required: bool, inherited: Policy, depth: int
) -> Any:
    if schema is True:
        schema = {}
    if not isinstance(schema, dict):
        notes.warn(
            path, f"a property schema must be an object, not {kind_phrase(schema)}; any type"
        )
        schema = {}
    if depth > MAX_DEPTH:
        notes.unsupported(path, f"nesting deeper than {MAX_DEPTH} levels")
        schema = {}
    for key in schema:
        if key not in _PROPERTY_KEYWORDS:
            notes.unsupported((*path, key))
    spec: Spec = {}
    names, nullable = _types(notes, schema, path)
    values = _values(notes, schema, path)
    if nullable and values is not None:
        if None in values:
            values = [v for v in values if v is not None]
        else:  # null is not in the enum, so a `null` type must not add it there
            names, nullable = [*names, "null"], False
    formats = _formats(notes, schema, path)
    fmt = formats[0] if len(formats) == 1 else None
    if formats and "string" in names:
        at = names.index("string")
        names[at : at + 1] = formats
        fmt = None
    spec["type"] = (names[0] if len(names) == 1 else names) if names else "any"
    description = optional_text(notes, schema.get("description"), (*path, "description"))
    if description:
        spec["description"] = description
    if required:
        spec["required"] = True
    if nullable:
        spec["nullable"] = True
    if values is not None:
        spec["enum"] = values
    pattern = schema.get("pattern")
    if pattern is not None and _pattern(notes, pattern, (*path, "pattern")):
        spec["pattern"] = pattern
    if fmt is not None:
        spec["format"] = fmt
    _bounds(notes, schema, path, spec)
    _children(notes, schema, path, spec, inherited, depth)
    examples = schema.get("examples")
    if examples is not None and examples != [] and not _json_safe(examples):
        notes.warn((*path, "examples"), "must hold only JSON values; dropped")
    elif examples is not None and examples != []:
        spec["examples"] = examples if isinstance(examples, list) else [examples]
    return spec["type"] if list(spec) == ["type"] and isinstance(spec["type"], str) else spec


def _formats(notes: ImportNotes, schema: dict[str, Any], path: JsonPath) -> list[str]:
    """The string formats of a property: its `format`, or the `anyOf` of formats that
    `tp compile` writes for several (`type: [date, date-time]`)."""
    if "anyOf" in schema:
        options = schema["anyOf"]
        if (
            "format" not in schema
            and isinstance(options, list)
            and options
            and all(
                isinstance(o, dict) and list(o) == ["format"] and o["format"] in STRING_FORMATS
                for o in options
            )
        ):
            return [o["format"] for o in options]
        notes.unsupported((*path, "anyOf"))
    fmt = schema.get("format")
    if fmt is None:
        return []
    if fmt not in STRING_FORMATS:
        notes.unsupported((*path, "format"), f"format {fmt!r}")
        return []
    return [fmt]


def _types(notes: ImportNotes, schema: dict[str, Any], path: JsonPath) -> tuple[list[str], bool]:
    raw = schema.get("type")
    if raw is None:
        return [], False
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        notes.warn((*path, "type"), "must be a type name or a list of them; any type")
        return [], False
    for name in names:
        if name not in JSON_TYPES:
            notes.unsupported((*path, "type"), f"type {name!r}")
    names = [n for n in dict.fromkeys(names) if n in JSON_TYPES]
    nullable = "null" in names and len(names) > 1
    return [n for n in names if not nullable or n != "null"], nullable


def _values(notes: ImportNotes, schema: dict[str, Any], path: JsonPath) -> list[Any] | None:
    if "const" in schema:
        value = schema["const"]
        if isinstance(value, dict | list):
            notes.unsupported((*path, "const"), "`const` with an object or array value")
        elif not _json_safe(value):
            notes.warn((*path, "const"), f"{value!r} is not a finite number; dropped")
        else:
            return [value]
    values = schema.get("enum")
    if values is None:
        return None
    if isinstance(values, list) and values and _json_safe(values):
        return list(values)
    notes.warn((*path, "enum"), "must be a non-empty list of JSON values; ignored")
    return None


def _pattern(notes: ImportNotes, pattern: Any, path: JsonPath) -> bool:
    try:
        re.compile(pattern)
    except (re.error, TypeError, OverflowError, RecursionError):
        notes.warn(path, f"pattern {pattern!r} is not a valid Python regular expression; dropped")
        return False
    return True


def _bounds(notes: ImportNotes, schema: dict[str, Any], path: JsonPath, spec: Spec) -> None:
    for key, name in _NUMBERS:
        value = schema.get(key)
        if value is None or (isinstance(value, bool) and key.startswith("exclusive")):
            continue
        if not (isinstance(value, int | float) and not isinstance(value, bool)):
            notes.warn((*path, key), f"must be a number, not {value!r}; dropped")
        elif not _json_safe(value):
            notes.warn((*path, key), f"must be a finite number, not {value!r}; dropped")
        elif key == "multipleOf" and not value > 0:
            notes.warn((*path, key), f"must be greater than 0, not {value!r}; dropped")
        else:
            spec[name] = value
    for bound in ("minimum", "maximum"):  # draft-04 booleans
        if schema.get(f"exclusive{bound.title()}") is True and bound in spec:
            spec[f"exclusive_{bound}"] = spec.pop(bound)
    for key, name in _COUNTS:
        value = schema.get(key)
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            if not _json_safe(value):
                notes.warn((*path, key), f"{value} is too large; dropped")
                continue
            spec[name] = value
        else:
            notes.warn((*path, key), f"must be an integer >= 0, not {value!r}; dropped")
    if schema.get("uniqueItems") is True:
        spec["unique_items"] = True


def _children(
    notes: ImportNotes,
    schema: dict[str, Any],
    path: JsonPath,
    spec: Spec,
    inherited: Policy,
    depth: int,
) -> None:
    """`items`, nested `properties` and `unplanned_properties`, mirroring the loader's
    inheritance: an object with children inherits its parent's policy, others allow; `items`
    inherits the property's own policy if it has one, else the parent's."""
    props = _props(notes, schema, path) if "properties" in schema else {}
    required = _required(notes, schema, path) if "required" in schema else []
    has_children = bool(props or required)
    default = inherited if has_children else Policy.ALLOW
    extra = schema.get("additionalProperties")
    if extra is False:
        policy = Policy.FORBID
    else:
        if extra not in (None, True):
            notes.unsupported(
                (*path, "additionalProperties"), "`additionalProperties` with a schema"
            )
        policy = Policy.WARN if default is Policy.FORBID else default
    items = schema.get("items")
    if isinstance(items, dict) or items is True:
        outer = policy if policy is not default else inherited
        spec["items"] = _property(notes, items, (*path, "items"), False, outer, depth + 1)
    elif items is not None:
        notes.unsupported((*path, "items"), "`items` as a list")
    if policy is not default:
        spec["unplanned_properties"] = policy.value
    if has_children:
        spec["properties"] = _build_members(notes, props, required, path, policy, depth)


def _json_safe(value: Any) -> bool:
    """Whether a value holds only what a plan can: numbers a 64-bit float holds (no NaN or
    infinity), text keys."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int | float) and not abs(item) <= sys.float_info.max:
            return False
    return True
