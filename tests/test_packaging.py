"""The wheel holds every module and data file of the source tree: `make test` runs from an
editable install, which would hide a sub-package missing from pyproject.toml's package list."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO_ROOT


def test_the_wheel_holds_every_module_and_data_file(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy without build/, whose leftovers a build would take
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO_ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path, source],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("tracking_plan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO_ROOT / "tracking_plan"
    expected = {
        f"tracking_plan/{path.relative_to(package).as_posix()}"
        for pattern in ("**/*.py", "**/*.yaml", "codegen/runtime/*", "py.typed")
        for path in package.glob(pattern)
    }
    expected |= {
        f"tracking_plan/rules/{path.relative_to(REPO_ROOT / 'rules').as_posix()}"
        for pattern in ("*.py", "presets/*.yaml")
        for path in (REPO_ROOT / "rules").glob(pattern)
    }
    assert sorted(expected - names) == []
