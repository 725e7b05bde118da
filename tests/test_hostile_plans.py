"""Hostile plans through the real `tp` commands (issue 10): `tp lint`, `tp compile` and
`tp validate` each end with exit code 0, 1 or 2, never a traceback or an "internal error",
and a plan the loader refuses is named with file:line:col and the reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tp_executable

EVENT = (
    '{"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1", '
    '"properties": {"total": 1}}\n'
)


def one_property(spec: str) -> str:
    """A plan whose property `total` (line 5, column 7) is `spec`."""
    return f"plan: shop\nevents:\n  Order Completed:\n    properties:\n      total: {spec}\n"


def billion_laughs() -> str:
    lines = ["plan: shop", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n" + one_property("{type: string, enum: *a9}").split("\n", 1)[1]


def nested(levels: int) -> str:
    lines = ["plan: shop", "events:", "  Order Completed:", "    properties:"]
    for level in range(levels):
        lines += [f"      {'    ' * level}p{level}:", f"      {'    ' * level}  properties:"]
    return "\n".join([*lines, f"      {'    ' * levels}leaf: string"]) + "\n"


# name: (the plan, what the output must hold: where and what)
HOSTILE: dict[str, tuple[str | bytes, str]] = {
    "NaN bound": (one_property("{type: number, minimum: .nan}"), "plan.yaml:5:38: TP002"),
    "infinite enum": (one_property("{type: number, enum: [.inf]}"), "plan.yaml:5:36: TP002"),
    "1e400": (one_property("{type: number, maximum: 1e400}"), "plan.yaml:5:38: TP002"),
    "multiple_of 0": (one_property("{type: number, multiple_of: 0}"), "plan.yaml:5:42: TP002"),
    "multiple_of 1e-400": (
        one_property("{type: number, multiple_of: 1e-400}"),
        "plan.yaml:5:42: TP002 'multiple_of' must be greater than 0",
    ),
    "NaN example": (
        one_property("{type: number, examples: [1, .nan]}"),
        "plan.yaml:5:43: TP002",
    ),
    "billion laughs": (billion_laughs(), "plan.yaml:6:5: TP001 YAML error: aliases expand"),
    "recursive alias": (
        one_property("{type: string, enum: &r [a, *r]}"),
        "plan.yaml:5:35: TP001 YAML error: an alias refers to a node that contains it",
    ),
    "!!int abc": (
        "plan: shop\nevents:\n  Order Completed:\n    version: !!int abc\n",
        "plan.yaml:4:14: TP001 YAML error: !!int 'abc' is not an integer",
    ),
    "!!int 1.5": (
        one_property("{type: string, max_length: !!int 1.5}"),
        "plan.yaml:5:41: TP001 YAML error: !!int '1.5' is not an integer",
    ),
    "!!bool maybe": (
        one_property("{type: string, required: !!bool maybe}"),
        "plan.yaml:5:39: TP001",
    ),
    "!!binary const": (
        one_property("{type: string, const: !!binary aGVsbG8=}"),
        "plan.yaml:5:36: TP001 YAML error: unsupported YAML tag !!binary",
    ),
    "5,000 digits": (
        one_property("{type: integer, maximum: " + "9" * 5000 + "}"),
        "plan.yaml:5:39: TP002 'maximum' must be a finite number, not an integer of 5,000",
    ),
    "huge repetition": (
        one_property("{type: string, pattern: 'a{99999999999}'}"),
        "plan.yaml:5:38: TP002 invalid regular expression",
    ),
    "ref cycle": (
        "plan: shop\nproperties:\n  node: {type: object, properties: {child: {ref: node}}}\n"
        "events:\n  Order Completed:\n    properties:\n      total: {ref: node}\n",
        "plan.yaml:3:50: TP004 ref 'node' is used inside its own definition",
    ),
    "200 levels": (nested(200), "plan.yaml:101:199: TP001"),
    "40 levels": (nested(40), "plan.yaml:69:135: TP002 property 'p32' is nested 33 levels"),
    "version with a newline": (
        'plan: shop\nversion: "1\\n*/ import os"\n',
        "plan.yaml:2:10: TP002 version must be a plain version",
    ),
    "type []": (one_property("{type: []}"), "plan.yaml:5:21: TP002 type must name at least one"),
    "NUL": (b"plan: shop\ndescription: a\x00b\n", "plan.yaml:2:15: TP001"),
    "UTF-16 without BOM": ("plan: shop\n".encode("utf-16-le"), "plan.yaml:1:2: TP001"),
    "include /etc/passwd": (
        "plan: shop\ninclude: [/etc/passwd]\n",
        "plan.yaml:2:11: TP004 included file '/etc/passwd' is outside the plan's folder",
    ),
    "long event name": (
        f"plan: shop\nevents:\n  ? {'Order ' * 100}Completed\n  : {{}}\n",
        "plan.yaml:3:5: TP002 a name in events is 609 characters long",
    ),
}


def run_all(commands: list[list[str]], cwd: Path) -> list[tuple[int, str]]:
    """Run `tp` commands side by side; (exit code, stdout + stderr) of each."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    started = [
        subprocess.Popen(
            [tp_executable(), *command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for command in commands
    ]
    results = []
    for process in started:
        output, _ = process.communicate(timeout=300)
        results.append((process.returncode, output))
    return results


def plan_commands(plan: str) -> list[list[str]]:
    return [
        ["lint", plan],
        ["compile", plan, "-o", "schemas"],
        ["validate", plan, "events.jsonl"],
    ]


def assert_handled(code: int, output: str) -> None:
    assert code in (0, 1, 2), output
    assert "Traceback" not in output and "internal error" not in output, output


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_plan_is_refused_with_its_location(name: str, tmp_path: Path) -> None:
    plan, expected = HOSTILE[name]
    target = tmp_path / "plan.yaml"
    if isinstance(plan, bytes):
        target.write_bytes(plan)
    else:
        target.write_text(plan, encoding="utf-8")
    (tmp_path / "events.jsonl").write_text(EVENT, encoding="utf-8")
    for command, (code, output) in zip(
        plan_commands("plan.yaml"), run_all(plan_commands("plan.yaml"), tmp_path), strict=True
    ):
        assert_handled(code, output)
        assert code == 2, f"tp {' '.join(command)}:\n{output}"
        assert expected in output, f"tp {' '.join(command)}:\n{output}"


def test_utf16_plan_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = one_property("{type: number, description: Le total en €.}")
    (tmp_path / "plan.yaml").write_bytes(text.encode("utf-16"))
    (tmp_path / "events.jsonl").write_text(EVENT, encoding="utf-8")
    for code, output in run_all(plan_commands("plan.yaml"), tmp_path):
        assert_handled(code, output)
        assert code in (0, 1) and "TP00" not in output, output


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_a_pipe_or_a_device_as_the_plan(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "plan.yaml")  # nobody writes to it: reading it would block for ever
    (tmp_path / "events.jsonl").write_text(EVENT, encoding="utf-8")
    commands = [*plan_commands("plan.yaml"), *plan_commands("/dev/zero")]
    for command, (code, output) in zip(commands, run_all(commands, tmp_path), strict=True):
        assert_handled(code, output)
        assert code == 2, output
        kind = "a named pipe (FIFO)" if command[1] == "plan.yaml" else "a character device"
        assert f"{command[1]}: TP004 cannot read plan file {command[1]}: it is {kind}" in output


def test_include_root_widens_what_a_plan_may_include(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "core.yaml").write_text("events:\n  Order Completed: {}\n")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "plan.yaml").write_text("plan: shop\ninclude: [../shared/core.yaml]\n")
    (tmp_path / "events.jsonl").write_text(EVENT, encoding="utf-8")
    commands = plan_commands("plans/plan.yaml")
    commands += [[*command, "--include-root", "shared"] for command in commands]
    for command, (code, output) in zip(commands, run_all(commands, tmp_path), strict=True):
        assert_handled(code, output)
        if "--include-root" in command:
            assert code in (0, 1) and "TP004" not in output, output
        else:
            assert code == 2 and "plans/plan.yaml:2:11: TP004" in output, output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "in.json:1:101: TP002 the JSON is nested more than 100"),
        ('{"rules": [' + "9" * 5000 + "]}", "in.json:1:12: TP002 a number of 5,000 characters"),
        ('{"rules": [NaN]}', "in.json:1:12: TP002 NaN is not a JSON number"),
    ],
    ids=["100,000 levels", "5,000 digits", "NaN"],
)
def test_hostile_segment_exports(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "in.json").write_text(text, encoding="utf-8")
    [(code, output)] = run_all([["import", "segment", "in.json"]], tmp_path)
    assert_handled(code, output)
    assert code == 2 and expected in output, output
