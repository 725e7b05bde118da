"""TP202 near-duplicate-event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from tracking_plan import libraries
from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.model import CallType, Definition, Plan
from tracking_plan.naming import follows, is_past_tense, looks_like_typo, squash, words
from tracking_plan.similarity import NeighbourIndex

from .tp201_duplicate_event import NOUNS, canonical, duplicate_groups, named_definitions, where


class NearDuplicateEvent(Rule):
    """Two event names are a typo apart.

    ## What it does
    Finds track events (and, separately, pages and screens) whose names are one typo apart
    once case and separators are squashed out: one letter added, dropped, swapped with its
    neighbour, or replaced by a neighbouring key on the keyboard. It reports the name less
    likely to be right: not from a spec library, not following `conventions.events`, without
    a past-tense verb, with words the other event names use less (a misspelt word is rare),
    or defined later; the other name is the suggestion.

    Names shorter than five letters, edits of a digit (`Step 1 Viewed` / `Step 2 Viewed`),
    a plural `s` and replaced letters that are far apart on the keyboard (`Card Added` /
    `Cart Added`) are left alone: they are usually different words. Names that TP201 already
    reports as duplicates are not compared again.

    ## Why is this bad?
    A typo in an event name creates a second event. Its data never reaches the reports,
    funnels and destinations built on the real one, and nobody notices until the numbers
    look low.

    ## Example
    ```yaml
    events:
      Signup Completed: {}
      Signup Complete: {}
    ```

    ## Use instead
    ```yaml
    events:
      Signup Completed: {}
    ```
    """

    code = "TP202"
    slug = "near-duplicate-event"
    summary = "Two event names are a typo apart"
    default_severity = Severity.WARNING
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        for call, definitions in named_definitions(plan):
            convention = plan.conventions.events if call is CallType.TRACK else ""
            yield from _near_duplicates(definitions, call, convention)


def _near_duplicates(
    definitions: Sequence[Definition], call: CallType, convention: str
) -> Iterator[Violation]:
    # One name per TP201 group: the others are already reported as duplicates of it.
    kept = [canonical(group, convention) for group in duplicate_groups(definitions)]
    position = {id(definition): index for index, definition in enumerate(definitions)}
    by_key = {squash(definition.name): definition for definition in kept}
    word_counts = Counter(w for definition in kept for w in _word_set(definition.name))

    def likelihood(definition: Definition) -> tuple[bool, bool, bool, int, int]:
        name = definition.name
        return (
            definition.origin in libraries.NAMES,
            bool(convention) and follows(name, convention),
            call is CallType.TRACK and any(is_past_tense(w) for w in words(name)),
            sum(word_counts[w] for w in _word_set(name)),
            -position[id(definition)],
        )

    for first_key, second_key in NeighbourIndex(by_key).pairs():
        first, second = by_key[first_key], by_key[second_key]
        if not looks_like_typo(first.name, second.name):
            continue
        right, wrong = sorted((first, second), key=likelihood, reverse=True)
        noun = NOUNS[call]
        yield Violation(
            message=(
                f"{noun} {wrong.name!r} is one typo away from {right.name!r} ({where(right)}); "
                f"if they are the same {noun}, use {right.name!r}"
            ),
            location=wrong.location,
            suggestion=right.name,
            definition=wrong,
            data={"near": right.name},
        )


def _word_set(name: str) -> set[str]:
    return {w.casefold() for w in words(name)}
