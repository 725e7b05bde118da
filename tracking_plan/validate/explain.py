"""The schema path: the verdict of the compiled JSON Schema for one message, explained.

Every record the fast path does not accept comes here. The bundle schema (the same one
`tp compile` writes) is run with format checking on (see `checker.py`), and each error is mapped
to a stable code (EV1xx for the event, EN2xx for the envelope) with the JSON path, the rule
that was broken and the value that broke it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..codes import code_entry
from ..compiler.jsonschema import (
    call_rules,
    definition_schema,
    envelope_schema,
    unplanned_event_rules,
)
from ..diagnostics import Severity
from ..jsonkinds import schema_type
from ..model import CallType, Definition, Plan, Policy, Property
from ..naming import squash, word_key
from ..pointers import json_pointer

if TYPE_CHECKING:
    from ..similarity import NeighbourIndex
    from .checker import Checker, SchemaError

_VALUE_WIDTH = 60
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps makes one per call
_TIMESTAMPS = frozenset({"timestamp", "originalTimestamp", "sentAt", "receivedAt"})
_PAYLOAD_CODES = {
    "required": "EV103",
    "enum": "EV105",
    "const": "EV105",
    "pattern": "EV106",
    "minimum": "EV107",
    "maximum": "EV107",
    "exclusiveMinimum": "EV107",
    "exclusiveMaximum": "EV107",
    "multipleOf": "EV107",
    "minLength": "EV108",
    "maxLength": "EV108",
    "minItems": "EV108",
    "maxItems": "EV108",
    "format": "EV109",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one record: `pointer` is the JSON pointer of the offending value."""

    code: str
    severity: Severity
    message: str
    pointer: str = ""
    suggestion: str | None = None

    @classmethod
    def of(
        cls,
        code: str,
        message: str,
        pointer: str = "",
        suggestion: str | None = None,
        *,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of `code` with the default severity the catalogue gives it, unless
        `severity` says otherwise (a policy of the plan, a duplicate that is only a warning)."""
        if severity is None:
            severity = code_entry(code).default_severity
        return cls(code, severity, message, pointer, suggestion)


def show(value: Any) -> str:
    """A value as JSON, cut to a readable width."""
    try:
        text = _JSON.encode(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


class SchemaPath:
    """Runs the compiled schemas and explains each violation.

    The bundle schema is the envelope plus one `if type/event then definition` rule per
    definition; here the two parts run separately (the envelope, then only the definition the
    message routes to), which gives the bundle's verdict without trying every rule.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._definition_validators: dict[tuple[str, str], Checker] = {}
        self.events = {e.name: e for e in plan.events}
        self.definitions = {
            (d.call.value, "" if d.call in (CallType.IDENTIFY, CallType.GROUP) else d.name): d
            for d in plan.definitions()
        }
        self._event_by_squash = {squash(n): n for n in self.events}
        self._event_by_words = {word_key(n): n for n in self.events}
        self._closest: dict[str, str | None] = {}

    # The schemas and the index of event names are made for the first record that needs them:
    # a run over valid records needs neither (nor jsonschema and rapidfuzz, which they import).

    @cached_property
    def envelope(self) -> Checker:
        from .checker import checker

        plan = self.plan
        return checker({**envelope_schema(), "allOf": call_rules() + unplanned_event_rules(plan)})

    @cached_property
    def _event_index(self) -> NeighbourIndex:
        from ..similarity import NeighbourIndex

        return NeighbourIndex(squash(n) for n in self.events)

    def _definition_validator(self, definition: Definition) -> Checker:
        from .checker import checker

        key = (definition.call.value, definition.name)
        validator = self._definition_validators.get(key)
        if validator is None:
            validator = checker(definition_schema(definition, "2020-12"))
            self._definition_validators[key] = validator
        return validator

    def definition_for(self, message: dict[str, Any]) -> Definition | None:
        kind = message.get("type")
        if kind == "track":
            name = message.get("event")
        elif kind in ("page", "screen"):
            name = message.get("name")
        else:
            name = ""
        if not isinstance(kind, str) or not isinstance(name, str):
            return None
        return self.definitions.get((kind, name))

    def explain(self, message: Any) -> list[Finding]:
        """Every violation of the bundle schema (empty: the schema accepts the message)."""
        if not isinstance(message, dict):
            return [
                Finding.of(
                    "EN200", f"the record is a JSON {schema_type(message)}, not a message object"
                )
            ]
        findings: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        # most records that come here have a sound envelope and a faulty payload
        errors = [] if self.envelope.is_valid(message) else list(self.envelope.errors(message))
        definition = self.definition_for(message)
        if definition is not None:
            errors.extend(self._definition_validator(definition).errors(message))
        for error in _one_per_cause(errors):
            for finding in self._findings(error, message):
                key = (finding.code, finding.pointer + finding.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
        return findings

    def _findings(self, error: SchemaError, message: dict[str, Any]) -> Iterator[Finding]:
        path = list(error.path)
        keyword = error.keyword
        where = json_pointer(path)
        head = path[0] if path else None
        value = error.instance
        if head is None:
            yield from self._root(error, message)
        elif head == "type":
            yield Finding.of(
                "EN206",
                f"/type: {show(value)} is not a message type "
                "(track, identify, group, page, screen, alias)",
                where,
            )
        elif head == "event" and keyword == "enum" and value:
            yield self._unplanned_event(str(value), Severity.ERROR)
        elif head == "event":
            yield Finding.of(
                "EN204", f"/event must be a non-empty string, got {show(value)}", where
            )
        elif head == "messageId":
            yield Finding.of(
                "EN205",
                f"/messageId must be a string of 1 to 100 characters, got {show(value)}",
                where,
            )
        elif head in _TIMESTAMPS:
            yield Finding.of("EN207", f"/{head} {_timestamp_fault(value)}", where)
        elif head in ("userId", "anonymousId"):
            yield Finding.of(
                "EN203", f"/{head} must be a non-empty string, got {show(value)}", where
            )
        elif head in ("properties", "traits"):
            yield from self._payload(error, str(head), where)
        elif head == "context":
            for finding in self._payload(error, "context", where):
                yield Finding.of(
                    "EV112", finding.message, finding.pointer, severity=finding.severity
                )
        else:
            yield Finding.of("EN206", f"{where}: {_rule(error)}", where)

    def _root(self, error: SchemaError, message: dict[str, Any]) -> Iterator[Finding]:
        keyword = error.keyword
        if keyword == "anyOf":
            yield Finding.of("EN203", "the message has neither userId nor anonymousId")
            return
        if keyword == "type":
            yield Finding.of("EN200", "the record is not a message object")
            return
        if keyword != "required":
            yield Finding.of("EN206", _rule(error))
            return
        for name in error.expected:
            if name in message:
                continue
            if name == "type":
                yield Finding.of("EN206", "the message has no type", "/type")
            elif name == "messageId":
                yield Finding.of("EN205", "the message has no messageId", "/messageId")
            elif name == "event":
                yield Finding.of("EN204", "a track call has no event name", "/event")
            elif name in ("properties", "traits", "context"):
                yield from self._missing_object(name, message)
            else:
                call = message.get("type")
                yield Finding.of("EN206", f"a {call} call needs {name}", f"/{name}")

    def _missing_object(self, name: str, message: dict[str, Any]) -> Iterator[Finding]:
        definition = self.definition_for(message)
        props = (
            ()
            if definition is None
            else (definition.context if name == "context" else definition.properties)
        )
        missing = [p.name for p in props if p.required]
        code = "EV112" if name == "context" else "EV103"
        for prop in missing:
            yield Finding.of(
                code, f"/{name}/{prop} is required but {name} is missing", f"/{name}/{prop}"
            )

    def _payload(self, error: SchemaError, field: str, where: str) -> Iterator[Finding]:
        keyword = error.keyword
        value = error.instance
        if keyword == "required":
            for name in error.expected:
                if isinstance(value, dict) and name not in value:
                    yield Finding.of(
                        "EV103", f"{where}/{name} is required but missing", f"{where}/{name}"
                    )
        elif keyword == "additionalProperties" and isinstance(value, dict):
            code = "EV113" if field == "traits" and where.count("/") == 1 else "EV102"
            for name in error.expected:
                if name in value:
                    yield Finding.of(
                        code,
                        f"{where}/{name} is not in the plan (unplanned properties are "
                        "forbidden here)",
                        f"{where}/{name}",
                        severity=Severity.ERROR,
                    )
        elif keyword == "type":
            code = "EV110" if value is None else "EV104"
            yield Finding.of(code, f"{where}: {_rule(error)}", where)
        else:
            code = _PAYLOAD_CODES.get(keyword, "EV111")
            yield Finding.of(code, f"{where}: {_rule(error)}", where)

    def _unplanned_event(self, name: str, severity: Severity) -> Finding:
        suggestion = self.closest_event(name)
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        return Finding.of(
            "EV100",
            f"event {name!r} is not in the plan{hint}",
            "/event",
            suggestion,
            severity=severity,
        )

    def closest_event(self, name: str) -> str | None:
        """The planned event an unplanned name most likely meant (case, separators, a typo)."""
        if name not in self._closest:
            if len(self._closest) > 10_000:
                self._closest.clear()
            self._closest[name] = self._find_closest(name)
        return self._closest[name]

    def _find_closest(self, name: str) -> str | None:
        key = squash(name)
        if key in self._event_by_squash:
            return self._event_by_squash[key]
        by_words = self._event_by_words.get(word_key(name))
        if by_words is not None:
            return by_words
        near = sorted(self._event_index.near(key))
        return self._event_by_squash[near[0]] if near else None

    def unplanned_finding(self, name: str) -> Finding:
        return self._unplanned_event(name, Severity.WARNING)

    def warnings(self, message: dict[str, Any], definition: Definition) -> list[Finding]:
        """Unplanned properties where the policy is `warn`: valid, but worth a report."""
        field = definition.call.payload_field
        payload = message.get(field)
        if not isinstance(payload, dict):
            return []
        found: list[Finding] = []
        _unplanned(
            payload,
            definition.properties,
            definition.unplanned_properties,
            f"/{field}",
            field == "traits",
            found,
        )
        return found


def _unplanned(
    value: dict[str, Any],
    props: tuple[Property, ...],
    policy: Policy,
    where: str,
    traits: bool,
    found: list[Finding],
) -> None:
    by_name = {p.name: p for p in props}
    for key, item in value.items():
        prop = by_name.get(key)
        if prop is None:
            if policy is Policy.WARN:
                code = "EV113" if traits and where.count("/") == 1 else "EV102"
                found.append(
                    Finding.of(code, f"{where}/{key} is not in the plan", f"{where}/{key}")
                )
            continue
        if prop.properties and isinstance(item, dict):
            _unplanned(
                item, prop.properties, prop.unplanned_properties, f"{where}/{key}", traits, found
            )


def _expected_type(types: Any) -> str:
    if isinstance(types, list):
        return " or ".join(str(t) for t in types)
    return str(types)


_RULE_TEXTS = {
    "enum": "{value} is not one of {expected_json}",
    "const": "{value} is not {expected_json}",
    "pattern": "{value} does not match the pattern {expected}",
    "minimum": "{value} is less than the minimum {expected}",
    "maximum": "{value} is greater than the maximum {expected}",
    "exclusiveMinimum": "{value} must be greater than {expected}",
    "exclusiveMaximum": "{value} must be less than {expected}",
    "multipleOf": "{value} is not a multiple of {expected}",
    "minLength": "{value} is shorter than {expected} characters",
    "maxLength": "{value} is longer than {expected} characters",
    "minItems": "{value} has fewer than {expected} items",
    "maxItems": "{value} has more than {expected} items",
    "format": "{value} is not a valid {expected}",
    "uniqueItems": "{value} has repeated items",
}


def _one_per_cause(errors: list[SchemaError]) -> list[SchemaError]:
    """The errors that each have a cause of their own: a value of the wrong type (or null)
    fails only its type, not also its enum, pattern or range; a userId or anonymousId that is
    not a string is not also a message without an identity."""
    mistyped = {error.path for error in errors if error.keyword == "type"}
    identity_faults = any(error.path[:1] in (("userId",), ("anonymousId",)) for error in errors)
    return [
        error
        for error in errors
        if not (error.keyword != "type" and error.path in mistyped)
        and not (identity_faults and not error.path and error.keyword == "anyOf")
    ]


_ISO_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?")


def _timestamp_fault(value: Any) -> str:
    """Why a timestamp is not an RFC 3339 date-time (JSON Schema's `date-time`, which
    Segment's SDKs send), saying so when it is still ISO 8601."""
    if not isinstance(value, str):
        return f"must be an RFC 3339 date-time string, got {_got(value)}"
    text = show(value)
    head = _ISO_DATE_TIME.match(value)
    rest = value[head.end() :] if head else None
    if rest is not None and re.fullmatch(r"[+-]\d\d\d\d|[+-]\d\d", rest):
        colon = f"{rest[:3]}:{rest[3:] or '00'}"
        return (
            f"{text} is ISO 8601 but not RFC 3339, which JSON Schema's date-time requires:"
            f" write the UTC offset with a colon ({colon})"
        )
    if rest == "":
        return (
            f"{text} is ISO 8601 but has no UTC offset, so its moment is unknown:"
            " add Z for UTC or the offset (+01:00)"
        )
    return f'{text} is not an RFC 3339 date-time such as "2024-01-31T23:59:59.123Z"'


def _got(value: Any) -> str:
    """A value for "got ...": `null`, or its JSON type and the value (`integer 5`)."""
    return "null" if value is None else f"{schema_type(value)} {show(value)}"


def _rule(error: SchemaError) -> str:
    """What the schema wanted, in words, with the value cut to size."""
    if error.keyword == "type":
        return f"expected {_expected_type(error.expected)}, got {_got(error.instance)}"
    text = _RULE_TEXTS.get(error.keyword)
    if text is None:
        return error.message
    return text.format(
        value=show(error.instance), expected=error.expected, expected_json=show(error.expected)
    )
