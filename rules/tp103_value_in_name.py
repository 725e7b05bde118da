"""TP103 value-in-name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tracking_plan.diagnostics import Location, Severity
from tracking_plan.lint.rule import Rule, Violation
from tracking_plan.model import CallType, Definition, Plan, Property

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
_SEP = r"[-_/.]"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:19|20)\d{2}"

_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a URL", re.compile(r"(?:https?://|www\.)[^\s()\[\]]+", re.IGNORECASE)),
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "a UUID",
        re.compile(
            _EDGE_L + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" + _EDGE_R,
            re.IGNORECASE,
        ),
    ),
    (
        "a date",
        re.compile(
            _EDGE_L
            + "(?:"
            + rf"{_YEAR}{_SEP}{_MONTH}{_SEP}{_DAY}(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
            + rf"|{_DAY}{_SEP}{_DAY}{_SEP}(?:{_YEAR}|\d{{2}})"
            + rf"|{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
            + rf"|{_YEAR}{_SEP}(?:0[1-9]|1[0-2])"
            + ")"
            + _EDGE_R
        ),
    ),
    ("an id", re.compile(_EDGE_L + r"(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}" + _EDGE_R)),
    ("an id", re.compile(_EDGE_L + r"(?=(?:[a-z]*\d){3})(?=\d*[a-z])[a-z0-9]{8,}" + _EDGE_R)),
)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*%?")
_HINTS = {
    "a URL": " (such as `url`)",
    "an email address": " (such as `email`)",
    "a date": " or leave it to the message's `timestamp`",
}


@dataclass(frozen=True, slots=True)
class ValueInNameOptions:
    allowed_numbers: tuple[str, ...] = (
        "2fa", "3d", "360", "401k", "4k", "b2b", "b2c", "e2e", "h264", "html5", "i18n", "ipv4",
        "ipv6", "k8s", "mp3", "mp4", "oauth2", "p2p", "s3", "utf8",
    )  # fmt: skip
    """Words with digits that are names, not values (`MP3 Uploaded`, `2FA Enabled`); matched
    without regard to case against the word the digits are part of, or the digits alone."""


class ValueInName(Rule):
    """A name embeds a value such as an id, a date or a number.

    ## What it does
    Looks for values written into the names of track events, pages and screens: numbers, as a
    word of their own or at the end of one (`Clicked Button 42`, `Step2 Completed`), dates
    (`2024-01-01`, `01/11/2019`, `20240101`), email addresses, URLs, UUIDs and long hex ids. It
    suggests the name without the value. It also reports properties and traits that form a
    numbered family in one object (`feature_1`, `feature_2`): keys that vary with a value. One
    numbered key alone (`address_line_1`) is fine.

    Words that contain digits but are names, such as `MP3`, `2FA` or `HTML5`, are listed in the
    `allowed_numbers` option; add your own:
    `rules: {TP103: {options: {allowed_numbers: [mp3, 2fa, ps5]}}}` (the list replaces the
    default one).

    ## Why is this bad?
    Every distinct value becomes a new event (and a new warehouse table) or a new property
    (and a new column): `Clicked Button 41`, `Clicked Button 42`, ... cannot be counted or
    compared together, and tools that cap the number of event names or columns start dropping
    data. Segment's guidance is to keep names static and send the value in a property.

    ## Example
    ```yaml
    events:
      Clicked Button 42: {}
      User Signed Up (11-01-2019): {}
      Plan Compared:
        properties:
          feature_1: {type: string}
          feature_2: {type: string}
    ```

    ## Use instead
    ```yaml
    events:
      Button Clicked:
        properties:
          button_id: {type: string}
      User Signed Up: {}
      Plan Compared:
        properties:
          features: {type: array, items: {type: string}}
    ```
    """

    code = "TP103"
    slug = "value-in-name"
    summary = "A name embeds a value such as an id, a date or a number"
    default_severity = Severity.WARNING
    Options = ValueInNameOptions

    def check(self, plan: Plan, options: ValueInNameOptions) -> Iterator[Violation]:
        allowed = frozenset(a.casefold() for a in options.allowed_numbers)
        for definition in (*plan.events, *plan.pages, *plan.screens):
            violation = _name_violation(definition, allowed)
            if violation is not None:
                yield violation
        seen: set[Location] = set()
        for definition in plan.definitions():
            for violation in _family_violations(definition, definition.properties, "", allowed):
                if violation.location not in seen:
                    seen.add(violation.location)
                    yield violation


@dataclass(frozen=True, slots=True)
class _Value:
    kind: str
    text: str
    start: int
    end: int


def _name_violation(definition: Definition, allowed: frozenset[str]) -> Violation | None:
    name = definition.name
    values = _values(name, allowed)
    if not values:
        return None
    noun = "event" if definition.call is CallType.TRACK else definition.call.value
    described = " and ".join(f"{v.kind} ({v.text!r})" for v in values)
    kinds = {v.kind for v in values}
    hint = "".join(_HINTS[k] for k in _HINTS if k in kinds)
    suggestion = _without(name, values)
    rename = f"; rename it to {suggestion!r}" if suggestion else ""
    return Violation(
        message=f"{noun} {name!r} embeds {described} in its name, so every value makes a new "
        f"{noun}: send the value in a property{hint}{rename}",
        location=definition.location,
        suggestion=suggestion,
        definition=definition,
    )


def _values(name: str, allowed: frozenset[str]) -> list[_Value]:
    """The values in a name, in order: patterns first, then the numbers left over."""
    found: list[_Value] = []
    masked = name
    for kind, pattern in _VALUE_PATTERNS:
        for match in pattern.finditer(masked):
            found.append(_Value(kind, match.group(), match.start(), match.end()))
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    for match in _DIGITS.finditer(masked):
        word, start, end = _word_around(masked, match.start(), match.end())
        if word.casefold() in allowed or match.group() in allowed:
            continue
        if not (word[:1].isdigit() or re.fullmatch(r"(?:[A-Za-z]|[A-Z]+)\d.*", word)):
            start, end = match.start(), match.end()  # Button42: only the digits go; v2, PS5 go
        found.append(_Value("a number", masked[start:end], start, end))
    return sorted(found, key=lambda v: v.start)


def _word_around(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The word the digits text[start:end] belong to, without crossing a camelCase boundary
    (`mp3` in `mp3Uploaded`, `Button42` in `clickedButton42`)."""
    while start > 0 and text[start - 1].isalpha():
        if text[start].isupper() and text[start - 1].islower():
            break
        start -= 1
    while end < len(text) and text[end].isalpha():
        following = text[end + 1 : end + 2]
        if text[end].isupper() and (text[end - 1].islower() or following.islower()):
            break
        end += 1
    return text[start:end], start, end


