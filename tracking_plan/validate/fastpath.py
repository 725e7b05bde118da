"""The fast path: decode a message straight into typed structures generated from the plan.

msgspec validates while it parses (types, required fields, enums, ranges, lengths, patterns,
unknown fields), so a valid record costs about one generic parse. The fast path only ever says
"valid" or "don't know": whatever it rejects, and every definition that uses a feature it
cannot express exactly, goes to the schema path (`explain.py`), which gives the verdict of the
compiled JSON Schema and explains it. So accepting here must imply the schema accepts; the
property test in tests/test_validate_equivalence.py checks that on generated plans and events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec

from ..compiler.jsonschema import MESSAGE_TYPES, property_schema
from ..jsonkinds import drift_kind_of_type
from ..model import CallType, Definition, Plan, Policy, Property
from .format_patterns import DATE_PATTERN, DATE_TIME_PATTERN, UUID_PATTERN
from .formats import accepted_enum_values, known_formats
from .linear import backtracks

# jsonschema's own email check is "contains an @".
_FORMAT_PATTERNS = {
    "date-time": DATE_TIME_PATTERN,
    "date": DATE_PATTERN,
    "uuid": UUID_PATTERN,
    "email": "@",
}


def checked_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats a string is checked against: none when one of them is unknown to jsonschema,
    which passes every string for it (one format of several is enough)."""
    if not formats:
        return ()
    known = known_formats()
    if any(name not in known for name in formats):
        return ()
    return formats


def format_pattern(formats: tuple[str, ...]) -> str | None:
    """A pattern that only valid values of one of `formats` match, or None if a format has none."""
    patterns = [_FORMAT_PATTERNS.get(name) for name in formats]
    if not patterns or None in patterns:
        return None
    if len(patterns) == 1:
        return patterns[0]
    return "|".join(f"(?:{pattern})" for pattern in patterns)


# Envelope timestamps are decoded as plain strings and matched with this compiled pattern in
# Python: twice as fast as a msgspec `pattern` constraint on the field.
TIMESTAMP = re.compile(DATE_TIME_PATTERN)
Timestamp = str
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
_MESSAGE_TYPES = frozenset(MESSAGE_TYPES)
_NO_RAW = msgspec.Raw()
_INT64 = 2**63
_OPEN_BRACE = ord("{")


class Unsupported(Exception):
    """A plan feature the fast path cannot decide exactly; the definition uses the schema path."""


class Envelope(msgspec.Struct, kw_only=True):
    """The fields every message may carry; payloads stay raw until the route is known."""

    type: str
    messageId: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    event: NonEmpty | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType | None = msgspec.UNSET
    userId: NonEmpty | msgspec.UnsetType | None = msgspec.UNSET  # SDKs send the other as null
    anonymousId: NonEmpty | msgspec.UnsetType | None = msgspec.UNSET
    groupId: NonEmpty | msgspec.UnsetType = msgspec.UNSET
    previousId: NonEmpty | msgspec.UnsetType = msgspec.UNSET
    timestamp: Timestamp | msgspec.UnsetType = msgspec.UNSET
    originalTimestamp: Timestamp | msgspec.UnsetType = msgspec.UNSET
    sentAt: Timestamp | msgspec.UnsetType = msgspec.UNSET
    receivedAt: Timestamp | msgspec.UnsetType = msgspec.UNSET
    properties: msgspec.Raw = _NO_RAW
    traits: msgspec.Raw = _NO_RAW
    context: msgspec.Raw = _NO_RAW
    integrations: msgspec.Raw = _NO_RAW


@dataclass(frozen=True, slots=True)
class Route:
    """How the fast path decides one definition (`payload`/`context` None: nothing to check)."""

    definition: Definition
    payload: msgspec.json.Decoder[Any] | None
    payload_required: bool
    context: msgspec.json.Decoder[Any] | None
    context_required: bool
    fields: tuple[str, ...]  # wire names of top-level payload fields, in struct order
    format_checks: tuple[tuple[int, tuple[str, ...]], ...]  # (field, formats) after decoding
    lenient: msgspec.json.Decoder[Any] | None  # with `warn`: the payload, unplanned keys ignored
    kinds: tuple[str | None, ...]  # per field, the one kind a valid value has, if it has one
    live_kinds: tuple[int, ...]  # the fields without one: their values' kinds are counted


