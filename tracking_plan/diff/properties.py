"""The changes between two versions of one property (a property, trait or context field, at
any depth: nested objects and array items included)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Policy, Property
from .change import Change
from .impact import CHANGES, LOOSENS, NARROWS, SAFE, WIDENS, Impact, Impacts

# the kinds of JSON value a type admits; "number" admits integers and other numbers
_KINDS = {
    "string": {"string"},
    "integer": {"integer"},
    "number": {"integer", "fraction"},
    "boolean": {"boolean"},
    "object": {"object"},
    "array": {"array"},
    "null": {"null"},
}
_ANY = frozenset().union(*_KINDS.values())


@dataclass(frozen=True, slots=True)
class Where:
    """The definition a property belongs to, its path there, and the unplanned-property policy
    of the object that holds it in the old plan (`was`: what an old event may have sent under
    a key the new plan adds) and in the new one (`now`: what meets a key it removes)."""

    definition: str
    path: str
    was: Policy
    now: Policy

    def at(self, name: str) -> Where:
        return Where(self.definition, _join(self.path, name), self.was, self.now)

    def inside(self, path: str, old: Property, new: Property) -> Where:
        """Where the children of `old`/`new` (at `path`) are: held by them."""
        return Where(self.definition, path, old.unplanned_properties, new.unplanned_properties)


def property_changes(old: Property, new: Property, where: Where) -> Iterator[Change]:
    """Every change from `old` to `new` (the same property), then those of its children."""
    yield from _types(old, new, where)
    yield from _enum(old, new, where)
    yield from _pattern(old, new, where)
    yield from _formats(old, new, where)
    yield from _bounds("length", _length_bounds(old), _length_bounds(new), old, new, where)
    yield from _bounds("range", _range_bounds(old), _range_bounds(new), old, new, where)
    yield from _policy(old.unplanned_properties, new.unplanned_properties, old, new, where)
    if (old.description, old.examples) != (new.description, new.examples):
        yield _change("documentation-changed", where, SAFE, "description or examples", new)
    yield from children_changes(old.properties, new.properties, where.inside(where.path, old, new))
    if old.items is not None and new.items is not None:
        # the items inherit from the array's holder, as the array does
        items = Where(where.definition, f"{where.path}/items", where.was, where.now)
        yield from property_changes(old.items, new.items, items)


def children_changes(
    old: tuple[Property, ...], new: tuple[Property, ...], holder: Where
) -> Iterator[Change]:
    """The properties added, removed, made required or optional among `old` and `new` (the
    children of one object, described by `holder`), then the changes of those in both."""
    before = {p.name: p for p in old}
    after = {p.name: p for p in new}
    renamed = renames(
        [p for n, p in before.items() if n not in after],
        [p for n, p in after.items() if n not in before],
    )
    renamed_from = {new_prop.name: old_prop for old_prop, new_prop in renamed}
    for name, prop in after.items():
        where = holder.at(name)
        was = before.get(name) or renamed_from.get(name)
        if was is None:
            yield _added(prop, where)
            continue
        if was.name != name:
            yield _renamed(was, prop, where, holder)
        if prop.required and not was.required:
            yield _change("property-made-required", where, NARROWS, "now required", prop)
        elif was.required and not prop.required:
            impacts = Impacts(Impact.SAFE, Impact.RISKY)
            yield _change("property-made-optional", where, impacts, "now optional", prop)
        yield from property_changes(was, prop, where)
    gone = {old_prop.name for old_prop, _ in renamed}
    for name, prop in before.items():
        if name not in after and name not in gone:
            yield _removed(prop, holder.at(name))


def renames(removed: list[Property], added: list[Property]) -> list[tuple[Property, Property]]:
    """Pairs (old, new) of a removed and an added property of one object whose names are close
    once squashed (`total`/`Total`, `order_total`/`orderTotal`, a typo) and whose types admit
    the same values: one rename, not a removal and an addition."""
    if not removed or not added:
        return []
    from rapidfuzz.distance import Levenshtein

    from ..naming import squash

    pairs: list[tuple[Property, Property]] = []
    taken: set[int] = set()
    for old in removed:
        for index, new in enumerate(added):
            close = Levenshtein.distance(squash(old.name), squash(new.name)) <= _RENAME_DISTANCE
            if index not in taken and close and _admitted(old) == _admitted(new):
                taken.add(index)
                pairs.append((old, new))
                break
    return pairs


_RENAME_DISTANCE = 2


def _renamed(old: Property, new: Property, where: Where, holder: Where) -> Change:
    """The old key is now unplanned for old events, and gone for its readers."""
    removal = _removed(old, holder.at(old.name))
    impacts = Impacts(removal.impacts.producers, Impact.BREAKING)
    message = f"renamed from {old.name!r}"
    return Change(
        "property-renamed",
        where.definition,
        where.path,
        impacts,
        message,
        old.name,
        new.name,
        new.location,
    )


def _added(prop: Property, where: Where) -> Change:
    if prop.required:
        return _change("property-added-required", where, NARROWS, "added, required", prop)
    # an old event may have sent this key, with any value, where its object allowed that
    risky = where.was is not Policy.FORBID and (prop.types or prop.enum is not None)
    impacts = Impacts(Impact.RISKY if risky else Impact.SAFE, Impact.SAFE)
    return _change("property-added-optional", where, impacts, "added, optional", prop)


def _removed(prop: Property, where: Where) -> Change:
    """An old event that sends the property meets the new plan's policy for unplanned keys;
    a reader loses the column either way."""
    producers = {
        Policy.FORBID: Impact.BREAKING,
        Policy.WARN: Impact.RISKY,
        Policy.ALLOW: Impact.SAFE,
    }[where.now]
    impacts = Impacts(producers, Impact.BREAKING)
    return Change(
        "property-removed",
        where.definition,
        where.path,
        impacts,
        "removed",
        None,
        None,
        prop.location,
    )


def _types(old: Property, new: Property, where: Where) -> Iterator[Change]:
    before, after = _admitted(old), _admitted(new)
    if before == after:
        return
    if after < before:
        yield _change("type-narrowed", where, NARROWS, _was(old.types, new.types), new)
    elif after > before:
        yield _change("type-widened", where, WIDENS, _was(old.types, new.types), new)
    else:
        yield _change("type-changed", where, CHANGES, _was(old.types, new.types), new)


def _admitted(prop: Property) -> frozenset[str]:
    """The kinds of value the property's types admit, null left to `nullable`."""
    if not prop.types:
        return _ANY - {"null"}
    return frozenset().union(*(_KINDS.get(t, {t}) for t in prop.types)) - {"null"}


