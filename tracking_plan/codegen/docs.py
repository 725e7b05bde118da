"""The words of generated documentation, and the names generated code derives from calls, shared
by the Swift and Kotlin generators.

Documentation comes as plain lines; each generator puts them in its own comment syntax. Plan
text (descriptions, owners, formats) is split into lines and stripped of control characters, so
it cannot break out of a comment line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import CallType
from .ir import Call, Field
from .names import Scope, Style

_FIXED_METHOD_WORDS = {CallType.IDENTIFY: "identify user", CallType.GROUP: "group user"}


def text_lines(text: str | None) -> list[str]:
    """Plan text as comment lines: split at every line break, control characters dropped."""
    if not text:
        return []
    return ["".join(ch for ch in line if ch.isprintable()) for line in text.splitlines()]


def one_line(text: str) -> str:
    """Plan text as one comment line: its lines joined with spaces."""
    return " ".join(text_lines(text))


def type_words(call: Call) -> str:
    """The words a call's payload type (and, but for identify and group, its method) is named
    from: `identify traits`, `<name> screen`, or the event's name."""
    if call.call in (CallType.IDENTIFY, CallType.GROUP):
        return f"{call.call.value} traits"
    if call.call is CallType.SCREEN:
        return f"{call.name} screen"
    return call.name


def method_words(call: Call) -> str:
    """The words a call's method is named from: `identify user`, `group user`, else the type's."""
    return _FIXED_METHOD_WORDS.get(call.call) or type_words(call)


def method_scope(calls: Iterable[Call], reserved: Iterable[str]) -> Scope:
    """A camelCase scope for one method per call, in which the identify and group methods (where
    planned) are named first, so that no event can take their names."""
    scope = Scope(Style.CAMEL, reserved=reserved)
    types = {call.call for call in calls}
    for call_type, words in _FIXED_METHOD_WORDS.items():
        if call_type in types:
            scope.name(words)
    return scope


def label(call: Call) -> str:
    """How documentation names a call: `identify`, `group`, `` `Name` `` or `` screen `Name` ``."""
    if call.call in (CallType.IDENTIFY, CallType.GROUP):
        return call.call.value
    name = f"`{one_line(call.name)}`"
    return name if call.call is CallType.TRACK else f"{call.call.value} {name}"


def summary(call: Call) -> str:
    """The first sentence of a call's method documentation."""
    if call.call is CallType.IDENTIFY:
        return "Identifies the user."
    if call.call is CallType.GROUP:
        return "Adds the user to a group."
    return f"Tracks {label(call)}." if call.call is CallType.TRACK else f"Sends {label(call)}."


def call_doc(call: Call, first: str) -> list[str]:
    """Documentation of a call: `first`, then the call's description, owner, where it is sent
    from and whether it is deprecated."""
    lines = [first]
    if call.description:
        lines += ["", *text_lines(call.description)]
    facts = []
    if call.owner:
        facts.append(f"Owner: {one_line(call.owner)}.")
    if call.where:
        where = ", ".join(dict.fromkeys(call.where))  # platform and side can both be `server`
        facts.append(f"Where: {one_line(where)}.")
    if call.deprecated:
        facts.append("Deprecated in the tracking plan.")
    return lines + (["", *facts] if facts else [])


def method_doc(call: Call, typed: bool) -> list[str]:
    """Documentation of a call's method; `typed`: whether it takes a payload type."""
    lines = call_doc(call, summary(call))
    if not typed:
        lines += ["", f"No {call.payload_field} are planned."]
    return lines


def payload_doc(call: Call) -> list[str]:
    """Documentation of a call's payload type."""
    return call_doc(call, f"The {call.payload_field} of {label(call)}.")


def field_doc(f: Field) -> list[str]:
    """Documentation of a payload field: its description and format."""
    lines = text_lines(f.description)
    if f.type.formats:
        lines.append(f"Format: {one_line(' or '.join(f.type.formats))}.")
    return lines


def case_words(value: str | int) -> str:
    """The words an enum case is named from: `-1` reads `minus 1`, apart from `1`."""
    return f"minus {-value}" if isinstance(value, int) and value < 0 else str(value)


class Fresh:
    """A new identifier on every call, also for the same words (two nested types of one parent
    can come from the same words: field `a b`, and field `a` with items)."""

    def __init__(self, scope: Scope) -> None:
        self._scope = scope
        self._keys: set[str] = set()

    def name(self, words: str) -> str:
        """A name from `words` that no earlier call of this one has given."""
        key = words
        while key in self._keys:
            key += "\0"  # not part of any word: the same identifier, so the scope adds a suffix
        self._keys.add(key)
        return self._scope.name(key)


@dataclass
class Nest:
    """Where the types a generated type's fields need are declared: inside that type."""

    path: tuple[str, ...]  # qualified name of the enclosing type
    names: Fresh
    lines: list[str] = field(default_factory=list)

    def child(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The qualified name of a new nested type named from `words`."""
        return (*self.path, self.names.name(" ".join(words)))
