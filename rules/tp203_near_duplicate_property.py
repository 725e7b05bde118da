"""TP203 near-duplicate-property."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, payload_properties
from tracking_plan.model import Definition, Plan, Property
from tracking_plan.naming import follows, looks_like_typo, squash, words
from tracking_plan.similarity import NeighbourIndex


class NearDuplicateProperty(Rule):
    """Two property names differ only in case, separators or a typo.

    ## What it does
    Collects the names of every property and trait in the plan, nested ones included, and
    compares the distinct names: those equal once case and separators are squashed out
    (`order_id`, `orderId`, `OrderID`) and those one typo apart (`product_id` /
    `prodcut_id`: a letter added, dropped, swapped with its neighbour, or replaced by a
    neighbouring key) are one property spelled two ways. The preferred spelling follows
    `conventions.properties`, else is the one used by the most definitions, else the one
    whose words the plan uses most. Every definition using another spelling is reported
    once, at that property, with the preferred spelling as the suggestion.

    Names shorter than five letters are not compared for typos, and neither are edits of a
    digit (`address_1` / `address_2`), a plural `s` (`asset_id` / `asset_ids`) or replaced
    letters far apart on the keyboard (`cart_id` / `card_id`): those are usually different
    properties.

    ## Why is this bad?
    Tools and warehouses match property names exactly: `order_id` and `orderId` become two
    columns, each half empty, and a join on one misses the rows of the other.

    ## Example
    ```yaml
    events:
      Order Completed:
        properties:
          order_id: {type: string}
      Order Refunded:
        properties:
          orderId: {type: string}
      Product Added:
        properties:
          prodcut_id: {type: string}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        properties:
          order_id: {type: string}
      Order Refunded:
        properties:
          order_id: {type: string}
      Product Added:
        properties:
          product_id: {type: string}
    ```
    """

    code = "TP203"
    slug = "near-duplicate-property"
    summary = "Two property names differ only in case, separators or a typo"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        uses = _uses_by_name(plan)
        spellings = _Spellings(uses, plan.conventions.properties)
        for name, (preferred, typo) in spellings.replacements().items():
            definitions = len(uses[preferred])
            example, example_property = uses[preferred][0]
            location = example_property.location
            relation = "is one typo away from" if typo else "is spelled differently from"
            used = f"{definitions} definition{'' if definitions == 1 else 's'}"
            for definition, prop in uses[name]:
                yield Violation(
                    message=(
                        f"property {name!r} {relation} {preferred!r}, used in {used} such as "
                        f"{example.name!r} ({location.file}:{location.line}); "
                        f"rename it to {preferred!r}"
                    ),
                    location=prop.location,
                    suggestion=preferred,
                    definition=definition,
                    data={"preferred": preferred},
                )


_Uses = dict[str, list[tuple[Definition, Property]]]


def _uses_by_name(plan: Plan) -> _Uses:
    """Each property name with the definitions using it, at its first use in each, in order."""
    uses: _Uses = {}
    for definition in plan.definitions():
        seen: set[str] = set()
        for _, prop in payload_properties(definition):
            if prop.name not in seen:
                seen.add(prop.name)
                uses.setdefault(prop.name, []).append((definition, prop))
    return uses


@dataclass(frozen=True, slots=True)
class _Spelling:
    """Spellings of one squashed name (`order_id`, `orderId`) and the preferred one."""

    names: tuple[str, ...]
    preferred: str
    rank: tuple[bool, int, int, int]


class _Spellings:
    """Decides, for each distinct property name, which spelling it should be."""

    def __init__(self, uses: _Uses, convention: str) -> None:
        self._uses = uses
        self._convention = convention
        self._order = {name: index for index, name in enumerate(uses)}
        by_key: dict[str, list[str]] = {}
        for name in uses:
            by_key.setdefault(squash(name), []).append(name)
        # Counted once per squashed name, so a misspelt word is not made common by being
        # spelled two ways (`ordr_id`, `ordrId`).
        self._word_counts = Counter(
            w for names in by_key.values() for w in set().union(*map(_word_set, names))
        )
        self._spellings = {key: self._spelling(names) for key, names in by_key.items()}

    def _rank(self, name: str, definitions: int) -> tuple[bool, int, int, int]:
        commonness = sum(self._word_counts[w] for w in _word_set(name))
        return (
            follows(name, self._convention),
            definitions,
            commonness,
            -self._order[name],
        )

    def _spelling(self, names: list[str]) -> _Spelling:
        ranks = {name: self._rank(name, len(self._uses[name])) for name in names}
        preferred = max(names, key=ranks.__getitem__)
        total = sum(len(self._uses[name]) for name in names)
        rank = (ranks[preferred][0], total, *ranks[preferred][2:])
        return _Spelling(names=tuple(names), preferred=preferred, rank=rank)

    def replacements(self) -> dict[str, tuple[str, bool]]:
        """Each name to replace, with its preferred spelling and whether it is a typo of it."""
        result: dict[str, tuple[str, bool]] = {}
        for spelling in self._spellings.values():
            for name in spelling.names:
                if name != spelling.preferred:
                    result[name] = (spelling.preferred, False)
        better: dict[str, _Spelling] = {}
        for first_key, second_key in NeighbourIndex(self._spellings).pairs():
            first, second = self._spellings[first_key], self._spellings[second_key]
            if not looks_like_typo(first.preferred, second.preferred):
                continue
            right, wrong = sorted((first, second), key=lambda s: s.rank, reverse=True)
            current = better.get(wrong.preferred)
            if current is None or right.rank > current.rank:
                better[wrong.preferred] = right
        for spelling in self._spellings.values():
            if spelling.preferred in better:
                for name in spelling.names:
                    result[name] = (better[spelling.preferred].preferred, True)
        return dict(sorted(result.items(), key=lambda item: self._order[item[0]]))


def _word_set(name: str) -> set[str]:
    return {w.casefold() for w in words(name)}
