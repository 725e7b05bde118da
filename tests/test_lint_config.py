"""Lint configuration: presets, extends, select/ignore, per-rule settings, overrides, discovery,
and suppressions in the plan."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.config import ConfigError, load_config
from tracking_plan.lint.config_search import find_config
from tracking_plan.lint.engine import lint_plan
from tracking_plan.loader import load_plan


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_no_config_means_recommended() -> None:
    config = load_config()
    enabled = config.enabled()
    assert "TP101" in enabled and "TP204" in enabled
    assert "TP303" not in enabled and "TP401" not in enabled


def test_strict_extends_recommended(tmp_path: Path) -> None:
    path = write(tmp_path / ".tracking-plan.yaml", "extends: strict\n")
    config = load_config(path)
    assert {"TP101", "TP303", "TP401"} <= set(config.enabled())
    assert config.settings["TP302"].severity is Severity.WARNING


def test_all_enables_every_lint_rule(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "c.yaml", "extends: all\n"))
    assert {"TP303", "TP401", "TP502"} <= set(config.enabled())


def test_a_config_without_extends_builds_on_recommended(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "c.yaml", "rules:\n  TP303: warning\n"))
    assert "TP101" in config.enabled() and "TP303" in config.enabled()


def test_select_keeps_only_matching_rules(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "c.yaml", "select: [TP1, duplicate-event]\n"))
    enabled = set(config.enabled())
    assert "TP101" in enabled and "TP201" in enabled
    assert "TP204" not in enabled and "TP301" not in enabled


def test_ignore_and_severity_and_options(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path / "c.yaml",
            """\
            ignore: [TP3]
            fail_on: warning
            rules:
              TP101: warning
              TP008: {severity: error, options: {extra_formats: [currency-code]}}
            """,
        )
    )
    assert "TP301" not in config.enabled()
    assert config.settings["TP101"].severity is Severity.WARNING
    assert config.options_for("TP008").extra_formats == ("currency-code",)
    assert config.fail_on is Severity.WARNING


def test_command_line_select_and_ignore_come_last() -> None:
    config = load_config(select=["TP101", "TP201"], ignore=["TP201"])
    assert config.enabled() == ["TP101"]


def test_overrides_apply_per_file(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path / "c.yaml",
            """\
            overrides:
              - files: ["legacy/*"]
                ignore: [TP101]
                rules: {TP201: warning}
            """,
        )
    )
    assert config.severity_for("TP101", "legacy/old.yaml") is None
    assert config.severity_for("TP101", "plans/new.yaml") is Severity.ERROR
    assert config.severity_for("TP201", "legacy/old.yaml") is Severity.WARNING


@pytest.mark.parametrize(
    ("text", "fragment", "line", "column"),
    [
        ("extend: strict\n", "did you mean 'extends'", 1, 1),
        ("extends: strikt\n", "did you mean 'strict'", 1, 10),
        ("rules:\n  TP999: error\n", "unknown rule 'TP999'", 2, 3),
        ("rules:\n  TP101: loud\n", "severity must be", 2, 10),
        ("rules:\n  TP008: {options: {extra_format: [x]}}\n", "has no option", 2, 20),
        ("rules:\n  TP008: {options: {extra_formats: 5}}\n", "must be a list of a string", 2, 20),
        ("select: [TP9]\n", "matches no rule", 1, 10),
        ("fail_on: sometimes\n", "fail_on must be", 1, 10),
        ("overrides:\n  - ignore: [TP101]\n", "needs `files:`", 2, 5),
        ("- just\n- a list\n", "must be a mapping", 1, 1),
    ],
)
def test_config_errors_are_located(
    tmp_path: Path, text: str, fragment: str, line: int, column: int
) -> None:
    path = write(tmp_path / ".tracking-plan.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    matching = [d for d in caught.value.diagnostics if fragment in d.message]
    assert matching, [d.message for d in caught.value.diagnostics]
    assert (matching[0].location.line, matching[0].location.column) == (line, column)
    assert matching[0].code == "TP013"


LAUGHS = "x0: &a0 [a, a, a, a, a, a, a, a, a, a]\n" + "".join(
    f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize(
    ("text", "fragment", "line", "column"),
    [
        ("select: &s [TP101, *s]\n", "recursive alias", 1, 9),
        (LAUGHS + "select: *a9\n", "aliases expand this value", 5, 5),
        ("fail_on: !!binary ZXJyb3I=\n", "unsupported YAML tag !!binary", 1, 10),
        ("fail_on: error\x00\n", "control character U+0000", 1, 15),
    ],
    ids=["recursive alias", "billion laughs", "binary tag", "NUL"],
)
def test_hostile_config_files_are_located_errors(
    tmp_path: Path, text: str, fragment: str, line: int, column: int
) -> None:
    path = tmp_path / ".tracking-plan.yaml"
    path.write_bytes(text.encode())
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.diagnostics
    assert problem.code == "TP013" and fragment in problem.message, problem.message
    assert (problem.location.line, problem.location.column) == (line, column)


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_configs_that_are_pipes_or_devices_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    for target, kind in (("pipe.yaml", "a named pipe"), ("zero.yaml", "a character device")):
        write(tmp_path / ".tracking-plan.yaml", f"extends: ./{target}\n")
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path / ".tracking-plan.yaml")
        assert f"cannot read configuration {tmp_path / target}: it is {kind}" in str(caught.value)


def test_extends_a_file_and_detects_cycles(tmp_path: Path) -> None:
    write(tmp_path / "team.yaml", "rules:\n  TP303: error\n")
    config = load_config(write(tmp_path / "c.yaml", "extends: [recommended, team.yaml]\n"))
    assert config.settings["TP303"].severity is Severity.ERROR
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ConfigError, match="extends itself"):
        load_config(tmp_path / "a.yaml")


def test_find_config_walks_up_and_reads_pyproject(tmp_path: Path) -> None:
    plan = write(tmp_path / "app" / "plans" / "plan.yaml", "plan: x\n")
    assert find_config(plan) is None
    write(tmp_path / "app" / "pyproject.toml", '[tool.tracking-plan]\nextends = "strict"\n')
    found = find_config(plan)
    assert found is not None and found.name == "pyproject.toml"
    assert "TP303" in load_config(found).enabled()
    write(tmp_path / "app" / "plans" / ".tracking-plan.yaml", "extends: all\n")
    assert find_config(plan) == (tmp_path / "app" / "plans" / ".tracking-plan.yaml").resolve()


def test_pyproject_without_table_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.other]\nx = 1\n")
    assert find_config(tmp_path) is None


def test_noqa_comment_and_definition_ignore_silence_findings(tmp_path: Path) -> None:
    plan_path = write(
        tmp_path / "plan.yaml",
        """\
        plan: shop
        events:
          completed_order: {}  # tp: noqa TP101
          order_refunded:  # tp: noqa
            description: x
          cart_viewed:
            lint: {ignore: [TP101]}
          Wishlist shared: {}
        """,
    )
    plan = load_plan(plan_path.name)
    found = lint_plan(plan, load_config(select=["TP101", "TP012"]))
    assert [(d.code, d.location.line) for d in found] == [("TP101", 8)]


def test_unused_suppressions_are_reported(tmp_path: Path) -> None:
    plan_path = write(
        tmp_path / "plan.yaml",
        """\
        plan: shop
        events:
          Order Completed:  # tp: noqa TP101
            lint: {ignore: [TP301]}
        """,
    )
    plan = load_plan(plan_path.name)
    found = lint_plan(plan, load_config(select=["TP101", "TP012"]))
    assert [(d.code, d.location.line) for d in found] == [("TP012", 3), ("TP012", 4)]
    assert "TP301" in found[1].message