def _nullable(prop: Property) -> bool:
    return prop.nullable or "null" in prop.types


def _enum(old: Property, new: Property, where: Where) -> Iterator[Change]:
    if _nullable(old) != _nullable(new):
        if _nullable(new):
            impacts = Impacts(Impact.SAFE, Impact.RISKY)
            yield _change("nullable-added", where, impacts, "null allowed", new)
        else:
            yield _change("nullable-removed", where, NARROWS, "null refused", new)
    if old.enum == new.enum:
        return
    if old.enum is None or new.enum is None:
        kind = "enum-added" if new.enum is not None else "enum-removed"
        impacts = NARROWS if new.enum is not None else LOOSENS
        yield _change(kind, where, impacts, _was(old.enum, new.enum), new)
        return
    before, after = {_value_key(v) for v in old.enum}, {_value_key(v) for v in new.enum}
    added = [v for v in new.enum if _value_key(v) not in before]
    removed = [v for v in old.enum if _value_key(v) not in after]
    if added:
        message = f"enum values added: {', '.join(map(repr, added))}"
        yield _change("enum-value-added", where, LOOSENS, message, new, old.enum, new.enum)
    if removed:
        message = f"enum values removed: {', '.join(map(repr, removed))}"
        yield _change("enum-value-removed", where, NARROWS, message, new, old.enum, new.enum)


def _value_key(value: Any) -> tuple[str, Any]:
    """Enum values as JSON tells them apart: `1`, `1.0` and `true` are three values."""
    return type(value).__name__, value


def _pattern(old: Property, new: Property, where: Where) -> Iterator[Change]:
    if old.pattern == new.pattern:
        return
    if old.pattern is None:
        yield _change("pattern-tightened", where, NARROWS, f"pattern {new.pattern!r}", new)
    elif new.pattern is None:
        yield _change("pattern-loosened", where, LOOSENS, f"no pattern (was {old.pattern!r})", new)
    else:
        message = f"pattern {new.pattern!r} (was {old.pattern!r})"
        yield _change("pattern-changed", where, CHANGES, message, new, old.pattern, new.pattern)


