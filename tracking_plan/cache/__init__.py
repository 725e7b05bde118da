"""What tp derives from a plan and keeps between runs: the loaded model, lint results and the
validator's pattern tables, in the user's cache folder (README "Cache").

An entry is found by what names its inputs (the plan's path, the working folder, the options)
and trusted only while the files it was derived from still hash to what they hashed to then
(`store`); the version of tp and, in a source checkout, its sources are part of every key
(`location`). Anything unexpected in an entry (a torn write, a stale format, a changed input)
makes tp ignore it and derive the result again. `--no-cache` or `TP_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

from .location import cache_directory
from .store import Cache, Dependency

__all__ = ["Cache", "Dependency", "cache_directory"]
