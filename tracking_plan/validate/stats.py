"""What a validation run counts: per definition, per finding, per name; mergeable across jobs.

Everything here is bounded by the plan's size, `max_samples` and the caps on distinct unplanned
names, never by the number of records, so memory stays flat however large the input.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..diagnostics import Severity
from .explain import Finding
from .inputs.har import HarSummary

MAX_DISTINCT_NAMES = 10_000
_INDEX = re.compile(r"/\d+(?=/|$)")


GroupKey = tuple[str, str, str, str]
"""(code, severity label, definition label, pointer with array indexes folded to `*`)."""


def group_key(code: str, severity: Severity, definition: str, pointer: str) -> GroupKey:
    return (code, severity.label, definition, _INDEX.sub("/*", pointer))


@dataclass(slots=True)
class Sample:
    file: str
    line: int | None
    message: str


@dataclass(slots=True)
class FindingGroup:
    """All findings of one code at one place (array indexes folded to `*`)."""

    code: str
    severity: Severity
    definition: str
    pointer: str
    example: Sample
    count: int = 0
    suggestion: str | None = None
    samples: list[Sample] = field(default_factory=list)


@dataclass(slots=True)
class DefinitionStats:
    records: int = 0
    invalid: int = 0
    warned: int = 0
    # Records whose payload was looked at, and how many of them lacked each planned property
    # (by its index in the definition).
    observed: int = 0
    missing: Counter[int] = field(default_factory=Counter)
    # (property, kind) counts.
    types: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Which planned properties were absent (True) in the records the fast path accepted, by
    # pattern: the engine folds these into the counts above when it finishes.
    presence_fast: Counter[tuple[bool, ...]] = field(default_factory=Counter)


@dataclass(slots=True)
class RunStats:
    records: int = 0
    invalid: int = 0
    problems: int = 0
    definitions: dict[str, DefinitionStats] = field(default_factory=dict)
    groups: dict[GroupKey, FindingGroup] = field(default_factory=dict)
    unplanned_events: Counter[str] = field(default_factory=Counter)
    unplanned_properties: Counter[tuple[str, str]] = field(default_factory=Counter)
    first_seen: dict[str, Sample] = field(default_factory=dict)
    # What each HAR capture held, by input name, from the one read of it.
    har: dict[str, HarSummary] = field(default_factory=dict)

    def definition(self, label: str) -> DefinitionStats:
        stats = self.definitions.get(label)
        if stats is None:
            stats = self.definitions[label] = DefinitionStats()
        return stats

    def add_finding(
        self,
        *,
        code: str,
        severity: Severity,
        definition: str,
        pointer: str,
        message: str,
        file: str,
        line: int | None,
        suggestion: str | None,
        max_samples: int,
    ) -> None:
        key = group_key(code, severity, definition, pointer)
        group = self.groups.get(key)
        sample = Sample(file, line, message)
        if group is None:
            group = self.groups[key] = FindingGroup(
                code=code,
                severity=severity,
                definition=definition,
                pointer=key[3],
                example=sample,
                suggestion=suggestion,
            )
        group.count += 1
        if len(group.samples) < max_samples:
            group.samples.append(sample)

    def add(
        self, finding: Finding, *, definition: str, file: str, line: int | None, max_samples: int
    ) -> None:
        """Count one finding of one record under its definition's label."""
        self.add_finding(
            code=finding.code,
            severity=finding.severity,
            definition=definition,
            pointer=finding.pointer,
            message=finding.message,
            file=file,
            line=line,
            suggestion=finding.suggestion,
            max_samples=max_samples,
        )

    def note_unplanned_event(self, name: str, file: str, line: int, count: int = 1) -> None:
        if name in self.unplanned_events or len(self.unplanned_events) < MAX_DISTINCT_NAMES:
            self.unplanned_events[name] += count
            self.first_seen.setdefault(f"event:{name}", Sample(file, line, ""))

    def note_unplanned_property(
        self, definition: str, path: str, file: str, line: int, count: int = 1
    ) -> None:
        key = (definition, path)
        if key in self.unplanned_properties or len(self.unplanned_properties) < MAX_DISTINCT_NAMES:
            self.unplanned_properties[key] += count
            self.first_seen.setdefault(f"property:{definition}:{path}", Sample(file, line, ""))

    def shift_lines(self, file: str, offset: int) -> None:
        """Add `offset` to the line numbers of this file's samples (statistics of a part of a
        file whose lines were numbered from the part's start)."""
        if not offset:
            return
        samples = [*self.first_seen.values()]
        for group in self.groups.values():
            samples.append(group.example)
            samples.extend(group.samples)
        for sample in {id(s): s for s in samples}.values():
            if sample.file == file and sample.line is not None:
                sample.line += offset

    def restricted(self, names: frozenset[str]) -> RunStats:
        """Only what concerns these definitions (events by name, `page Home`, `identify`)."""
        kept = RunStats(problems=self.problems)
        for name, stats in self.definitions.items():
            if name in names:
                kept.definitions[name] = stats
                kept.records += stats.records
                kept.invalid += stats.invalid
        kept.groups = {k: g for k, g in self.groups.items() if g.definition in names}
        kept.unplanned_properties = Counter(
            {k: c for k, c in self.unplanned_properties.items() if k[0] in names}
        )
        kept.unplanned_events = Counter(
            {k: c for k, c in self.unplanned_events.items() if k in names}
        )
        kept.first_seen = dict(self.first_seen)
        kept.har = dict(self.har)
        return kept

    def merge(self, other: RunStats, max_samples: int) -> None:
        self.records += other.records
        self.invalid += other.invalid
        self.problems += other.problems
        for label, theirs in other.definitions.items():
            mine = self.definition(label)
            mine.records += theirs.records
            mine.invalid += theirs.invalid
            mine.warned += theirs.warned
            mine.observed += theirs.observed
            mine.missing.update(theirs.missing)
            mine.presence_fast.update(theirs.presence_fast)
            mine.types.update(theirs.types)
        for key, group in other.groups.items():
            if key not in self.groups:
                self.groups[key] = group
                continue
            mine_group = self.groups[key]
            mine_group.count += group.count
            room = max_samples - len(mine_group.samples)
            mine_group.samples.extend(group.samples[:room])
        for name, count in other.unplanned_events.items():
            if name in self.unplanned_events or len(self.unplanned_events) < MAX_DISTINCT_NAMES:
                self.unplanned_events[name] += count
        for prop_key, count in other.unplanned_properties.items():
            known = prop_key in self.unplanned_properties
            if known or len(self.unplanned_properties) < MAX_DISTINCT_NAMES:
                self.unplanned_properties[prop_key] += count
        for seen_key, sample in other.first_seen.items():
            self.first_seen.setdefault(seen_key, sample)
        self.har.update(other.har)
