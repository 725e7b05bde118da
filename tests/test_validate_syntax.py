"""Tests for tracking_plan.validate.syntax: where JSON stops being valid, the same on every
Python (3.13's json reports a trailing comma at the comma, 3.11 and 3.12 at the next token)."""

from __future__ import annotations

import json

import pytest

from tracking_plan.validate.syntax import MAX_DEPTH, JsonError, json_error, position


@pytest.mark.parametrize(
    ("text", "pos", "reason"),
    [
        ('{"a": 1,\n}', 9, "Expecting property name enclosed in double quotes"),
        ("[1,]", 3, "Expecting value"),
        ('{"a" 1}', 5, "Expecting ':' delimiter"),
        ("[1 2]", 3, "Expecting ',' delimiter"),
        ('"abc', 4, "Unterminated string"),
        ('{"a":"x\ny"}', 7, "Invalid control character"),
        ('"\\x"', 2, "Invalid \\escape"),
        ('"\\u12g4"', 5, "Invalid \\uXXXX escape"),
        ("[tru", 4, "Expecting value"),
        ("nul!", 3, "Expecting value"),
        ("[1.]", 3, "Expecting a digit"),
        ("-", 1, "Expecting value"),
        ("[}", 1, "Expecting value"),
        ("9" * 5000, 0, "a number of more than 4,300 digits"),
        (
            "[" * (MAX_DEPTH + 1),
            MAX_DEPTH,
            f"the value is nested too deeply (more than {MAX_DEPTH} levels)",
        ),
    ],
)
def test_the_first_character_no_json_can_have(text: str, pos: int, reason: str) -> None:
    assert json_error(text) == JsonError(pos, reason)
    with pytest.raises((ValueError, RecursionError)):
        json.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, -0.5e+3, true, false, null, {"b": "\\u00e9\\ud83d\\ude00"}]}', "  []", "1" * 4300],
)
def test_valid_values_have_no_error(text: str) -> None:
    assert json_error(text) is None
    json.loads(text)


def test_a_value_is_checked_from_its_start_and_no_further() -> None:
    assert json_error('[1] {"a": 1,}', 4) == JsonError(
        12, "Expecting property name enclosed in double quotes"
    )
    assert json_error("[1] garbage") is None


def test_positions_name_the_line_only_in_text_of_several_lines() -> None:
    assert position('{"a": x}', 6) == "column 7"
    assert position('{\n  "a": x\n}', 9) == "line 2 column 8"