class FastPath:
    """Decides, per message, "valid under the plan's schema" or "ask the schema path"."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.envelope = msgspec.json.Decoder(Envelope)
        self.routes: dict[tuple[str, str], Route | None] = {}
        self.forbid_unplanned_events = plan.unplanned_events is Policy.FORBID
        for definition in plan.definitions():
            key = (definition.call.value, _route_name(definition))
            try:
                self.routes[key] = _route(definition)
            except (Unsupported, TypeError, ValueError):
                self.routes[key] = None  # decided by the schema path
        self.track, self.track_routes = _track_union(self.routes)

    def supported(self, definition: Definition) -> bool:
        return self.routes.get((definition.call.value, _route_name(definition))) is not None


class AnyObject(msgspec.Struct):
    """Any JSON object, its content skipped: the cheapest way to check "is an object"."""


_OPTIONAL_OBJECT = AnyObject | msgspec.UnsetType


def _track_union(
    routes: dict[tuple[str, str], Route | None],
) -> tuple[msgspec.json.Decoder[Any] | None, dict[type, tuple[tuple[str, str], Route]]]:
    """One decoder for every supported track event: a union of whole-message structs tagged by
    `event`, so a valid track call is checked in a single parse. The structs hold the envelope
    rules too; only identity and timestamp patterns are left to Python (`track_ok`)."""
    members: dict[type, tuple[tuple[str, str], Route]] = {}
    for key, route in routes.items():
        if key[0] != "track" or route is None:
            continue
        definition = route.definition
        optional = msgspec.UNSET
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = [
            ("type", Literal["track"]),
            ("messageId", Annotated[str, msgspec.Meta(min_length=1, max_length=100)]),
        ]
        for name in ("userId", "anonymousId"):
            fields.append((name, NonEmpty | msgspec.UnsetType | None, optional))
        for name in ("groupId", "previousId"):
            fields.append((name, NonEmpty | msgspec.UnsetType, optional))
        fields.append(("name", str | msgspec.UnsetType, optional))
        for name in ("timestamp", "sentAt", "originalTimestamp", "receivedAt"):
            fields.append((name, str | msgspec.UnsetType, optional))
        payload = route.payload.type if route.payload is not None else AnyObject
        if route.payload_required:
            fields.append(("properties", payload))
        else:
            fields.append(("properties", payload | msgspec.UnsetType, optional))
        context = route.context.type if route.context is not None else AnyObject
        if route.context_required:
            fields.append(("context", context))
        else:
            fields.append(("context", context | msgspec.UnsetType, optional))
        fields.append(("traits", _OPTIONAL_OBJECT, optional))
        fields.append(("integrations", _OPTIONAL_OBJECT, optional))
        struct = msgspec.defstruct(
            f"Track{len(members)}", fields, kw_only=True, tag_field="event", tag=definition.name
        )
        members[struct] = (key, route)
    if not members:
        return None, {}
    # A lone tagged struct would not require its tag; a second member with a tag no event has
    # keeps `event` required.
    names = {route.definition.name for _key, route in members.values()}
    sentinel = "\x00"
    while sentinel in names:  # a plan built without the loader may name an event so
        sentinel += "\x00"
    union: Any = msgspec.defstruct("NoEvent", [], tag_field="event", tag=sentinel)
    for struct in members:
        union = union | struct
    return msgspec.json.Decoder(union), members


def track_ok(message: Any) -> bool:
    """What the whole-message track structs leave to Python: an identity and timestamps."""
    unset = msgspec.UNSET
    if not has_identity(message):
        return False
    match = TIMESTAMP.match
    for stamp in (message.timestamp, message.sentAt, message.originalTimestamp, message.receivedAt):
        if stamp is not unset and match(stamp) is None:
            return False
    return True


def static_kind(prop: Property) -> str | None:
    """The one kind every valid value of the property has, or None."""
    kinds = {drift_kind_of_type(t) for t in prop.types}
    if prop.nullable:
        kinds.add("null")
    return kinds.pop() if len(kinds) == 1 else None


def has_identity(message: Any) -> bool:
    """Whether a decoded message has a userId or an anonymousId (the other may be null)."""
    return isinstance(message.userId, str) or isinstance(message.anonymousId, str)


def _route_name(definition: Definition) -> str:
    return "" if definition.call in (CallType.IDENTIFY, CallType.GROUP) else definition.name


def route_key(envelope: Envelope) -> tuple[str, str]:
    kind = envelope.type
    if kind == "track":
        return kind, envelope.event if isinstance(envelope.event, str) else ""
    if kind in ("page", "screen"):
        return kind, envelope.name if isinstance(envelope.name, str) else ""
    return kind, ""


def envelope_ok(envelope: Envelope) -> bool:
    """The envelope rules of the bundle schema that msgspec did not already check."""
    kind = envelope.type
    if kind not in _MESSAGE_TYPES:
        return False
    if not has_identity(envelope):
        return False
    if kind == "track" and envelope.event is msgspec.UNSET:
        return False
    if kind == "group" and envelope.groupId is msgspec.UNSET:
        return False
    if kind == "alias" and (
        not isinstance(envelope.userId, str) or envelope.previousId is msgspec.UNSET
    ):
        return False
    match = TIMESTAMP.match
    for stamp in (
        envelope.timestamp,
        envelope.sentAt,
        envelope.originalTimestamp,
        envelope.receivedAt,
    ):
        if isinstance(stamp, str) and match(stamp) is None:
            return False
    for raw in (envelope.properties, envelope.traits, envelope.context, envelope.integrations):
        if raw and memoryview(raw)[0] != _OPEN_BRACE:
            return False
    return True


# -- building decoders from the plan ------------------------------------------------------------


def _route(definition: Definition) -> Route:
    kinds = tuple(static_kind(p) for p in definition.properties)
    format_checks: list[tuple[int, tuple[str, ...]]] = []
    payload_struct, fields = _struct(
        f"Payload{id(definition)}",
        definition.properties,
        definition.unplanned_properties,
        format_checks,
    )
    payload_required = any(p.required for p in definition.properties)
    context: msgspec.json.Decoder[Any] | None = None
    if definition.context:
        context_struct, _ = _struct(f"Context{id(definition)}", definition.context, Policy.ALLOW)
        context = msgspec.json.Decoder(context_struct)
    needs_payload = (
        bool(definition.properties) or definition.unplanned_properties is not Policy.ALLOW
    )
    lenient = None
    if definition.unplanned_properties is Policy.WARN:
        lenient_struct, _ = _struct(
            f"Lenient{id(definition)}", definition.properties, Policy.ALLOW, []
        )
        lenient = msgspec.json.Decoder(lenient_struct)
    return Route(
        definition=definition,
        payload=msgspec.json.Decoder(payload_struct) if needs_payload else None,
        payload_required=payload_required,
        context=context,
        context_required=any(p.required for p in definition.context),
        fields=fields,
        format_checks=tuple(format_checks),
        lenient=lenient,
        kinds=kinds,
        live_kinds=tuple(i for i, kind in enumerate(kinds) if kind is None),
    )


def _struct(
    name: str,
    props: tuple[Property, ...],
    policy: Policy,
    format_checks: list[tuple[int, tuple[str, ...]]] | None = None,
) -> tuple[type[msgspec.Struct], tuple[str, ...]]:
    """A Struct type for an object with these properties. Unplanned keys are refused unless the
    policy allows them silently: a `warn` needs the schema path to report them.

    With `format_checks`, string formats without an exact pattern are checked after decoding
    with jsonschema's own format checker (fields of this level only)."""
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    rename: dict[str, str] = {}
    for index, prop in enumerate(props):
        attr = f"f{index}"
        rename[attr] = prop.name
        formats = checked_formats(prop.formats)
        deferred = (
            format_checks is not None
            and bool(formats)
            and format_pattern(formats) is None
            and prop.enum is None
            and prop.pattern is None
        )
        if deferred and format_checks is not None:
            format_checks.append((index, formats))
        annotation = _annotation(prop, check_format=not deferred)
        if prop.required:
            fields.append((attr, annotation))
        else:
            fields.append((attr, annotation | msgspec.UnsetType, msgspec.UNSET))
    struct = msgspec.defstruct(
        name,
        fields,
        kw_only=True,
        rename=rename,
        forbid_unknown_fields=policy is not Policy.ALLOW,
    )
    return struct, tuple(p.name for p in props)


