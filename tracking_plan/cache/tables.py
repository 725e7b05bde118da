"""The validator's derived tables, kept between runs (see `tracking_plan.memo`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .. import memo
from .store import Cache


@contextlib.contextmanager
def remembered_tables(cache: Cache, plan_path: str | Path, command: str) -> Iterator[None]:
    """Give what runs inside the tables an earlier run of `command` with this plan worked out,
    and keep what it used when it had to work something out. The tables are pure functions
    of their keys' text, so an entry needs no dependencies: a plan edited since finds its
    unchanged patterns and enums and works out only the new ones."""
    key = cache.key("tables", command, os.getcwd(), str(plan_path))
    kept = cache.load(key)
    if isinstance(kept, dict):
        memo.learn(kept)
    try:
        yield
    finally:  # what was worked out is right even when the run failed or was interrupted
        if memo.derived():
            cache.save(key, (), memo.used())
