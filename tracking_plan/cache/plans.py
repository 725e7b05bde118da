"""Loaded plans, kept between runs: `read_plan` with a cache in front of it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..loader.result import LoadResult
from .store import Cache, dependencies


def read_plan(
    path: str | Path, *, include_roots: Sequence[str | Path] = (), cache: Cache
) -> LoadResult:
    """What `loader.read_plan` gives, from the cache while the plan and every file it includes
    are unchanged. Only plans that load are kept: a plan with errors is read again, so that the
    file a missing include names is looked for again."""
    key = plan_key(cache, path, include_roots)
    kept = cache.load(key)
    if isinstance(kept, LoadResult):
        return kept
    from ..loader import read_plan as read_plan_files

    result = read_plan_files(path, include_roots=include_roots)
    if result.plan is not None:
        found = dependencies(result.plan.files)
        if found is not None:
            cache.save(key, found, result)
    return result


def plan_key(cache: Cache, path: str | Path, include_roots: Sequence[str | Path]) -> str:
    """The entry of a plan read from here: messages quote paths as given, relative to the
    working folder."""
    return cache.key("plan", os.getcwd(), str(path), tuple(map(str, include_roots)))