def _annotation(prop: Property, *, check_format: bool = True) -> Any:
    """The msgspec type that accepts exactly (or a subset of) what the property's schema does."""
    types = set(prop.types)
    if not types:
        if _has_constraints(prop):
            raise Unsupported("constraints on an untyped property")
        return Any
    if prop.enum is not None:
        return _enum(prop)
    if prop.unique_items:
        raise Unsupported("uniqueItems")
    members: list[Any] = []
    pattern_checked = prop.pattern is not None or (
        check_format and format_pattern(checked_formats(prop.formats)) is not None
    )
    if "string" in types and pattern_checked and types & {"array", "object"}:
        # msgspec mishandles a pattern-checked string in a union with a container
        raise Unsupported("a pattern-checked string in a union with an array or object")
    if "string" in types:
        members.append(_string(prop, check_format=check_format))
    if "number" in types:
        # int first: a large JSON integer read as a float would lose digits against its bounds
        members.append(_number(prop, int))
        members.append(_number(prop, float))
    elif "integer" in types:
        members.append(_number(prop, int))
    if "boolean" in types:
        members.append(bool)
    if "object" in types:
        members.append(_object(prop))
    if "array" in types:
        members.append(_array(prop))
    if "null" in types or prop.nullable:
        members.append(None)
    return _union(members)


