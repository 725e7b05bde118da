"""Compare two resolved plans (after includes and libraries): definitions added, removed,
renamed, deprecated, their documentation, and every property change (`properties`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import CallType, Definition, Plan, Policy
from ..naming import squash
from .change import Change, definition_label
from .impact import NARROWS, SAFE, Impact, Impacts
from .properties import Where, children_changes

Key = tuple[CallType, str]

# how a rename is told from a removal and an addition: names this close once squashed
# (case, separators and word order aside) and this many property names in common
_RENAME_DISTANCE = 2
_RENAME_OVERLAP = 0.5


def diff_plans(old: Plan, new: Plan) -> list[Change]:
    """Every change from `old` to `new`, definitions in the new plan's order, removed ones
    last."""
    before = {_key(d): d for d in old.definitions()}
    after = {_key(d): d for d in new.definitions()}
    renamed = _renames(
        [d for k, d in before.items() if k not in after],
        [d for k, d in after.items() if k not in before],
    )
    renamed_to = {_key(n): o for o, n in renamed}
    changes: list[Change] = []
    if (old.unplanned_events is Policy.FORBID) != (new.unplanned_events is Policy.FORBID):
        changes.append(_events_policy(old.unplanned_events, new.unplanned_events))
    for key, definition in after.items():
        was = before.get(key) or renamed_to.get(key)
        if was is None:
            changes.append(_definition_change("definition-added", definition, SAFE, "added"))
            continue
        if was is not before.get(key):
            changes.append(_renamed(was, definition, new.unplanned_events))
        changes.extend(definition_changes(was, definition))
    gone = {_key(o) for o, _ in renamed}
    for key, definition in before.items():
        if key not in after and key not in gone:
            changes.append(_removed(definition, new.unplanned_events))
    return changes


def definition_changes(old: Definition, new: Definition) -> Iterator[Change]:
    """The changes within one definition: status, documentation, unplanned properties, then
    its properties and context fields."""
    label = definition_label(new)
    if old.deprecated != new.deprecated:
        kind = "definition-deprecated" if new.deprecated else "definition-undeprecated"
        yield _definition_change(kind, new, SAFE, kind.rsplit("-", 1)[1])
    if (old.description, old.owner) != (new.description, new.owner):
        yield _definition_change("documentation-changed", new, SAFE, "description or owner")
    was, now = old.unplanned_properties, new.unplanned_properties
    if (was is Policy.FORBID) != (now is Policy.FORBID):
        kind = (
            "unplanned-properties-closed" if now is Policy.FORBID else "unplanned-properties-opened"
        )
        impacts = NARROWS if now is Policy.FORBID else Impacts(Impact.SAFE, Impact.RISKY)
        yield _definition_change(kind, new, impacts, f"unplanned properties: {was} -> {now}")
    yield from children_changes(old.properties, new.properties, Where(label, "", was, now))
    context = Where(label, "context", Policy.ALLOW, Policy.ALLOW)
    yield from children_changes(old.context, new.context, context)


def _renames(
    removed: list[Definition], added: list[Definition]
) -> list[tuple[Definition, Definition]]:
    """Pairs (old, new) of a removed and an added definition of the same call whose names are
    close and whose properties mostly agree: one rename, not a removal and an addition."""
    from rapidfuzz.distance import Levenshtein

    pairs: list[tuple[Definition, Definition]] = []
    taken: set[int] = set()
    for old in removed:
        best: tuple[float, int] | None = None
        for index, new in enumerate(added):
            if index in taken or new.call is not old.call:
                continue
            distance = Levenshtein.distance(squash(old.name), squash(new.name))
            overlap = _overlap(old, new)
            if distance <= _RENAME_DISTANCE and overlap >= _RENAME_OVERLAP:
                score = overlap - distance / 10
                if best is None or score > best[0]:
                    best = (score, index)
        if best is not None:
            taken.add(best[1])
            pairs.append((old, added[best[1]]))
    return pairs


def _overlap(old: Definition, new: Definition) -> float:
    before, after = {p.name for p in old.properties}, {p.name for p in new.properties}
    if not before and not after:
        return 1.0
    return len(before & after) / len(before | after)


def _removed(definition: Definition, policy: Policy) -> Change:
    """What was sent under the name is now unplanned; worse when it was never deprecated
    (nobody was told to stop sending it)."""
    producers = {
        Policy.FORBID: Impact.BREAKING,
        Policy.WARN: Impact.RISKY,
        Policy.ALLOW: Impact.SAFE,
    }[policy]
    if definition.deprecated:
        return _definition_change(
            "deprecated-definition-removed",
            definition,
            Impacts(producers, Impact.RISKY),
            "removed after its deprecation",
        )
    return _definition_change(
        "definition-removed",
        definition,
        Impacts(producers, Impact.BREAKING),
        "removed without being deprecated first",
    )


def _renamed(old: Definition, new: Definition, policy: Policy) -> Change:
    removal = _removed(old, policy)
    impacts = Impacts(removal.impacts.producers, Impact.BREAKING)
    message = f"renamed from {old.name!r}"
    return Change(
        "definition-renamed",
        definition_label(new),
        "",
        impacts,
        message,
        old.name,
        new.name,
        new.location,
    )


def _events_policy(was: Policy, now: Policy) -> Change:
    kind = "unplanned-events-closed" if now is Policy.FORBID else "unplanned-events-opened"
    impacts = NARROWS if now is Policy.FORBID else Impacts(Impact.SAFE, Impact.RISKY)
    return Change(kind, "", "", impacts, f"unplanned events: {was} -> {now}", was, now)


def _definition_change(kind: str, definition: Definition, impacts: Impacts, message: str) -> Change:
    return Change(
        kind, definition_label(definition), "", impacts, message, location=definition.location
    )


def _key(definition: Definition) -> Key:
    return definition.call, definition.name
