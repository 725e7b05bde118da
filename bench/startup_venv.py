"""The environment bench/startup.py measures in: a virtualenv of its own with tracking-plan
installed as a user has it, a regular wheel (not editable: an editable install's import finder
adds start-up time users do not have), and the peers.

On every run the working tree is copied (the files git tracks and the untracked ones it does not
ignore) to a temporary folder, built into a wheel there by the system `python3 -m pip wheel
--no-deps` (so no stale build/ folder of the tree ends up in it), and that wheel reinstalled
with `--force-reinstall --no-deps`: the current tree is what is measured. Its dependencies and
the peers (yamllint and check-jsonschema, the `bench` extra, and orjson for the jsonschema-rs
loop) are installed only when missing.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

EXTRA = "bench"  # pyproject.toml's extra of the peers: yamllint, check-jsonschema
PARSER = "orjson"  # the jsonschema-rs loop's
SHOWN = (
    "tracking-plan",
    "yamllint",
    "check-jsonschema",
    "jsonschema",
    "jsonschema-rs",
    "orjson",
    "msgspec",
    "typer",
    "rich",
    "ruamel.yaml",
    "PyYAML",
)
# Run in the venv from a folder outside the tree, so the tree's tracking_plan cannot shadow it.
WHERE_TP = """
import importlib.util, json, tracking_plan
print(json.dumps({
    "file": tracking_plan.__file__,
    "native": importlib.util.find_spec("tracking_plan.validate._scan") is not None,
}))
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Venv:
    path: Path

    def bin(self, name: str) -> str:
        return str(self.path / "bin" / name)

    @property
    def python(self) -> str:
        return self.bin("python")


def _run(command: list[str], cwd: Path | None = None) -> str:
    """Standard output of `command`; exits with its standard error when it fails."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"failed (exit {done.returncode}): {' '.join(command)}\n{tail}")
    return done.stdout


@functools.cache
def _system_python() -> str:
    """The interpreter `python3` on PATH runs (not a pyenv shim, say)."""
    python = shutil.which("python3")
    if python is None:
        raise SystemExit("no python3 on PATH to create the start-up venv and build the wheel")
    return _run([python, "-c", "import sys; print(sys.executable)"]).strip()


def _copy_tree(repo: Path, target: Path) -> None:
    listing = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], repo)
    for name in filter(None, listing.split("\0")):
        source = repo / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def build_wheel(repo: Path, folder: Path) -> Path:
    """A wheel of the working tree of `repo`, built from a copy of it in `folder`."""
    source, wheels = folder / "src", folder / "wheels"
    _copy_tree(repo, source)
    _run(
        [_system_python(), "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(wheels)]
    )
    found = sorted(wheels.glob("tracking_plan-*.whl"))
    if len(found) != 1:
        raise SystemExit(f"expected one tracking_plan wheel in {wheels}, found {found}")
    return found[0]


def _installed(pip_output: str) -> list[str]:
    for line in pip_output.splitlines():
        if line.startswith("Successfully installed "):
            return line.removeprefix("Successfully installed ").split()
    return []


def _normal(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _versions(venv: Venv) -> dict[str, str]:
    listing = json.loads(_run([venv.python, "-m", "pip", "list", "--format", "json"]))
    found = {_normal(item["name"]): item["version"] for item in listing}
    python = _run([venv.python, "-c", "import sys; print(sys.version.split()[0])"]).strip()
    return {"python": python} | {name: found.get(_normal(name), "missing") for name in SHOWN}


def _where_tp(venv: Venv) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as outside:
        where: dict[str, object] = json.loads(_run([venv.python, "-c", WHERE_TP], Path(outside)))
    if not str(where["file"]).startswith(str(venv.path.resolve())):
        raise SystemExit(f"tracking_plan in {venv.path} is imported from {where['file']}")
    return where


def ensure_venv(path: Path, repo: Path) -> Venv:
    """The start-up venv at `path`, created if missing, with the tree's tp reinstalled; prints
    what it installed and the versions."""
    venv = Venv(path)
    if not Path(venv.python).exists():
        print(f"creating {path} ...", flush=True)
        _run([_system_python(), "-m", "venv", str(path)])
    with tempfile.TemporaryDirectory(prefix="tp-wheel-") as folder:
        print("building a wheel of the working tree ...", flush=True)
        wheel = build_wheel(repo, Path(folder))
        pip = [venv.python, "-m", "pip", "install", "--disable-pip-version-check"]
        new = _installed(_run([*pip, f"{wheel}[{EXTRA}]", PARSER]))
        new += _installed(_run([*pip, "--force-reinstall", "--no-deps", str(wheel)]))
    where = _where_tp(venv)
    print(f"start-up venv: {path} (python from {_system_python()})")
    print(f"  installed now: {', '.join(new) or 'nothing'} (from {wheel.name}, not editable)")
    print(
        f"  tp imports from {where['file']}; native scanner: {'yes' if where['native'] else 'NO'}"
    )
    versions = _versions(venv)
    print("  versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()))
    return venv
