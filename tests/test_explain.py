"""Tests for `validate.explain` and `validate.checker`: the schema path, jsonschema-rs and Python.

With jsonschema-rs installed, each `pattern` runs as a custom format checked by Python `re`, so
its verdicts and findings are those of Python jsonschema (the reference), which the same code
uses when `import jsonschema_rs` fails. Each test runs both and compares.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tracking_plan.diagnostics import Severity
from tracking_plan.model import CallType, Definition, Plan, Property
from tracking_plan.validate.checker import Checker, PatternFormats
from tracking_plan.validate.explain import Finding, SchemaPath

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def _plan(*props: Property) -> Plan:
    event = Definition(call=CallType.TRACK, name="Order Completed", properties=props)
    return Plan(name="explain", events=(event,))


def _track(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2024-03-01T12:34:56Z",
        "properties": properties,
    }


@contextmanager
def _without_jsonschema_rs() -> Iterator[None]:
    """Make `import jsonschema_rs` fail, as when the wheel is not installed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "jsonschema_rs", None)
        yield


def _explain(plan: Plan, message: dict[str, Any], engine: str) -> list[Finding]:
    """The findings of a fresh schema path (its checkers are built on first use, here)."""
    path = SchemaPath(plan)
    findings = path.explain(message)
    definition = path.definition_for(message)
    assert definition is not None
    assert getattr(path._definition_validator(definition), engine) is not None
    return findings


def _same(plan: Plan, properties: dict[str, Any]) -> list[Finding]:
    """The findings of the jsonschema-rs schema path, checked equal to the Python one's."""
    message = _track(properties)
    rust = _explain(plan, message, "_rust")
    with _without_jsonschema_rs():
        python = _explain(plan, message, "_python")
    assert rust == python
    return rust


def test_a_pattern_mismatch_is_the_same_finding_on_both_paths() -> None:
    plan = _plan(Property(name="order_id", types=("string",), pattern="^ord_[0-9]{3}$"))
    assert _same(plan, {"order_id": "ord_12"}) == [
        Finding(
            "EV106",
            Severity.ERROR,
            '/properties/order_id: "ord_12" does not match the pattern ^ord_[0-9]{3}$',
            "/properties/order_id",
        )
    ]
    assert _same(plan, {"order_id": "ord_123"}) == []


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("^a$", "a\n", True),  # Python's `$` also matches before a final newline
        ("^a$", "a\nb", False),
        ("\\d", "\u0663", True),  # an Arabic-Indic digit is a `\d` for Python
        ("^\\w+$", "\u00e9t\u00e9", True),
        ("(?<=x)y", "xy", True),  # look-behind: Python syntax the Rust regex crate lacks
        ("(?<=x)y", "zy", False),
        ("^[a-z]+\\Z", "abc\n", False),
    ],
)
def test_patterns_are_judged_the_python_way(pattern: str, value: str, matches: bool) -> None:
    assert (re.search(pattern, value) is not None) is matches
    plan = _plan(Property(name="v", types=("string",), pattern=pattern))
    findings = _same(plan, {"v": value})
    assert [f.code for f in findings] == ([] if matches else ["EV106"])


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("2024-03-01T12:34:56Z", []),
        ("2023-03-01T12:34:56Z", ["EV106"]),  # a date-time, not from 2024
        ("2024-02-30T12:34:56Z", ["EV109"]),  # from 2024, not a date
        ("yesterday", ["EV109", "EV106"]),
        (20240301, ["EV104"]),
    ],
)
def test_a_pattern_and_a_format_on_one_property(value: Any, codes: list[str]) -> None:
    plan = _plan(
        Property(name="placed_at", types=("string",), formats=("date-time",), pattern="^2024-")
    )
    findings = _same(plan, {"placed_at": value})
    assert [f.code for f in findings] == codes
    assert all(f.pointer == "/properties/placed_at" for f in findings)


def test_nested_and_array_item_patterns() -> None:
    plan = _plan(
        Property(
            name="address",
            types=("object",),
            properties=(Property(name="zip", types=("string",), pattern="^[0-9]{5}$"),),
        ),
        Property(
            name="skus",
            types=("array",),
            items=Property(name="sku", types=("string",), pattern="^SKU-[0-9]+$"),
        ),
    )
    findings = _same(plan, {"address": {"zip": "1234"}, "skus": ["SKU-1", "sku-2", 3, "SKU-\n"]})
    assert sorted((f.code, f.pointer) for f in findings) == [
        ("EV104", "/properties/skus/2"),
        ("EV106", "/properties/address/zip"),
        ("EV106", "/properties/skus/1"),
        ("EV106", "/properties/skus/3"),
    ]
    assert _same(plan, {"address": {"zip": "12345"}, "skus": ["SKU-1", "SKU-22"]}) == []


def test_a_property_named_pattern_is_not_the_keyword() -> None:
    plan = _plan(
        Property(name="pattern", types=("string",), pattern="^[a-z]+$"),
        Property(name="format", types=("string",), max_length=3),
    )
    assert [f.code for f in _same(plan, {"pattern": "a1", "format": "abcd"})] == [
        "EV106",
        "EV108",
    ]


def test_a_float_multiple_of_still_runs_in_python() -> None:
    assert Checker({"multipleOf": 0.1})._python is not None
    assert Checker({"pattern": "^a", "multipleOf": 2})._rust is not None


def test_an_invalid_python_regex_behaves_as_in_python_jsonschema() -> None:
    """The loader rejects such patterns; a plan built in code keeps Python's behaviour for
    them (the schema path is built, and `re.error` is raised when a string is checked)."""
    plan = _plan(Property(name="v", types=("string",), pattern="(unclosed"))
    assert [f.code for f in _explain(plan, _track({"v": 1}), "_python")] == ["EV104"]
    with pytest.raises(re.error):
        SchemaPath(plan).explain(_track({"v": "x"}))
    with _without_jsonschema_rs(), pytest.raises(re.error):
        SchemaPath(plan).explain(_track({"v": "x"}))


def test_stand_in_formats_avoid_the_schema_s_own_format_names() -> None:
    schema: dict[str, Any] = {
        "properties": {
            "a": {"format": "tp-pattern-0"},
            "b": {"pattern": "^b", "const": {"pattern": "data, not a keyword"}},
        }
    }
    stand_ins = PatternFormats()
    rewritten = stand_ins.rewrite(schema)
    assert rewritten["properties"]["a"] == {"format": "tp-pattern-0"}
    b = rewritten["properties"]["b"]
    assert b["const"] == {"pattern": "data, not a keyword"}
    assert stand_ins.patterns == {b["format"]: "^b"} and b["format"] != "tp-pattern-0"
    assert schema["properties"]["b"]["pattern"] == "^b"  # the original is left alone


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date-time", "2024-03-01T12:34:56Z"),
        ("date-time", "2024-03-01t12:34:56.5+01:00"),
        ("date-time", "2024-02-29T00:00:00Z"),
        ("date-time", "2023-02-29T00:00:00Z"),
        ("date-time", "2024-03-01T12:34:56Z\n"),
        ("date-time", "\u0662\u0660\u0662\u0664-03-01T12:34:56Z"),
        ("date-time", "0000-01-01T00:00:00Z"),
        ("date", "2024-03-01"),
        ("date", "2024-04-31"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000"),
        ("uuid", "123e4567e89b12d3a456426614174000"),
    ],
)
def test_format_checks_agree_with_python_jsonschema(name: str, value: str) -> None:
    checker = Checker({"format": name})
    assert checker._rust is not None
    assert (list(checker.errors(value)) == []) is FORMAT_CHECKER.conforms(value, name)
