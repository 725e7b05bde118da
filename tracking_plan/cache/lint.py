"""Lint results, kept between runs: what linting one plan file with one configuration gave."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from .store import Cache, dependencies


@dataclass(frozen=True, slots=True)
class LintedPlan:
    """Loading's diagnostics, then the rules'; the files read (plan, includes and
    configuration); whether the plan loaded; and the configuration's `fail_on`."""

    diagnostics: list[Diagnostic]
    files: tuple[str, ...]
    loaded: bool
    fail_on: Severity


def lint_plan_file(
    path: Path,
    *,
    config_file: Path | None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    include_roots: Sequence[Path] = (),
    cache: Cache,
) -> LintedPlan:
    """Load and lint one plan, or take the result from the cache while the plan, its includes
    and the configuration files are unchanged. Raises `lint.config.ConfigError` for a
    configuration that cannot be used."""
    key = cache.key(
        "lint",
        os.getcwd(),
        str(path),
        str(config_file),
        tuple(select),
        tuple(ignore),
        tuple(map(str, include_roots)),
    )
    kept = cache.load(key)
    if isinstance(kept, LintedPlan):
        return kept
    from ..lint.config import load_config
    from ..lint.engine import lint_plan
    from .plans import read_plan
    from .tables import remembered_tables

    config = load_config(config_file, select=select, ignore=ignore)
    result = read_plan(path, include_roots=include_roots, cache=cache)
    diagnostics = list(result.diagnostics)
    files: tuple[str, ...] = config.files
    if result.plan is not None:
        with remembered_tables(cache, path, "lint"):  # the built-in libraries as plans
            diagnostics.extend(lint_plan(result.plan, config))
        files = (*result.plan.files, *config.files)
    linted = LintedPlan(diagnostics, files, result.plan is not None, config.fail_on)
    if linted.loaded:
        found = dependencies(files)
        if found is not None:
            cache.save(key, found, linted)
    return linted
