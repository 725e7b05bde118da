"""The kind of a JSON value, in each vocabulary the tool names values in.

- `written_type`: the JSON type as the number was written: `1` is an integer, `1.0` a number.
  Lint speaks of plan values this way.
- `schema_type`: the JSON type as JSON Schema classifies an instance: `1.0` is an integer too.
  Event violations speak this way, as the validators do.
- `drift_kind`: what drift statistics count: JSON types with integers counted as numbers
  (`drift_kind_of_type` maps a type name).
- `kind_phrase`: the kind for a message, with its article: `an object`, `a list`, `null`.

Values are decoded JSON or YAML: None, bool, int, float, str, list, and dicts or whatever
else stands for an object (msgspec decodes nested objects to structs).
"""

from __future__ import annotations

from typing import Any

_PHRASES = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "a number",
    "number": "a number",
    "string": "a string",
    "array": "a list",
    "object": "an object",
}


def written_type(value: Any) -> str:
    """The JSON type of a value as written: a float is a number even when whole (`1.0`);
    `boolean` is never a number."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def schema_type(value: Any) -> str:
    """The JSON type of a value as JSON Schema classifies it (`1.0` is an integer)."""
    if isinstance(value, float) and value.is_integer():
        return "integer"
    return written_type(value)


def drift_kind_of_type(json_type: str) -> str:
    """The drift kind of values of a JSON type: integers are numbers."""
    return "number" if json_type == "integer" else json_type


def drift_kind(value: Any) -> str:
    """The kind drift statistics count a value as: its JSON type, integers counted as numbers."""
    kind = written_type(value)  # drift_kind_of_type, inline: this runs for every value observed
    return "number" if kind == "integer" else kind


def kind_phrase(value: Any) -> str:
    """What a JSON value is, for messages: `an object`, `a list`, `a string`, `null`, ..."""
    return _PHRASES[written_type(value)]
