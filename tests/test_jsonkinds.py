"""The kinds of JSON values: written type, JSON Schema type, drift kind and message phrase."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tracking_plan.jsonkinds import (
    drift_kind,
    drift_kind_of_type,
    kind_phrase,
    schema_type,
    written_type,
)


class _Nested(msgspec.Struct):
    name: str


# value, written type, JSON Schema type, drift kind, phrase
CASES: list[tuple[Any, str, str, str, str]] = [
    (None, "null", "null", "null", "null"),
    (True, "boolean", "boolean", "boolean", "a boolean"),
    (False, "boolean", "boolean", "boolean", "a boolean"),
    (0, "integer", "integer", "number", "a number"),
    (-7, "integer", "integer", "number", "a number"),
    (1.0, "number", "integer", "number", "a number"),
    (1.5, "number", "number", "number", "a number"),
    (float("inf"), "number", "number", "number", "a number"),
    ("", "string", "string", "string", "a string"),
    ("1", "string", "string", "string", "a string"),
    ([], "array", "array", "array", "a list"),
    ({}, "object", "object", "object", "an object"),
    (_Nested(name="x"), "object", "object", "object", "an object"),
]


@pytest.mark.parametrize(("value", "written", "schema", "drift", "phrase"), CASES)
def test_each_vocabulary(value: Any, written: str, schema: str, drift: str, phrase: str) -> None:
    assert written_type(value) == written
    assert schema_type(value) == schema
    assert drift_kind(value) == drift
    assert drift_kind_of_type(schema) == drift
    assert kind_phrase(value) == phrase
