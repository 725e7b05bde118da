"""TP106 hidden-character."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation, all_properties
from tracking_plan.model import CallType, Plan

# Bidirectional controls reorder what a reader sees of a name (Trojan Source).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Zero-width characters make two names that look the same different.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def hidden_character(name: str) -> str | None:
    """The first character of `name` a reader cannot see, or None."""
    for index, ch in enumerate(name):
        if ch == "\u200d" and 0 < index < len(name) - 1 and not name[index - 1].isascii():
            continue  # joins emoji and Indic letters, where it is visible as one glyph
        if (
            unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")
            or ch in _BIDI_CONTROLS
            or ch in _ZERO_WIDTH
        ):
            return ch
    return None


class HiddenCharacter(Rule):
    """A name holds a character that a reader cannot see.

    ## What it does
    Reports event, page, screen, property and trait names (at any depth) that hold a control
    character (a tab, a line break, an escape), a line or paragraph separator, a zero-width
    character, or a bidirectional control such as U+202E RIGHT-TO-LEFT OVERRIDE. A zero-width
    joiner between two letters of a script that needs it, or inside an emoji, is allowed.

    ## Why is this bad?
    Names are sent exactly as the plan writes them. A hidden character makes a name that
    looks like another one but is not: the app sends `Order Completed`, the plan expects
    `Order\\u200bCompleted`, and every event is unplanned. Bidirectional controls make a
    name read differently from what it is (the "Trojan Source" attack), and control
    characters garble terminals, reports and generated code.

    ## Example
    ```yaml
    events:
      "Order\\u200bCompleted": {}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed: {}
    ```
    """

    code = "TP106"
    slug = "hidden-character"
    summary = "A name holds a character that a reader cannot see"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        for definition in plan.definitions():
            noun = "event" if definition.call is CallType.TRACK else definition.call.value
            named = [(f"{noun} name", definition.name, definition.location)]
            for path, prop in all_properties(definition.properties):
                named.append((f"property {path!r}", prop.name, prop.location))
            for what, name, location in named:
                ch = hidden_character(name)
                if ch is None:
                    continue
                label = unicodedata.name(ch, "a control character").lower()
                yield Violation(
                    message=f"the {what} of {definition.name!r} holds the hidden character "
                    f"U+{ord(ch):04X} ({label}); names are sent as typed, so remove it",
                    location=location,
                    definition=definition,
                )
