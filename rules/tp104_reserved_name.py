"""TP104 reserved-name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import NoOptions, Rule, Violation
from tracking_plan.lint.spec import spec_paths, type_label
from tracking_plan.model import CallType, Definition, Plan, Property
from tracking_plan.naming import convert, is_past_form, squash, words
from tracking_plan.reserved import (
    MESSAGE_CALL_FIELDS,
    MESSAGE_COMMON_FIELDS,
    RESERVED_GROUP_TRAITS,
    RESERVED_IDENTIFY_TRAITS,
    RESERVED_PAGE_PROPERTIES,
    RESERVED_SCREEN_PROPERTIES,
    RESERVED_TRACK_PROPERTIES,
    WAREHOUSE_CONTEXT_PREFIX,
    WAREHOUSE_RESERVED_COLUMNS,
    WAREHOUSE_TABLES,
    ReservedField,
)

# `version` and `channel` are message fields too, but Segment's own specs use them as
# properties (Application Installed `version`, Video Playback `channel`), so they are left out.
_MESSAGE_FIELDS = frozenset(
    {*MESSAGE_COMMON_FIELDS, *MESSAGE_CALL_FIELDS["track"], *MESSAGE_CALL_FIELDS["identify"]}
    - {"version", "channel", "name"}
)
_CARRIED_BY_MESSAGE = {
    "user_id": "the message's `userId`",
    "anonymous_id": "the message's `anonymousId`",
    "group_id": "`context.groupId` (or the group call's `groupId`)",
    "message_id": "the message's `messageId`",
    "received_at": "the message's `receivedAt`",
    "sent_at": "the message's `sentAt`",
    "loaded_at": "the warehouse's `loaded_at`",
    "uuid_ts": "the warehouse's `uuid_ts`",
}
_WHEN = frozenset({"timestamp", "original_timestamp"})
_RESERVED_PAYLOADS: Mapping[CallType, tuple[Mapping[str, ReservedField], bool]] = {
    CallType.TRACK: (RESERVED_TRACK_PROPERTIES, False),
    CallType.IDENTIFY: (RESERVED_IDENTIFY_TRAITS, True),
    CallType.GROUP: (RESERVED_GROUP_TRAITS, True),
    CallType.PAGE: (RESERVED_PAGE_PROPERTIES, False),
    CallType.SCREEN: (RESERVED_SCREEN_PROPERTIES, False),
}
"""The reserved payload of each call, and whether Segment matches it regardless of case and
separators (traits: `createdAt` is `created_at`)."""


class ReservedName(Rule):
    """A name collides with a Segment reserved field, trait or warehouse column.

    ## What it does
    Reports:

    - a property or trait named like a reserved warehouse column (`id`, `event`, `event_text`,
      `user_id`, `anonymous_id`, `group_id`, `received_at`, `sent_at`, `timestamp`,
      `original_timestamp`, `uuid`, `uuid_ts`, `loaded_at`, `context_*`), compared by its
      column name, the snake_case form warehouses use (`userId` is `user_id`; a nested `id` of
      an object `user` is `user_id`);
    - a property named like a top-level field of Segment messages (`userId`, `anonymousId`,
      `messageId`, `receivedAt`, `sentAt`, `timestamp`, `originalTimestamp`, `type`, `event`,
      `context`, `integrations`, `properties`, `traits`);
    - a reserved property or trait declared with a type that contradicts its reserved
      meaning: `revenue`, `currency` and `value` of track events, Segment's identify traits
      (`email`, `createdAt`, `address`, ...) and group traits (`employees`, `industry`, ...),
      page properties (`url`, `title`, ...) and screen `name`;
    - a track event whose warehouse table (the snake_case slug of its name) is one of the
      tables Segment creates for every source: `tracks`, `identifies`, `users`, `pages`,
      `screens`, `groups`, `accounts`, `aliases`.

    It suggests a safer name where one follows from the event: `event_name` for `event`,
    `order_id` for `id` on `Order Completed`, `completed_at` for `timestamp`. An identify or
    group trait `id` is Segment's own reserved trait and is not reported; neither are names a
    Segment spec event defines, when the plan tightens that event.

    ## Why is this bad?
    Segment's warehouses discard a property whose column name equals a reserved column, and
    Redshift renames keys that clash with top-level message fields, so the data silently goes
    missing or moves. Destinations read reserved properties and traits with their reserved
    meaning: a `revenue` sent as a string is not counted as revenue, an `email` trait that is
    a number breaks email tools. An event named `Tracks` would write into Segment's own
    `tracks` table.

    ## Example
    ```yaml
    events:
      Order Completed:
        properties:
          id: {type: string}
          event: {type: string}
          user_id: {type: string}
          revenue: {type: string}
    identify:
      traits:
        email: {type: integer}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        properties:
          order_id: {type: string}
          event_name: {type: string}
          revenue: {type: number}
    identify:
      traits:
        email: {type: email}
    ```
    """

    code = "TP104"
    slug = "reserved-name"
    summary = "A name collides with a Segment reserved field, trait or warehouse column"
    default_severity = Severity.ERROR
    Options = NoOptions

    def check(self, plan: Plan, options: NoOptions) -> Iterator[Violation]:
        convention = plan.conventions.properties
        if convention == "any":
            convention = "snake_case"
        for definition in plan.definitions():
            if definition.call is CallType.TRACK:
                table = convert(definition.name, "snake_case")
                if table in WAREHOUSE_TABLES:
                    yield Violation(
                        message=f"event {definition.name!r} would be stored in the warehouse "
                        f"table {table!r}, which Segment already uses for its own data "
                        f"({', '.join(WAREHOUSE_TABLES)}); rename it after the object and "
                        "the action it records",
                        location=definition.location,
                        definition=definition,
                    )
            any_spec = spec_paths(definition.call, definition.name)
            yield from _column_violations(
                definition, definition.properties, "", "", any_spec, convention
            )
            # Types only against the libraries the plan includes, where TP501 compares them.
            included_spec = spec_paths(definition.call, definition.name, plan)
            yield from _type_violations(definition, included_spec)


def _column_violations(
    definition: Definition,
    properties: tuple[Property, ...],
    prefix: str,
    column_prefix: str,
    spec_paths: frozenset[str],
    convention: str,
) -> Iterator[Violation]:
    """Names that hit a message field or a reserved column; objects flatten into columns."""
    reserved, loose = _RESERVED_PAYLOADS[definition.call]
    for prop in properties:
        path = f"{prefix}{prop.name}"
        column = column_prefix + convert(prop.name, "snake_case")
        if path in spec_paths or (
            definition.call in (CallType.IDENTIFY, CallType.GROUP)
            and not prefix
            and _reserved_field(prop.name, reserved, loose) is not None
        ):
            continue
        reasons = []
        if not prefix and prop.name in _MESSAGE_FIELDS:
            reasons.append(f"{prop.name!r} is a top-level field of Segment messages")
        if column in WAREHOUSE_RESERVED_COLUMNS or column.startswith(WAREHOUSE_CONTEXT_PREFIX):
            flattened = " (objects are flattened into columns)" if prefix else ""
            reasons.append(
                f"its warehouse column {column!r}{flattened} is reserved, so warehouses discard it"
            )
        if not reasons:
            if prop.is_object:
                yield from _column_violations(
                    definition, prop.properties, f"{path}.", f"{column}_", spec_paths, convention
                )
            continue
        carried = _CARRIED_BY_MESSAGE.get(convert(prop.name, "snake_case"))
        advice = f"; {carried} already carries it" if carried and not prefix else ""
        suggestion = None if prefix else _safer_name(definition, prop.name, convention)
        rename = f"; rename it to {suggestion!r}" if suggestion else ""
        yield Violation(
            message=f"{_kind(definition, prefix)} {path!r} of {_owner(definition)}: "
            f"{' and '.join(reasons)}{advice}{rename}",
            location=prop.location,
            suggestion=suggestion,
            definition=definition,
            data={"property": path},
        )


def _type_violations(definition: Definition, spec_paths: frozenset[str]) -> Iterator[Violation]:
    """Reserved properties and traits declared with a type their meaning does not allow."""
    reserved, loose = _RESERVED_PAYLOADS[definition.call]
    for prop in definition.properties:
        field = _reserved_field(prop.name, reserved, loose)
        if field is None or prop.name in spec_paths:
            continue
        yield from _type_violation(definition, prop, prop.name, field)
        for child in prop.properties:
            child_field = _reserved_field(child.name, field.properties, loose)
            if child_field is not None:
                yield from _type_violation(
                    definition, child, f"{prop.name}.{child.name}", child_field
                )


def _type_violation(
    definition: Definition, prop: Property, path: str, field: ReservedField
) -> Iterator[Violation]:
    allowed = {_JSON_TYPE.get(t, t) for t in field.types}
    if "number" in allowed:
        allowed.add("integer")
    declared = [t for t in prop.types if t != "null"]
    if not declared or all(t in allowed for t in declared):
        return
    expected = " or ".join(field.types)
    article = "an" if expected[0] in "aeiou" else "a"
    noun = {CallType.IDENTIFY: "identify traits", CallType.GROUP: "group traits"}.get(
        definition.call, f"{definition.call.value} properties"
    )
    yield Violation(
        message=f"{_kind(definition, '')} {path!r} of {_owner(definition)} is declared "
        f"{type_label(prop)}, but {path!r} is reserved in Segment's {noun} for {article} "
        f"{expected}, and destinations read it that way; declare it as {article} {expected} "
        "or rename it",
        location=prop.location,
        definition=definition,
        data={"property": path},
    )


_JSON_TYPE = {"date-time": "string"}


def _reserved_field(
    name: str, reserved: Mapping[str, ReservedField], loose: bool
) -> ReservedField | None:
    if not loose:
        return reserved.get(name)
    key = squash(name)
    return next((f for n, f in reserved.items() if squash(n) == key), None)


def _safer_name(definition: Definition, name: str, convention: str) -> str | None:
    """A name that says what the property holds, or None when there is no good guess."""
    column = convert(name, "snake_case")
    if column in _CARRIED_BY_MESSAGE:
        return None
    if column == "event":
        suggestion = convert("event name", convention)
    elif column in _WHEN:
        action = next((w for w in words(definition.name) if is_past_form(w)), None)
        if action is None:
            return None
        suggestion = convert(f"{action} at", convention)
    else:
        subject = _subject(definition)
        if subject is None or words(name)[0].casefold() == subject:
            return None
        suggestion = convert(f"{subject} {name}", convention)
    snake = convert(suggestion, "snake_case")
    taken = {p.name for p in definition.properties}
    if (
        suggestion in taken
        or suggestion in _MESSAGE_FIELDS
        or snake in WAREHOUSE_RESERVED_COLUMNS
        or snake.startswith(WAREHOUSE_CONTEXT_PREFIX)
    ):
        return None
    return suggestion


def _subject(definition: Definition) -> str | None:
    """The object a definition is about: `order` for `Order Completed` or `Completed Order`."""
    if definition.call is CallType.IDENTIFY:
        return "user"
    if definition.call is CallType.GROUP:
        return "group"
    return next((w.casefold() for w in words(definition.name) if not is_past_form(w)), None)


def _kind(definition: Definition, prefix: str) -> str:
    return "trait" if definition.call.payload_field == "traits" and not prefix else "property"


def _owner(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    noun = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{noun} {definition.name!r}"