def _formats(old: Property, new: Property, where: Where) -> Iterator[Change]:
    """A string must have one of the formats given; none given: any string."""
    before, after = set(old.formats), set(new.formats)
    if before == after:
        return
    message = _was(old.formats, new.formats)
    if not before or (after and after < before):
        yield _change("format-tightened", where, NARROWS, message, new, old.formats, new.formats)
    elif not after or after > before:
        yield _change("format-loosened", where, LOOSENS, message, new, old.formats, new.formats)
    else:
        yield _change("format-changed", where, CHANGES, message, new, old.formats, new.formats)


# A bound: (value, exclusive), None when there is none. Lower bounds first, then upper ones.
Bound = tuple[float, bool] | None


def _length_bounds(prop: Property) -> tuple[list[Bound], list[Bound]]:
    lower: list[Bound] = [_inclusive(prop.min_length), _inclusive(prop.min_items)]
    upper: list[Bound] = [_inclusive(prop.max_length), _inclusive(prop.max_items)]
    lower.append((1.0, False) if prop.unique_items else None)  # unique items: a constraint
    return lower, upper


def _range_bounds(prop: Property) -> tuple[list[Bound], list[Bound]]:
    lower = _strictest([_inclusive(prop.minimum), _exclusive(prop.exclusive_minimum)], 1)
    upper = _strictest([_inclusive(prop.maximum), _exclusive(prop.exclusive_maximum)], -1)
    return [lower], [upper]


def _inclusive(value: float | None) -> Bound:
    return None if value is None else (float(value), False)


def _exclusive(value: float | None) -> Bound:
    return None if value is None else (float(value), True)


def _strictest(bounds: list[Bound], direction: int) -> Bound:
    given = [b for b in bounds if b is not None]
    if not given:
        return None
    return max(given, key=lambda b: (direction * b[0], b[1]))


def _bounds(
    name: str,
    before: tuple[list[Bound], list[Bound]],
    after: tuple[list[Bound], list[Bound]],
    old: Property,
    new: Property,
    where: Where,
) -> Iterator[Change]:
    tighter = looser = False
    for direction, olds, news in ((1, before[0], after[0]), (-1, before[1], after[1])):
        for was, now in zip(olds, news, strict=True):
            step = _compare(was, now, direction)
            tighter |= step > 0
            looser |= step < 0
    if name == "range" and old.multiple_of != new.multiple_of:
        step = _compare_multiple(old.multiple_of, new.multiple_of)
        tighter |= step >= 0
        looser |= step <= 0
    if not (tighter or looser):
        return
    if tighter and looser:
        yield _change(f"{name}-changed", where, CHANGES, f"{name} changed", new)
    elif tighter:
        yield _change(f"{name}-tightened", where, NARROWS, f"{name} tightened", new)
    else:
        yield _change(f"{name}-loosened", where, LOOSENS, f"{name} loosened", new)


def _compare(was: Bound, now: Bound, direction: int) -> int:
    """1: `now` is stricter than `was` (a bound of `direction`: 1 lower, -1 upper); -1 looser;
    0 the same."""
    if was == now:
        return 0
    if was is None:
        return 1
    if now is None:
        return -1
    if was[0] != now[0]:
        return 1 if direction * (now[0] - was[0]) > 0 else -1
    return 1 if now[1] else -1  # the same value, exclusive on one side only


def _compare_multiple(was: float | None, now: float | None) -> int:
    """1: every multiple of `now` is one of `was` (stricter); -1 the reverse; 0 neither."""
    if was is None:
        return 1
    if now is None:
        return -1
    if (now / was).is_integer():
        return 1
    if (was / now).is_integer():
        return -1
    return 0


def _policy(
    was: Policy, now: Policy, old: Property, new: Property, where: Where
) -> Iterator[Change]:
    if not (old.is_object or new.is_object) or (was is Policy.FORBID) == (now is Policy.FORBID):
        return
    if (was, now) == (where.was, where.now):
        return  # inherited from the object that holds it, which reports the change
    if now is Policy.FORBID:
        yield _change("unplanned-properties-closed", where, NARROWS, f"{was} -> {now}", new)
    else:
        yield _change("unplanned-properties-opened", where, LOOSENS, f"{was} -> {now}", new)


def _change(
    kind: str,
    where: Where,
    impacts: Impacts,
    message: str,
    new: Property,
    old_value: Any = None,
    new_value: Any = None,
) -> Change:
    return Change(
        kind, where.definition, where.path, impacts, message, old_value, new_value, new.location
    )


def _was(old: Any, new: Any) -> str:
    return f"{_shown(new)} (was {_shown(old)})"


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, tuple):
        return " or ".join(map(str, value))
    return repr(value)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name
