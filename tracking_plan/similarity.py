"""Find names a typo apart among thousands without comparing every pair.

Blocking by deletion neighbourhoods (as SymSpell does): two strings within one edit
(insertion, deletion, substitution or adjacent transposition) share at least one string
obtained by deleting at most one character from each. Candidates that share a key are then
checked with rapidfuzz's optimal-string-alignment distance. Cost is linear in the number of
names times their length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rapidfuzz.distance import OSA

MIN_LENGTH = 5
"""Shorter keys are too easily a typo apart (`sku` / `sky`) to be worth reporting."""


def _deletions(key: str) -> set[str]:
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}


class NeighbourIndex:
    """An index of keys (already normalised, e.g. with `naming.squash`) for one-edit lookups."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._buckets: dict[str, set[str]] = defaultdict(set)
        self._keys: set[str] = set()
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        if key in self._keys or len(key) < MIN_LENGTH:
            return
        self._keys.add(key)
        for deletion in _deletions(key):
            self._buckets[deletion].add(key)

    def near(self, key: str) -> set[str]:
        """Indexed keys exactly one edit away from `key` (never `key` itself)."""
        if len(key) < MIN_LENGTH:
            return set()
        candidates: set[str] = set()
        for deletion in _deletions(key):
            candidates.update(self._buckets.get(deletion, ()))
        candidates.discard(key)
        return {c for c in candidates if OSA.distance(key, c, score_cutoff=1) == 1}

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every unordered pair of indexed keys one edit apart, each once, in sorted order."""
        found: set[tuple[str, str]] = set()
        for bucket in self._buckets.values():
            if len(bucket) < 2:
                continue
            members = sorted(bucket)
            for i, key in enumerate(members):
                for other in members[i + 1 :]:
                    if (key, other) not in found and OSA.distance(key, other, score_cutoff=1) == 1:
                        found.add((key, other))
        yield from sorted(found)
