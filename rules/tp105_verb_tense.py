"""TP105 verb-tense."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule, Violation
from tracking_plan.lint.spec import spec_event
from tracking_plan.model import Definition, Plan
from tracking_plan.naming import is_past_form, past_action, replace_word, words

_LINKS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
     "to", "via", "with", "up", "out", "off", "down", "over", "back", "away"}
)  # fmt: skip
"""Words that start the phrase after a verb: `Added to Cart`, `Signed Up`, `Marked as Spam`."""
_NOT_VERB_ENDINGS = ("ation", "tive")


@dataclass(frozen=True, slots=True)
class VerbTenseOptions:
    verbs: tuple[str, ...] = ()
    """Extra words accepted as the action, such as team jargon (`Onboarded` is already
    accepted; `Upsell` is not). Matched without regard to case; a multi-word entry (`Set Live`)
    must appear as a whole."""


class VerbTense(Rule):
    """The action in an event name is not a past-tense verb.

    ## What it does
    With `conventions.events: object-action`, checks that an event name has a past-tense verb
    after the object: as its last word (`Order Completed`) or followed by a particle or a
    preposition phrase (`User Signed Up`, `Product Added to Wishlist`, `Email Marked as
    Spam`). With `action-object`, checks that the first word is a past-tense verb (`Completed
    Order`). Irregular verbs count (`Sent`, `Shown`, `Hidden`). It suggests the name with the
    action word in the past tense: `Signup Complete` -> `Signup Completed`, `Video Playing` ->
    `Video Played`, `User Signup` -> `User Signed Up`, `Message Unpin` -> `Message Unpinned`,
    the rest of the name as written (`user_signup` -> `user_signed_up`). A word that is not a
    verb (`Account Activation`, `Space Active`) gets no suggestion.

    Other conventions are not checked, nor are the names of Segment's spec events (the video
    spec's `Video Content Playing` is a spec name). A name whose past-tense verb is in the
    wrong place (`Completed Order` under object-action) is left to TP101. Words your team uses
    as actions can be added with the `verbs` option:
    `rules: {TP105: {options: {verbs: [Upsell]}}}`.

    ## Why is this bad?
    An event records something that has happened. Mixed tenses (`Signup Complete`, `Video
    Playing`, `Order Completed`) read as different kinds of things, make names harder to guess
    when querying, and produce near-duplicates when someone later adds the past-tense form.
    Segment recommends an object and a past-tense verb.

    ## Example
    ```yaml
    conventions: {events: object-action}
    events:
      Signup Complete: {}
      Video Playing: {}
      Product Add to Cart: {}
    ```

    ## Use instead
    ```yaml
    conventions: {events: object-action}
    events:
      Signup Completed: {}
      Video Played: {}
      Product Added to Cart: {}
    ```
    """

    code = "TP105"
    slug = "verb-tense"
    summary = "The action in an event name is not a past-tense verb"
    default_severity = Severity.WARNING
    Options = VerbTenseOptions

    def check(self, plan: Plan, options: VerbTenseOptions) -> Iterator[Violation]:
        convention = plan.conventions.events
        if convention not in ("object-action", "action-object"):
            return
        extra = [tuple(w.casefold() for w in words(v)) for v in options.verbs]
        for event in plan.events:
            if spec_event(event.name) is not None:
                continue
            violation = _check(event, convention, extra)
            if violation is not None:
                yield violation


def _check(event: Definition, convention: str, extra: list[tuple[str, ...]]) -> Violation | None:
    parts = words(event.name)
    lower = [p.casefold() for p in parts]
    if not parts or any(is_past_form(p) for p in parts) or _has_extra(lower, extra, convention):
        return None
    if convention == "action-object":
        slot = 0
    else:
        slot = next((i - 1 for i in range(2, len(parts)) if lower[i] in _LINKS), len(parts) - 1)
    action = parts[slot]
    suggestion = None
    if _looks_like_verb(action):
        past = past_action(action, participle=slot > 0)
        suggestion = replace_word(event.name, slot, past) if past != action else None
    place = "first word" if convention == "action-object" else "action"
    hint = f"; rename it to {suggestion!r}" if suggestion else ""
    return Violation(
        message=f"event {event.name!r} has no past-tense verb: its {place} {action!r} is not "
        f"in the past tense{hint}",
        location=event.location,
        suggestion=suggestion,
        definition=event,
    )


def _has_extra(lower: list[str], extra: list[tuple[str, ...]], convention: str) -> bool:
    """Whether one of the `verbs` option's entries is the action (at its place in the name)."""
    for verb in extra:
        size = len(verb)
        if not size:
            continue
        first = 0 if convention == "action-object" or len(lower) == size else 1
        starts = [0] if convention == "action-object" else range(first, len(lower) - size + 1)
        if any(tuple(lower[s : s + size]) == verb for s in starts):
            return True
    return False


def _looks_like_verb(word: str) -> bool:
    """False for what is clearly not a verb: numbers, plural nouns (`Product Details`), nouns
    and adjectives of a verb (`Account Activation`, `Space Active`)."""
    lower = word.casefold()
    if not lower.isalpha():
        return False
    plural = lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
    return not plural and not lower.endswith(_NOT_VERB_ENDINGS)
