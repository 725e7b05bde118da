"""Names that Segment reserves, as plain data: message fields, reserved properties and traits with
their types, warehouse columns and warehouse tables.

Transcribed from `shared/reference/segment-spec.yaml` (facts gathered from segmentio/segment-docs
at commit 747b35d8f5f1889b041f2101185d562d7c4c016e):

- `message.common_fields` and `message.per_call_fields` (src/connections/spec/common.md and the
  per-call spec pages): the fields of a message itself;
- `message.reserved_track_properties` (spec/track.md), `message.reserved_identify_traits`
  (spec/identify.md), `message.reserved_group_traits` (spec/group.md),
  `message.reserved_page_properties` (spec/page.md), `message.reserved_screen_properties`
  (spec/screen.md);
- `warehouse_reserved_columns` (src/connections/storage/warehouses/schema.md).

`WAREHOUSE_TABLES` is not in that file; it lists the tables schema.md describes for every source.

Types are plan type names (`string`, `number`, `date-time`, ...); a tuple means any of them.
The lint rule TP104 and the event validator read these constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class ReservedField:
    """A reserved field: its types and, for an object, its reserved sub-fields."""

    types: tuple[str, ...]
    properties: Mapping[str, ReservedField] = field(default_factory=lambda: MappingProxyType({}))


def _fields(**fields: ReservedField) -> Mapping[str, ReservedField]:
    return MappingProxyType(fields)


_STRING = ReservedField(("string",))
_NUMBER = ReservedField(("number",))
_DATE_TIME = ReservedField(("date-time",))
_OBJECT = ReservedField(("object",))

MESSAGE_COMMON_FIELDS: Mapping[str, ReservedField] = _fields(
    anonymousId=_STRING,
    userId=_STRING,
    context=_OBJECT,
    integrations=_OBJECT,
    messageId=_STRING,
    receivedAt=_DATE_TIME,
    sentAt=_DATE_TIME,
    timestamp=_DATE_TIME,
    originalTimestamp=_DATE_TIME,
    type=_STRING,
    version=_NUMBER,
    channel=_STRING,
)
"""`message.common_fields`: the fields every message may carry, whatever its call type."""

MESSAGE_CALL_FIELDS: Mapping[str, Mapping[str, ReservedField]] = MappingProxyType(
    {
        "track": _fields(event=_STRING, properties=_OBJECT),
        "identify": _fields(traits=_OBJECT, userId=_STRING),
        "page": _fields(name=_STRING, category=_STRING, properties=_OBJECT),
        "screen": _fields(name=_STRING, properties=_OBJECT),
        "group": _fields(groupId=_STRING, traits=_OBJECT, userId=_STRING, anonymousId=_STRING),
        "alias": _fields(userId=_STRING, previousId=_STRING),
    }
)
"""`message.per_call_fields`: the fields of each call type, by call type."""

MESSAGE_TYPES = ("identify", "track", "page", "screen", "group", "alias")
"""`message.call_types`: the values of a message's `type`."""

RESERVED_TRACK_PROPERTIES: Mapping[str, ReservedField] = _fields(
    revenue=_NUMBER,
    currency=_STRING,
    value=_NUMBER,
)
"""`message.reserved_track_properties`: apply to every track event, with only this meaning."""

_ADDRESS = ReservedField(
    ("object",),
    _fields(city=_STRING, country=_STRING, postalCode=_STRING, state=_STRING, street=_STRING),
)

RESERVED_IDENTIFY_TRAITS: Mapping[str, ReservedField] = _fields(
    address=_ADDRESS,
    age=_NUMBER,
    avatar=_STRING,
    birthday=_DATE_TIME,
    company=ReservedField(
        ("object",),
        _fields(
            name=_STRING,
            id=ReservedField(("string", "number")),
            industry=_STRING,
            employee_count=_NUMBER,
            plan=_STRING,
        ),
    ),
    createdAt=_DATE_TIME,
    description=_STRING,
    email=_STRING,
    firstName=_STRING,
    gender=_STRING,
    id=_STRING,
    lastName=_STRING,
    name=_STRING,
    phone=_STRING,
    title=_STRING,
    username=_STRING,
    website=_STRING,
)
"""`message.reserved_identify_traits` (17). Segment accepts them in camelCase or snake_case
(`firstName` / `first_name`)."""

RESERVED_GROUP_TRAITS: Mapping[str, ReservedField] = _fields(
    address=_ADDRESS,
    avatar=_STRING,
    createdAt=_DATE_TIME,
    description=_STRING,
    email=_STRING,
    # Documented as String, but the docs' own group example sends the number 329 (the
    # reference lists this under `uncertain`), so both are accepted.
    employees=ReservedField(("string", "number")),
    id=_STRING,
    industry=_STRING,
    name=_STRING,
    phone=_STRING,
    website=_STRING,
    plan=_STRING,
)
"""`message.reserved_group_traits` (12, plus `address`). Segment matches them regardless of
case (`createdAt` / `created_at`)."""

RESERVED_PAGE_PROPERTIES: Mapping[str, ReservedField] = _fields(
    name=_STRING,
    path=_STRING,
    referrer=_STRING,
    search=_STRING,
    title=_STRING,
    url=_STRING,
    keywords=ReservedField(("array",)),
)
"""`message.reserved_page_properties`; analytics.js sends title, path, url, referrer and search
with every page call."""

RESERVED_SCREEN_PROPERTIES: Mapping[str, ReservedField] = _fields(name=_STRING)
"""`message.reserved_screen_properties`."""

SDK_PAGE_PROPERTIES: Mapping[str, ReservedField] = {
    **RESERVED_PAGE_PROPERTIES,
    "category": _STRING,
}
"""What Segment's SDKs put in a page call's properties by themselves: analytics.js adds `path`,
`referrer`, `search`, `title` and `url` and copies the call's `name` and `category`."""

WAREHOUSE_RESERVED_COLUMNS = (
    "anonymous_id",
    "event",
    "event_text",
    "id",
    "received_at",
    "sent_at",
    "timestamp",
    "original_timestamp",
    "user_id",
    "group_id",
    "uuid",
    "uuid_ts",
    "loaded_at",
)
"""`warehouse_reserved_columns.columns`, except `context_<key>` (see
`WAREHOUSE_CONTEXT_PREFIX`). A property or trait whose column name (its snake_case form) is one of
these is discarded by Segment's warehouses."""

WAREHOUSE_CONTEXT_PREFIX = "context_"
"""Columns `context_<key>` hold the flattened `context` object and are reserved too."""

WAREHOUSE_TABLES = (
    "aliases",
    "groups",
    "accounts",
    "identifies",
    "pages",
    "screens",
    "tracks",
    "users",
)
"""Tables Segment's warehouses create for every source (schema.md); a track event's own table is
the snake_case slug of its name (`Signed Up` -> `signed_up`)."""
