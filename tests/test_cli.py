"""The `tp` console script, run as a subprocess the way users and CI run it.

Exit codes: 0 success, 1 findings (stale files under --check), 2 usage, configuration or input
errors. No command may print a Python traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BAD_PLANS, GOLDEN, SHOP_PLAN, SLACK_PLAN, Run

from tracking_plan import __version__, compile_plan, load_plan
from tracking_plan.libraries import NAMES
from tracking_plan.output_files import MANIFEST_NAME

Tp = Callable[..., Run]

POSITION = re.compile(r"[\w./-]+\.yaml:\d+:\d+")


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    assert "internal error:" not in run.output, run.output


# -- compile -------------------------------------------------------------------------------------


def test_compile_writes_the_golden_files(tp: Tp, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    run = tp("compile", SLACK_PLAN, "-o", out, "--draft", "7")
    assert run.code == 0, run.output
    assert_no_traceback(run)
    assert "standup-bot" in run.stdout
    golden = GOLDEN / "slack-bot" / "7"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*") if p.is_file())
    assert written == sorted([*expected, MANIFEST_NAME])
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == expected  # what tp wrote, so it may replace or prune it
    for path in expected:
        assert (out / path).read_bytes() == (golden / path).read_bytes(), path


def test_check_is_clean_after_compile_and_stale_after_edit(tp: Tp, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    assert tp("compile", SHOP_PLAN, "-o", out).code == 0

    fresh = tp("compile", SHOP_PLAN, "-o", out, "--check")
    assert fresh.code == 0, fresh.output
    assert "up to date" in fresh.stdout

    target = out / "track" / "order_completed.schema.json"
    target.write_text("{}\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*.schema.json")}
    stale = tp("compile", SHOP_PLAN, "-o", out, "--check")
    assert stale.code == 1, stale.output
    assert "order_completed.schema.json" in stale.stdout
    assert_no_traceback(stale)
    # --check writes nothing.
    assert {p: p.read_bytes() for p in out.rglob("*.schema.json")} == before


def test_check_against_an_empty_folder_is_stale(tp: Tp, tmp_path: Path) -> None:
    run = tp("compile", SLACK_PLAN, "-o", tmp_path / "nothing-here", "--check")
    assert run.code == 1, run.output
    assert not (tmp_path / "nothing-here").exists()


def test_bad_plan_exits_2_with_positions(tp: Tp, tmp_path: Path) -> None:
    run = tp("compile", BAD_PLANS / "multiple-errors.yaml", "-o", tmp_path / "out")
    assert run.code == 2, run.output
    assert_no_traceback(run)
    positions = POSITION.findall(run.stderr)
    assert any(p.endswith("multiple-errors.yaml:19:5") for p in positions), run.stderr
    assert any(p.endswith("multiple-errors.yaml:22:7") for p in positions), run.stderr
    assert any(p.endswith("multiple-errors.yaml:26:22") for p in positions), run.stderr
    for code in ("TP002", "TP003", "TP004"):
        assert code in run.stderr
    assert "did you mean 'owner'" in run.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_syntax_error_exits_2(tp: Tp, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("plan: x\nevents: [a\n", encoding="utf-8")
    run = tp("compile", plan, "-o", tmp_path / "out")
    assert run.code == 2
    assert_no_traceback(run)
    assert "TP001" in run.stderr
    assert POSITION.search(run.stderr), run.stderr


def test_missing_output_option_exits_2(tp: Tp) -> None:
    run = tp("compile", SHOP_PLAN)
    assert run.code == 2
    assert_no_traceback(run)
    assert "--output" in run.stderr


def test_output_that_is_a_file_exits_2(tp: Tp, tmp_path: Path) -> None:
    target = tmp_path / "schemas.json"
    target.write_text("{}", encoding="utf-8")
    run = tp("compile", SHOP_PLAN, "-o", target)
    assert run.code == 2
    assert_no_traceback(run)
    assert target.read_text(encoding="utf-8") == "{}"


def test_nonexistent_plan_exits_2(tp: Tp, tmp_path: Path) -> None:
    run = tp("compile", tmp_path / "missing.yaml", "-o", tmp_path / "out")
    assert run.code == 2
    assert_no_traceback(run)
    assert "missing.yaml" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("compile", "--bogus"),
        ("compile", "plan.yaml", "-o", "out", "--draft", "4"),
        ("frobnicate",),
        (),
    ],
    ids=["unknown-option", "bad-draft", "unknown-command", "no-command"],
)
def test_usage_errors_exit_2(tp: Tp, tmp_path: Path, args: tuple[str, ...]) -> None:
    run = tp(*args, cwd=tmp_path)
    assert run.code == 2, run.output
    assert_no_traceback(run)
    assert "Usage" in run.output


def test_help_mentions_examples(tp: Tp) -> None:
    top = tp("--help")
    assert top.code == 0
    assert "compile" in top.stdout and "init" in top.stdout and "libraries" in top.stdout
    assert "example" in top.stdout.lower(), top.stdout
    compile_help = tp("compile", "--help")
    assert compile_help.code == 0
    assert "Example: tp compile" in compile_help.stdout
    assert "--check" in compile_help.stdout and "--draft" in compile_help.stdout


def test_version(tp: Tp) -> None:
    run = tp("--version")
    assert run.code == 0
    assert run.stdout.strip() == f"tp {__version__}"


# -- init ----------------------------------------------------------------------------------------


def test_init_writes_a_plan_that_loads_and_compiles(tp: Tp, tmp_path: Path) -> None:
    run = tp("init", cwd=tmp_path)
    assert run.code == 0, run.output
    written = tmp_path / "tracking-plan.yaml"
    assert written.is_file()
    plan = load_plan(written)
    assert plan.name == tmp_path.name.lower()
    assert plan.event("Signup Completed") is not None
    assert plan.event("Order Completed") is not None  # the default library
    compiled = compile_plan(plan)
    assert "track/signup_completed.schema.json" in compiled.schemas
    run = tp("compile", "tracking-plan.yaml", "-o", "schemas", cwd=tmp_path)
    assert run.code == 0, run.output
    assert (tmp_path / "schemas" / "bundle.schema.json").is_file()


def test_init_with_options(tp: Tp, tmp_path: Path) -> None:
    target = tmp_path / "nested" / "plan.yaml"
    run = tp("init", target, "--name", "acme-web", "-i", "segment/video", "-i", "segment/email")
    assert run.code == 0, run.output
    plan = load_plan(target)
    assert plan.name == "acme-web"
    assert len(plan.events) == 17 + 6 + 1
    assert [i.target for i in plan.includes] == ["segment/video", "segment/email"]


@pytest.mark.parametrize("name", ["acme: web", "#1 shop", "yes", "[beta]"])
def test_init_with_a_name_that_needs_quoting(tp: Tp, tmp_path: Path, name: str) -> None:
    target = tmp_path / "plan.yaml"
    run = tp("init", target, "--name", name)
    assert run.code == 0, run.output
    assert load_plan(target).name == name


def test_init_refuses_to_overwrite(tp: Tp, tmp_path: Path) -> None:
    target = tmp_path / "tracking-plan.yaml"
    target.write_text("plan: mine\n", encoding="utf-8")
    run = tp("init", cwd=tmp_path)
    assert run.code == 2
    assert_no_traceback(run)
    assert "--force" in run.stderr
    assert target.read_text(encoding="utf-8") == "plan: mine\n"
    forced = tp("init", "--force", "--name", "fresh", cwd=tmp_path)
    assert forced.code == 0, forced.output
    assert load_plan(target).name == "fresh"


def test_init_rejects_an_unknown_library(tp: Tp, tmp_path: Path) -> None:
    run = tp("init", "--include", "segment/ecomerce", cwd=tmp_path)
    assert run.code == 2
    assert_no_traceback(run)
    assert "segment/ecomerce" in run.stderr
    assert not (tmp_path / "tracking-plan.yaml").exists()


# -- libraries -----------------------------------------------------------------------------------


def test_libraries_lists_every_library(tp: Tp) -> None:
    run = tp("libraries")
    assert run.code == 0, run.output
    rows = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines() if line.strip()}
    assert rows["segment/mobile"] == "13"
    for name in NAMES:
        assert name in rows
    assert "Application Installed" in run.stdout


def test_libraries_shows_the_events_of_one(tp: Tp) -> None:
    run = tp("libraries", "segment/email")
    assert run.code == 0, run.output
    assert "Email Opened" in run.stdout
    assert "email_id" in run.stdout
    assert "Order Completed" not in run.stdout


def test_libraries_unknown_name_exits_2(tp: Tp) -> None:
    run = tp("libraries", "segment/nope")
    assert run.code == 2
    assert_no_traceback(run)
    assert "tp libraries" in run.stderr


def test_module_entry_point(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tracking_plan", "--version"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"tp {__version__}"


@pytest.mark.parametrize("args", [("--help",), ("-h",), ()], ids=["--help", "-h", "none"])
@pytest.mark.parametrize("width", [60, 79, 80, 100, 137, 200])
def test_the_quick_help_is_typers(tmp_path: Path, args: tuple[str, ...], width: int) -> None:
    """`tp --help` is answered without importing typer (cli/_quick.py), in typer's layout."""
    env = {**os.environ, "COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb"}
    probe = (
        "import sys\nsys.argv = ['tp', *sys.argv[1:]]\n"
        "from tracking_plan.cli import {}\n"
        "try:\n    {}()\nfinally:\n    print('typer' in sys.modules, file=sys.stderr)"
    )

    def run(entry: str, function: str) -> subprocess.CompletedProcess[str]:
        code = probe.format(function, function)
        if entry == "typer":
            code = code.replace(
                "from tracking_plan.cli import run",
                "from tracking_plan.cli._commands import register_all, run\nregister_all()",
            )
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    quick, typer = run("quick", "main"), run("typer", "run")
    assert (quick.returncode, quick.stdout) == (typer.returncode, typer.stdout)
    assert quick.stderr.strip().endswith("False"), quick.stderr
    assert typer.stderr.strip().endswith("True")


