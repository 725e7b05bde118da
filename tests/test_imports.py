"""Every module of the package imports on its own. An import circle breaks only the import of the
module that enters it first, so each module is imported first, in a fresh interpreter."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

# The folder rules/ is installed as tracking_plan.rules (pyproject's package-dir), so an editable
# install does not find it by walking tracking_plan/.
_ROOTS = ("tracking_plan", "tracking_plan.rules")
# Importing it runs the command line.
_NOT_IMPORTABLE = {"tracking_plan.__main__"}


def _modules() -> list[str]:
    names = set(_ROOTS)
    for root in _ROOTS:
        for module in pkgutil.walk_packages(import_module(root).__path__, f"{root}."):
            names.add(module.name)
    return sorted(names - _NOT_IMPORTABLE)


def _import_alone(module: str) -> str | None:
    """None when `module` imports in a fresh interpreter, else the end of its traceback."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        return None
    return "\n".join(result.stderr.splitlines()[-4:])


def test_walk_finds_the_rules_and_the_subpackages() -> None:
    modules = _modules()
    assert "tracking_plan.rules.tp001_yaml_syntax" in modules
    assert "tracking_plan.lint.registry" in modules
    assert "tracking_plan.validate.engine" in modules


def test_every_module_imports_on_its_own() -> None:
    modules = _modules()
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        errors = dict(zip(modules, pool.map(_import_alone, modules), strict=True))
    failed = {module: error for module, error in errors.items() if error is not None}
    assert not failed, "\n\n".join(f"import {module}:\n{error}" for module, error in failed.items())
