"""Every module of the package imports on its own. An import circle breaks only the import of the
module that enters it first, so each module is imported first, in a fresh interpreter."""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path

from conftest import REPO_ROOT

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


# Imports that run only when a function is called, and close a circle on purpose.
_LAZY_CIRCLES = {
    ("tracking_plan.codes.catalogue", "tracking_plan.lint.registry"): (
        "TP codes are documented in their rule modules, which build diagnostics with the "
        "catalogue: it loads the rules the first time a TP code is looked up"
    ),
}


def _module_files() -> dict[str, tuple[Path, bool]]:
    """Every module of the package by name: its source (a stub for the C extension) and
    whether it is a package."""
    found: dict[str, tuple[Path, bool]] = {}
    for folder, prefix in ((REPO_ROOT / "tracking_plan", ()), (REPO_ROOT / "rules", ("rules",))):
        for path in sorted(folder.rglob("*.py*")):
            if path.suffix not in (".py", ".pyi") or "golden" in path.parts:
                continue
            parts = [
                "tracking_plan",
                *prefix,
                *path.relative_to(folder).with_suffix("").parts,
            ]
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found.setdefault(".".join(parts), (path, is_package))
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports Python may run: at import time and inside functions, not those only for
    type checkers."""
    for node in ast.iter_child_nodes(tree):
        if _is_type_checking(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        else:
            yield from _imports(node)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the package its imports run. `from P import name` runs P's
    __init__ unless `name` is a submodule; every import runs the packages above its target,
    except those above the importer (they are under way already)."""
    modules = _module_files()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        own = name.split(".") if is_package else name.split(".")[:-1]
        ancestors = {".".join(own[:i]) for i in range(1, len(own) + 1)}
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    base = ".".join([*own[: len(own) - node.level + 1], *filter(None, [base])])
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.append(submodule if submodule in modules else base)
            for target in targets:
                parts = target.split(".")
                for i in range(len(parts), 0, -1):
                    above = ".".join(parts[:i])
                    if above in modules and above != name:
                        if i < len(parts) and above in ancestors:
                            continue
                        graph[name].add(above)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            part = []
            while True:
                member = stack.pop()
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = _import_graph()
    assert "tracking_plan.validate._scan" in graph and graph["tracking_plan.codegen.kotlin"]
    for (importer, imported), _reason in _LAZY_CIRCLES.items():
        graph[importer].discard(imported)
    circles = _circles(graph)
    assert not circles, "\n".join(
        " ".join(f"{m} -> {sorted(n for n in graph[m] if n in c)};" for m in c) for c in circles
    )


def test_every_package_is_in_the_wheel() -> None:
    """An editable install finds any folder; the wheel only the packages pyproject lists."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO_ROOT).parts)
        for init in (REPO_ROOT / "tracking_plan").rglob("__init__.py")
    } | {"tracking_plan.rules"}
    assert found == listed