def test_version_does_not_import_the_cli() -> None:
    probe = (
        "import sys\nsys.argv = ['tp', '--version']\nfrom tracking_plan.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    heavy = ('typer', 'rich', 'yaml', 'tracking_plan.loader')\n"
        "    print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"tp {__version__}", "[]"]


def test_the_command_index_is_what_typer_registers() -> None:
    """`_index` (what the quick help lists) and `_commands.MODULES` (what a run registers) name
    the commands typer knows, with the help typer shows."""
    from tracking_plan.cli import _index, app
    from tracking_plan.cli._commands import MODULES

    commands = {c.name: c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    assert [*commands, *groups] == list(_index.COMMANDS) == list(MODULES)
    for name, command in commands.items():
        assert command.callback is not None
        first = (command.callback.__doc__ or "").strip().split("\n\n")[0]
        assert " ".join(first.split()) == _index.COMMANDS[name], name
    for name, group in groups.items():
        assert group.typer_instance is not None
        assert group.typer_instance.info.help == _index.COMMANDS[name]


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "--help"),
        ("--verbose", "rule", "TP101"),
        ("import", "--help"),
        ("captures", "check", "--help"),
        ("lnt", "plan.yaml"),
        ("-v", "--bogus", "lint"),
        ("libraries",),
    ],
)
def test_a_run_registers_its_command_alone_to_the_same_effect(args: tuple[str, ...]) -> None:
    """With only its command registered, a run says what it says with all of them (an unknown
    command or option gets all, for typer's "did you mean")."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
    outputs = []
    for mode in ("one", "all"):
        code = (
            "import sys\nmode, *args = sys.argv[1:]\nsys.argv = ['tp', *args]\n"
            "from tracking_plan.cli._commands import register, register_all, run\n"
            "register_all() if mode == 'all' else register(args)\nrun()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, mode, *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("rules",)])
def test_a_reader_that_goes_away_is_no_error(args: tuple[str, ...]) -> None:
    """`tp --help | head -1`: the quick answers exit 1 quietly, as typer's (click's) do."""
    from conftest import tp_executable

    process = subprocess.Popen(
        [tp_executable(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
