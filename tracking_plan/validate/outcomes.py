"""Reports of records by signature: the native scanner names what a record breaks, and every
record with the same signature gets the same findings, so the engine explains a signature in
full a few times (for its samples) and then only counts it."""

from __future__ import annotations

from dataclasses import dataclass

from .explain import Finding
from .stats import GroupKey, RunStats, group_key


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one record came to: its definition's label, validity, the groups of its findings,
    the unplanned names it noted for drift, and the (property, kind) counts it adds that the
    scanner does not count itself (unplanned properties, when the engine reads the payload)."""

    label: str
    valid: bool
    groups: tuple[GroupKey, ...]
    unplanned_events: tuple[str, ...]
    unplanned_properties: tuple[str, ...]  # pointers
    types: tuple[tuple[str, str], ...]

    @classmethod
    def of(
        cls,
        label: str,
        valid: bool,
        findings: list[Finding],
        name: str,
        types: tuple[tuple[str, str], ...],
    ) -> Outcome:
        return cls(
            label=label,
            valid=valid,
            groups=tuple(group_key(f.code, f.severity, label, f.pointer) for f in findings),
            unplanned_events=tuple(name for f in findings if f.code == "EV100"),
            unplanned_properties=tuple(f.pointer for f in findings if f.code in ("EV102", "EV113")),
            types=types,
        )

    def wants_samples(self, stats: RunStats, max_samples: int) -> bool:
        """Whether a group of these findings still lacks samples (or does not exist yet)."""
        groups = stats.groups
        for key in self.groups:
            group = groups.get(key)
            if group is None or len(group.samples) < max_samples:
                return True
        return self.label not in stats.definitions

    def replay(self, stats: RunStats, file: str, line: int, times: int = 1) -> None:
        """Count `times` more records with this outcome, as the engine's accounting would
        (`file` and `line` are where the first of them is)."""
        stats.records += times
        per = stats.definitions[self.label]
        per.records += times
        if not self.valid:
            stats.invalid += times
            per.invalid += times
        elif self.groups:
            per.warned += times
        groups = stats.groups
        for key in self.groups:
            groups[key].count += times
        for name in self.unplanned_events:
            stats.note_unplanned_event(name, file, line, times)
        for pointer in self.unplanned_properties:
            stats.note_unplanned_property(self.label, pointer, file, line, times)
        self.count_types(stats, times)

    def count_types(self, stats: RunStats, times: int = 1) -> None:
        if self.types:
            per = stats.definition(self.label)
            for key in self.types:
                per.types[key] += times
