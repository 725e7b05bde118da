"""Every rule has its pass/fail case file (its documentation is checked with every other code's
in test_codes.py).

Case files live in tests/rule_cases/<CODE>.yaml, one per rule, run by one parametrised test
(as sqlfluff does). A case gives a `plan` (or, for the importer and the config reader,
`segment` data or a `config` file) and the findings `expect`ed of that rule: line, column,
and optionally a `suggestion` and a `message` fragment. `files` adds files next to the plan;
`options` sets the rule's options; `enable` lists other rules to run alongside.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracking_plan.codes import Phase
from tracking_plan.diagnostics import Diagnostic
from tracking_plan.lint.config import ConfigError, LintConfig, RuleSetting, load_config
from tracking_plan.lint.engine import lint_plan
from tracking_plan.lint.registry import RULES, RULES_BY_CODE
from tracking_plan.lint.rule import Rule
from tracking_plan.loader import read_plan
from tracking_plan.segment import import_segment

CASES = Path(__file__).parent / "rule_cases"


def _case_file(rule: type[Rule]) -> Path:
    return CASES / f"{rule.code}.yaml"


def _cases() -> list[Any]:
    params = []
    for rule in RULES:
        path = _case_file(rule)
        if not path.is_file():
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            params.append(pytest.param(rule, case, id=f"{rule.code}-{case['name']}"))
    return params


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_pass_and_fail_cases(rule: type[Rule]) -> None:
    path = _case_file(rule)
    assert path.is_file(), f"{rule.code} has no case file {path}"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["rule"] == rule.code
    expectations = [bool(c["expect"]) for c in document["cases"]]
    assert True in expectations, f"{rule.code}: no failing case"
    if rule.phase is not Phase.LOAD:
        assert False in expectations, f"{rule.code}: no passing case"


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_case(
    rule: type[Rule], case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in (case.get("files") or {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    found = [d for d in _run(rule, case, tmp_path) if d.code == rule.code]
    expected = case["expect"] or []
    actual = [(d.location.line, d.location.column) for d in found]
    wanted = [(e["line"], e["column"]) for e in expected]
    assert actual == wanted, "\n".join(f"{d.location} {d.message}" for d in found)
    for diagnostic, expectation in zip(found, expected, strict=True):
        if "suggestion" in expectation:
            assert diagnostic.suggestion == expectation["suggestion"]
        if "message" in expectation:
            assert expectation["message"] in diagnostic.message


def _run(rule: type[Rule], case: dict[str, Any], tmp_path: Path) -> list[Diagnostic]:
    if rule.phase is Phase.IMPORT:
        return import_segment(case["segment"], source="case.json").diagnostics
    if rule.phase is Phase.CONFIG:
        config = tmp_path / ".tracking-plan.yaml"
        config.write_text(case["config"], encoding="utf-8")
        try:
            load_config(config)
        except ConfigError as error:
            return error.diagnostics
        return []
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(case["plan"], encoding="utf-8")
    result = read_plan(os.path.relpath(plan_path))
    if rule.phase is Phase.LOAD:
        return result.diagnostics
    assert result.plan is not None, [f"{d.location} {d.message}" for d in result.diagnostics]
    settings = {
        code: RuleSetting(severity=RULES_BY_CODE[code].default_severity)
        for code in case.get("enable", [])
    }
    settings[rule.code] = RuleSetting(
        severity=rule.default_severity, options=case.get("options") or {}
    )
    return lint_plan(result.plan, LintConfig(settings=settings))


def test_rules_reference_is_up_to_date() -> None:
    """docs/rules.md is generated from the catalogue of codes; regenerate it with the command it
    names."""
    from tracking_plan.codes.docs import codes_markdown

    expected = codes_markdown(set(load_config().enabled()))
    current = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "run: tp rules --format markdown > docs/rules.md"