def _without(name: str, values: Iterable[_Value]) -> str | None:
    """The name with the values cut out and the separators around them tidied up."""
    text = name
    for value in sorted(values, key=lambda v: v.start, reverse=True):
        text = text[: value.start] + text[value.end :]
    text = re.sub(r"\(\s*\)|\[\s*\]|\{\s*\}", " ", text)
    text = re.sub(r"\s+([-:|/#])(?:\s+[-:|/#])+\s+", r" \1 ", text)
    text = re.sub(r"([-_.])[-_.]+", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip(" -_:|/#.,")
    return text if text and text != name and any(c.isalpha() for c in text) else None


def _family_violations(
    definition: Definition, properties: tuple[Property, ...], prefix: str, allowed: frozenset[str]
) -> Iterator[Violation]:
    families: dict[str, list[Property]] = {}
    for prop in properties:
        template = _template(prop.name, allowed)
        if "#" in template:
            families.setdefault(template, []).append(prop)
    for template, members in families.items():
        if len(members) < 2:
            continue
        kind = (
            "traits" if definition.call.payload_field == "traits" and not prefix else "properties"
        )
        names = ", ".join(f"{prefix}{m.name}" for m in members)
        array = _plural(re.sub(r"[-_]?#[-_]?", "_", template).strip("_-"))
        yield Violation(
            message=f"{kind} {names} of {_owner(definition)} form a numbered family "
            f"({prefix}{template.replace('#', 'N')}): keys that vary with a value make a new "
            f"column for every number; send one array property (such as {array!r}) instead",
            location=members[0].location,
            suggestion=array,
            definition=definition,
            data={"properties": [f"{prefix}{m.name}" for m in members]},
        )
    for prop in properties:
        yield from _family_violations(definition, prop.properties, f"{prefix}{prop.name}.", allowed)
        if prop.items is not None:
            yield from _family_violations(
                definition, prop.items.properties, f"{prefix}{prop.name}.$.", allowed
            )


def _template(name: str, allowed: frozenset[str]) -> str:
    """The name with the digits of each word that is not allowed replaced by `#`."""
    parts: list[str] = []
    last = 0
    for match in _DIGITS.finditer(name):
        word, _, _ = _word_around(name, match.start(), match.end())
        if word.casefold() in allowed or match.group() in allowed:
            continue
        parts.append(name[last : match.start()] + "#")
        last = match.end()
    return "".join(parts) + name[last:]


def _plural(word: str) -> str:
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def _owner(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    noun = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{noun} {definition.name!r}"
