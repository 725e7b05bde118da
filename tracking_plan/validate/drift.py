"""Drift across a whole input: what single records cannot show (DR3xx)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..codes import diagnostic
from ..diagnostics import Diagnostic, Location
from ..model import CallType, Plan, Property
from ..naming import squash, word_key
from .engine import label
from .stats import RunStats

MIN_RECORDS = 10
"""Below this many records of a definition, shares say little; no DR300/DR301 for it."""


def drift_diagnostics(plan: Plan, stats: RunStats) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for definition in plan.definitions():
        name = label(definition, definition.call.value, definition.name)
        per = stats.definitions.get(name)
        if per is None:
            if definition.call is CallType.TRACK:
                found.append(
                    diagnostic(
                        "DR304",
                        f"planned event {definition.name!r} never appears in the input",
                        location=definition.location,
                        data={"definition": name},
                    )
                )
            continue
        if per.records < MIN_RECORDS:
            continue
        found.extend(_sometimes_missing(definition.properties, name, per.observed, per.missing))
        found.extend(_inconsistent_types(name, per.types, definition.location))
    found.extend(_name_drift(plan, stats))
    found.extend(_property_drift(plan, stats))
    return found


def _sometimes_missing(
    props: tuple[Property, ...], name: str, total: int, missing: Counter[int]
) -> Iterator[Diagnostic]:
    for index, prop in enumerate(props):
        absent = missing[index]
        present = total - absent
        if total and absent > 0 and present / total >= 0.5:
            share = absent / total
            yield diagnostic(
                "DR300",
                f"{prop.name!r} of {name!r} is missing in {share:.1%} of {total:,} records",
                location=prop.location,
                data={
                    "definition": name,
                    "property": prop.name,
                    "missing_share": round(share, 4),
                    "records": total,
                },
            )


def _inconsistent_types(
    name: str, types: Counter[tuple[str, str]], location: Location
) -> Iterator[Diagnostic]:
    by_property: dict[str, dict[str, int]] = {}
    for (prop, kind), count in types.items():
        if count:
            by_property.setdefault(prop, {})[kind] = by_property.get(prop, {}).get(kind, 0) + count
    for prop, kinds in sorted(by_property.items()):
        if len(kinds) < 2:
            continue
        total = sum(kinds.values())
        shares = ", ".join(
            f"{kind} {count / total:.1%}"
            for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1])
        )
        yield diagnostic(
            "DR301",
            f"{prop!r} of {name!r} arrives with several types: {shares}",
            location=location,
            data={
                "definition": name,
                "property": prop,
                "types": {k: round(v / total, 4) for k, v in kinds.items()},
            },
        )


def _name_drift(plan: Plan, stats: RunStats) -> list[Diagnostic]:
    if not stats.unplanned_events:
        return []
    from ..similarity import NeighbourIndex  # rapidfuzz: only when there is a name to match

    planned = [e.name for e in plan.events]
    by_squash = {squash(n): n for n in planned}
    by_words = {word_key(n): n for n in planned}
    index = NeighbourIndex(by_squash)
    found = []
    for name, count in stats.unplanned_events.most_common():
        key = squash(name)
        match = by_squash.get(key) or by_words.get(word_key(name))
        if match is None:
            near = sorted(index.near(key))
            match = by_squash[near[0]] if near else None
        if match is None or match == name:
            continue
        sample = stats.first_seen.get(f"event:{name}")
        found.append(
            diagnostic(
                "DR305",
                f"{_records(count)} {name!r}, which looks like the planned {match!r}",
                location=Location(file=sample.file, line=sample.line) if sample else Location(),
                suggestion=match,
                data={"observed": name, "planned": match, "records": count},
            )
        )
    return found


def _property_drift(plan: Plan, stats: RunStats) -> list[Diagnostic]:
    definitions = {label(d, d.call.value, d.name): d for d in plan.definitions()}
    found = []
    for (name, pointer), count in stats.unplanned_properties.most_common():
        definition = definitions.get(name)
        observed = pointer.rsplit("/", 1)[-1]
        if definition is None or pointer.count("/") != 2:
            continue
        planned = [p.name for p in definition.properties]
        by_squash = {squash(p): p for p in planned}
        match = by_squash.get(squash(observed))
        if match is None:
            from ..similarity import NeighbourIndex

            near = sorted(NeighbourIndex(by_squash).near(squash(observed)))
            match = by_squash[near[0]] if near else None
        if match is None:
            continue
        sample = stats.first_seen.get(f"property:{name}:{pointer}")
        found.append(
            diagnostic(
                "DR306",
                f"{_records(count, name)} {observed!r}, which looks like the planned {match!r}",
                location=Location(file=sample.file, line=sample.line, pointer=pointer)
                if sample
                else Location(pointer=pointer),
                suggestion=match,
                data={"definition": name, "observed": observed, "planned": match, "records": count},
            )
        )
    return found


def _records(count: int, kind: str | None = None) -> str:
    """`3 records send`, `1 'Order Completed' record sends`."""
    noun = "record sends" if count == 1 else "records send"
    return f"{count:,} {kind!r} {noun}" if kind else f"{count:,} {noun}"
