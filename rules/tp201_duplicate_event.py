"""TP201 duplicate-event."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

from tracking_plan import libraries
from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import CallType, Definition, Plan
from tracking_plan.naming import follows, squash, word_key

NOUNS = {CallType.TRACK: "event", CallType.PAGE: "page", CallType.SCREEN: "screen"}


class DuplicateEvent(Rule):
    """Two events are the same name written differently.

    ## What it does
    Groups track events whose names are equal once case, separators and word order are
    ignored (`Order Completed`, `completed_order`, `Completed Order`) or once separators are
    squashed out (`Sign Up Completed`, `Signup Completed`); pages and screens are grouped the
    same way among themselves. In each group one name is kept: the one from a built-in spec
    library when there is one, else the first that follows `conventions.events`, else the
    first defined. Every other name is reported, with the kept one as the suggestion.

    ## Why is this bad?
    Analytics tools match names exactly, so each spelling is a separate event: funnels,
    counts and destinations split silently between them. This usually happens when several
    teams or apps track the same action, each in their own style.

    ## Example
    ```yaml
    events:
      Order Completed: {}
      completed_order: {}
      Completed Order: {}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed: {}
    ```
    """

    code = "TP201"
    slug = "duplicate-event"
    summary = "Two events are the same name written differently"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        for call, definitions in named_definitions(plan):
            for group in duplicate_groups(definitions):
                if len(group) < 2:
                    continue
                kept = canonical(group, plan.conventions.events if call is CallType.TRACK else "")
                for duplicate in group:
                    if duplicate is kept:
                        continue
                    yield Violation(
                        message=(
                            f"{NOUNS[call]} {duplicate.name!r} duplicates {kept.name!r} "
                            f"({where(kept)}): the same words in another case, separator or "
                            f"order count as a different {NOUNS[call]}; use {kept.name!r}"
                        ),
                        location=duplicate.location,
                        suggestion=kept.name,
                        definition=duplicate,
                        data={"duplicate_of": kept.name},
                    )


def named_definitions(plan: Plan) -> Iterator[tuple[CallType, Sequence[Definition]]]:
    """The plan's named calls by kind: track events, pages and screens (each its own namespace)."""
    yield CallType.TRACK, plan.events
    yield CallType.PAGE, plan.pages
    yield CallType.SCREEN, plan.screens


def duplicate_groups(definitions: Sequence[Definition]) -> list[list[Definition]]:
    """Definitions whose names share a `word_key` or a `squash`, transitively; every definition
    is in exactly one group (most alone), groups and members in definition order."""
    parent = list(range(len(definitions)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with: dict[Hashable, int] = {}
    for index, definition in enumerate(definitions):
        keys: tuple[Hashable, ...] = (word_key(definition.name), squash(definition.name))
        for key in keys:
            if not key:
                continue
            other = first_with.setdefault(key, index)
            if other != index:
                parent[root(index)] = root(other)

    groups: dict[int, list[Definition]] = {}
    for index, definition in enumerate(definitions):
        groups.setdefault(root(index), []).append(definition)
    return list(groups.values())


def canonical(group: Sequence[Definition], convention: str) -> Definition:
    """The name to keep: a spec library's, else the first following `convention` (none for
    pages and screens: pass ""), else the first defined."""
    for definition in group:
        if definition.origin in libraries.NAMES:
            return definition
    if convention:
        for definition in group:
            if follows(definition.name, convention):
                return definition
    return group[0]


def where(definition: Definition) -> str:
    """`file:line` of a definition, for messages that point at the other one."""
    location = definition.location
    return f"{location.file}:{location.line}"
