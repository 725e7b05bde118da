"""validate/formats.py and format_patterns.py: jsonschema's format checks, imported late, with
shortcuts that must never accept what jsonschema refuses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tracking_plan.validate.format_patterns import SURELY_VALID
from tracking_plan.validate.formats import accepted_enum_values, conforms_to_one, known_formats

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


@pytest.mark.parametrize("name", sorted(SURELY_VALID))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_surely_valid_value_is_valid_for_jsonschema(name: str, data: st.DataObject) -> None:
    value = data.draw(st.from_regex(SURELY_VALID[name], fullmatch=True))
    assert FORMAT_CHECKER.conforms(value, name), value


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/a/b?c=d&e=f#g",
        "http://example.com:8080",
        "mailto:a@example.com",
        "https://example.com/%zz",
        "https://exa mple.com/",
        "//example.com/a",
        "example.com",
        "",
        "https://example.com/a\n",
        "urn:isbn:0451450523",
        "https://[::1]/",
        "2024-11-04T07:17:22Z",
    ],
)
def test_conforms_to_one_agrees_with_jsonschema(value: str) -> None:
    for formats in (("uri",), ("date-time",), ("uri", "date-time"), ("hostname",)):
        expected = any(FORMAT_CHECKER.conforms(value, name) for name in formats)
        assert conforms_to_one(value, formats) is expected, (value, formats)


def test_known_formats_are_jsonschemas() -> None:
    assert known_formats() == frozenset(FORMAT_CHECKER.checkers)


def test_accepted_enum_values_filter_by_the_whole_schema() -> None:
    schema = {"type": "string", "maxLength": 2, "enum": ["a", "abc", 1]}
    assert accepted_enum_values(schema, schema["enum"]) == ["a"]
    nullable = {"type": ["string", "null"], "enum": ["a", None]}
    assert accepted_enum_values(nullable, ("a",)) == ["a"]
    assert accepted_enum_values(nullable, nullable["enum"]) == ["a", None]
    pattern = {"type": "string", "pattern": "^b", "enum": ["bad", "ab"]}
    assert accepted_enum_values(pattern, pattern["enum"]) == ["bad"]


def test_uri_shortcut_refuses_what_needs_a_closer_look() -> None:
    uri = re.compile(SURELY_VALID["uri"])
    for value in ("https://example.com/%41", "https://ex ample.com", "http://[::1]/", "a:b"):
        assert uri.match(value) is None, value
