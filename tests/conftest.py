"""Shared helpers for the test suite: paths of the repository, plan writing and diagnostics.

Plans written by the tests go to `tmp_path`, and the tests that write them run with `tmp_path`
as the working directory, so diagnostics name files as the user typed them (`plan.yaml:3:5`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracking_plan import LoadResult, read_plan
from tracking_plan.diagnostics import Diagnostic, Severity
from tracking_plan.loader import load_plan
from tracking_plan.model import Plan

REPO_ROOT = Path(__file__).resolve().parent.parent
PLANS = REPO_ROOT / "plans"
BAD_PLANS = PLANS / "bad"
SHOP_PLAN = PLANS / "shop" / "plan.yaml"
SLACK_PLAN = PLANS / "slack-bot" / "plan.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
HOSTILE_CODEGEN_PLAN = Path(__file__).resolve().parent / "fixtures" / "codegen" / "hostile.yaml"
# The loader refuses a plan version that is not a plain version (TP002), but generated code must
# hold any text safely (a Plan can be built without the loader), so the codegen tests put this
# one on the loaded model.
HOSTILE_VERSION = '1.0.0-rc.1\nrequire("fs").writeFileSync("tp-pwned", "version") //'


# -- writing and loading plans -------------------------------------------------------------------

WritePlan = Callable[..., Path]


@pytest.fixture(scope="session", autouse=True)
def _private_tp_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterable[None]:
    """Every `tp` the tests run keeps its cache in a folder of this session, never in the
    user's (tests/test_cache.py points single tests at folders of their own)."""
    folder = tmp_path_factory.mktemp("tp-cache")
    folder.chmod(0o700)
    saved = os.environ.get("TP_CACHE_DIR")
    os.environ["TP_CACHE_DIR"] = str(folder)
    os.environ.pop("TP_NO_CACHE", None)
    yield
    if saved is None:
        os.environ.pop("TP_CACHE_DIR", None)
    else:
        os.environ["TP_CACHE_DIR"] = saved


@pytest.fixture
def plan_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_plan(plan_dir: Path) -> WritePlan:
    """Write dedented YAML to a file below `plan_dir`; returns the path relative to it.

    Write the text as `dedent_text('''\\` so that line 1 of the file is the first line of text.
    """

    def write(text: str, name: str = "plan.yaml") -> Path:
        path = Path(name)
        (plan_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (plan_dir / path).write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def load(path: str | Path) -> LoadResult:
    """`read_plan`, which must never raise."""
    return read_plan(path)


def errors(result: LoadResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity is Severity.ERROR]


def describe(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(f"  {d.location}: {d.code} {d.message}" for d in diagnostics) or "  (none)"


def find(
    result: LoadResult,
    code: str,
    line: int | None,
    column: int | None,
    *fragments: str,
    file: str | None = None,
) -> Diagnostic:
    """The diagnostic with this code at line:column whose message holds every fragment."""
    for diagnostic in result.diagnostics:
        loc = diagnostic.location
        if diagnostic.code != code or loc.line != line or loc.column != column:
            continue
        if file is not None and loc.file != file:
            continue
        if all(f in diagnostic.message for f in fragments):
            return diagnostic
    where = f"{file or '*'}:{line}:{column}"
    pytest.fail(
        f"no {code} at {where} mentioning {fragments!r}; got:\n{describe(result.diagnostics)}"
    )


def assert_clean(result: LoadResult) -> None:
    assert result.plan is not None, f"plan did not load:\n{describe(result.diagnostics)}"
    assert not result.diagnostics, f"unexpected diagnostics:\n{describe(result.diagnostics)}"


# -- the console script --------------------------------------------------------------------------


def tp_executable() -> str:
    """The `tp` console script of the interpreter running the tests (the project's venv)."""
    candidate = Path(sys.executable).parent / "tp"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("tp")
    if found is None:
        pytest.skip("the tp console script is not installed")
    return found


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_tp(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> Run:
    """Run `tp ARGS...` as a user would: stdin is not a terminal, output is wide and plain;
    `env` adds to the environment."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
    env.pop("FORCE_COLOR", None)
    completed = subprocess.run(
        [tp_executable(), *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="session")
def tp() -> Callable[..., Run]:
    tp_executable()
    return run_tp


def npm_packages(cache: Path, packages: dict[str, str], timeout: float = 600) -> Path:
    """`node_modules` with these pinned npm packages, installed once into `cache` (under
    .cache/, ignored by git). Installs next to the cache and moves it in place, so a concurrent
    run never sees half an install. Fails the test when npm cannot install them; callers check
    that npm exists first."""
    if not _npm_installed(cache, packages):
        npm = shutil.which("npm")
        assert npm is not None, "check for npm before asking for packages"
        staging = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        pinned = [f"{name}@{version}" for name, version in packages.items()]
        installed = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", *pinned],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if installed.returncode != 0:
            pytest.fail(f"npm install failed:\n{installed.stdout}{installed.stderr}")
        shutil.rmtree(cache, ignore_errors=True)
        try:
            staging.rename(cache)
        except OSError:  # another run won the race: keep its install
            shutil.rmtree(staging, ignore_errors=True)
    assert _npm_installed(cache, packages)
    return cache / "node_modules"


def _npm_installed(folder: Path, packages: dict[str, str]) -> bool:
    for name, version in packages.items():
        manifest = folder / "node_modules" / name / "package.json"
        if not manifest.is_file():
            return False
        if json.loads(manifest.read_text(encoding="utf-8")).get("version") != version:
            return False
    return True


def load_codegen_plan(path: str | Path) -> Plan:
    """`load_plan`, with the hostile version on the hostile codegen plan."""
    plan = load_plan(path)
    if Path(path).resolve() == HOSTILE_CODEGEN_PLAN:
        plan = dataclasses.replace(plan, version=HOSTILE_VERSION)
    return plan


EXAMPLES_SCALE = float(os.environ.get("TP_EXAMPLES_SCALE", "1"))
"""How much of its usual number of generated examples each property-based test runs:
`.ci/run` runs a tenth of them on the extra Python versions (the default Python runs all)."""


def scaled(examples: int) -> int:
    """`examples` times TP_EXAMPLES_SCALE, at least 1."""
    return max(1, round(examples * EXAMPLES_SCALE))
