"""Patterns that backtrack are decided in linear time, with `re.search`'s answer for any text
(non-ASCII characters and line breaks included), in every path of `tp validate`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_tp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dfa import _FLAGS, _patterns

from tracking_plan.validate.formats import schema_validator
from tracking_plan.validate.linear import _simulation, backtracks, pattern_search

# Characters on the edges of the atoms' classes, outside ASCII too: other scripts' digits and
# letters, a case pair outside ASCII, a non-breaking space, and the line breaks.
_ALPHABET = "ab-0A_ \n\r\t\x0b\u0663\u00e9\u00c9\u0131\u212a\u00a0\u2028\U0001f600"


@settings(max_examples=400, deadline=None)
@given(
    flags=st.sampled_from(_FLAGS),
    body=_patterns,
    texts=st.lists(st.text(_ALPHABET, max_size=8), max_size=25),
)
def test_the_simulation_agrees_with_re_search(flags: str, body: str, texts: list[str]) -> None:
    pattern = flags + body
    simulation = _simulation(pattern)
    assert simulation is not None, pattern
    compiled = re.compile(pattern)
    for text in ["", "\n", "a\n", "\na", *texts]:
        assert simulation.search(text) == (compiled.search(text) is not None), (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        ("(x+x+)+y", True),
        ("^(a|ab)*c$", True),
        ("^([a-z]+\\s?)*$", True),
        ("(\\d+)*x", True),
        ("^[a-z]+$", False),
        ("^ord_[0-9a-z]{12}$", False),
        ("(ab)+", False),
        ("[^a]+(a|b)*$", False),  # a one-character alternation is a class
        ("^(?:[0-9]{3}-){2}[0-9]{4}$", False),
    ],
)
def test_which_patterns_backtrack(pattern: str, risky: bool) -> None:
    assert backtracks(pattern) is risky


@pytest.mark.parametrize("text", ["x" * 30_000, "é" + "x" * 30_000 + "\n", "\n" * 1000 + "x" * 40])
def test_a_catastrophic_pattern_is_decided_at_once(text: str) -> None:
    """`re` would take years on these; run in a child so that a regression fails, not hangs."""
    script = (
        "import sys; from tracking_plan.validate.linear import pattern_search;"
        "print(pattern_search('(x+x+)+y')(sys.stdin.read()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=text, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr


def test_patterns_without_an_nfa_keep_re() -> None:
    search = pattern_search("(a+)+\\1")  # a backreference
    assert search("aa") and not search("ab")


def test_the_schema_validator_uses_it() -> None:
    validator = schema_validator({"type": "string", "pattern": "^(a|ab)*c$"})
    assert validator.is_valid("ababc")
    [error] = validator.iter_errors("ab" * 5000 + "é")
    assert error.validator == "pattern"


def test_tp_validate_on_hostile_values_of_a_backtracking_pattern(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(
        "plan: redos\nevents:\n  Order Completed:\n    properties:\n"
        '      code: {type: string, pattern: "(x+x+)+y"}\n',
        encoding="utf-8",
    )
    values = ["x" * 40, "é" + "x" * 40, "x" * 40 + "\n", "xxy"]
    lines = [
        json.dumps(
            {"type": "track", "event": "Order Completed", "userId": "u", "messageId": str(i)}
            | {"properties": {"code": value}}
        )
        for i, value in enumerate(values)
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for native in ("1", "0"):
        done = run_tp(
            *("validate", "plan.yaml", "events.jsonl", "--format", "json"),
            cwd=tmp_path,
            env={"TP_NATIVE": native},
        )
        summary = json.loads(done.stdout)["summary"]
        assert (summary["valid"], summary["invalid"]) == (1, 3), done.output