def _union(members: list[Any]) -> Any:
    result = members[0]
    for member in members[1:]:
        result = result | member if member is not None else result | None
    try:
        msgspec.json.Decoder(result)
    except TypeError as error:  # msgspec cannot tell some unions apart
        raise Unsupported(str(error)) from None
    return result


def _has_constraints(prop: Property) -> bool:
    return (
        any(
            value is not None
            for value in (
                prop.enum,
                prop.pattern,
                prop.formats or None,
                prop.min_length,
                prop.max_length,
                prop.minimum,
                prop.maximum,
                prop.exclusive_minimum,
                prop.exclusive_maximum,
                prop.multiple_of,
                prop.items,
                prop.min_items,
                prop.max_items,
            )
        )
        or bool(prop.properties)
        or prop.unique_items
    )


def _string(prop: Property, *, check_format: bool = True) -> Any:
    pattern = prop.pattern
    formats = checked_formats(prop.formats) if check_format else ()
    if formats:
        pattern = format_pattern(formats) if pattern is None else None
        if pattern is None:
            raise Unsupported(f"format {' or '.join(formats)}")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise Unsupported(str(error)) from None
        if backtracks(pattern):  # msgspec runs `re`: leave it to the schema path's linear search
            raise Unsupported("a pattern that can backtrack")
    meta = _meta(pattern=pattern, min_length=prop.min_length, max_length=prop.max_length)
    return str if meta is None else Annotated[str, meta]


def _number(prop: Property, kind: type) -> Any:
    if prop.multiple_of is not None and (
        kind is float or prop.multiple_of != int(prop.multiple_of)
    ):
        raise Unsupported("multipleOf on numbers")
    meta = _meta(
        ge=prop.minimum,
        le=prop.maximum,
        gt=prop.exclusive_minimum,
        lt=prop.exclusive_maximum,
        multiple_of=None if prop.multiple_of is None else int(prop.multiple_of),
    )
    return kind if meta is None else Annotated[kind, meta]


def _object(prop: Property) -> Any:
    if prop.properties:
        struct, _ = _struct(f"Object{id(prop)}", prop.properties, prop.unplanned_properties)
        return struct
    if prop.unplanned_properties is Policy.FORBID:
        raise Unsupported("a closed object without properties")
    return dict[str, Any]


def _array(prop: Property) -> Any:
    item = Any if prop.items is None else _annotation(prop.items)
    meta = _meta(min_length=prop.min_items, max_length=prop.max_items)
    return list[item] if meta is None else Annotated[list[item], meta]  # type: ignore[valid-type]


def _enum(prop: Property) -> Any:
    """Enum values the property's other keywords also accept, as a Literal."""
    assert prop.enum is not None
    values = accepted_enum_values(property_schema(prop, "2020-12"), prop.enum)
    strings = [v for v in values if isinstance(v, str)]
    ints = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    has_null = None in values
    if len(strings) + len(ints) + int(has_null) != len(values):
        raise Unsupported("enum values other than strings, integers and null")
    if any(not -_INT64 <= v < _INT64 for v in ints):
        raise Unsupported("enum integers beyond 64 bits")  # msgspec's Literal refuses them
    members: list[Any] = []
    if strings:
        members.append(Literal[tuple(strings)])
    if ints:
        members.append(Literal[tuple(ints)])
    if has_null:
        members.append(None)
    if not members:
        raise Unsupported("an enum no value can satisfy")
    return _union(members)


def _meta(**constraints: Any) -> msgspec.Meta | None:
    given = {k: v for k, v in constraints.items() if v is not None}
    return msgspec.Meta(**given) if given else None
