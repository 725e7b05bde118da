"""Compile a `Plan` into JSON Schema: one schema per definition plus a routing bundle.

A definition's schema describes a whole message (as Segment Protocols rules do): its payload
(`properties` or `traits`) and `context`. The bundle adds the message envelope and routes each
message to its definition by `type` and `event` (or `name` for pages and screens).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import CallType, Definition, Plan, Policy, Property
from ..slugs import snake_slug

Schema = dict[str, Any]

DRAFTS = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "7": "http://json-schema.org/draft-07/schema#",
}
MESSAGE_TYPES = ("track", "identify", "group", "page", "screen", "alias")
MAX_MESSAGE_ID_LENGTH = 100
_ROUTE_FIELD = {CallType.TRACK: "event", CallType.PAGE: "name", CallType.SCREEN: "name"}


@dataclass(frozen=True, slots=True)
class CompiledPlan:
    """Schemas keyed by their path relative to the output folder, in a fixed order."""

    draft: str
    schemas: dict[str, Schema]

    BUNDLE = "bundle.schema.json"

    @property
    def bundle(self) -> Schema:
        return self.schemas[self.BUNDLE]


def normalize_draft(draft: str | int) -> str:
    text = str(draft).strip().lower().removeprefix("draft").strip("-_ ")
    if text in ("7", "07"):
        return "7"
    if text in ("2020-12", "202012"):
        return "2020-12"
    raise ValueError(f"unsupported JSON Schema draft {draft!r} (use 2020-12 or 7)")


def compile_plan(plan: Plan, *, draft: str | int = "2020-12") -> CompiledPlan:
    """Compile every definition of `plan`; `draft` is "2020-12" (default) or "7"."""
    draft = normalize_draft(draft)
    paths = definition_paths(plan)
    schemas: dict[str, Schema] = {}
    for definition in plan.definitions():
        path = paths[definition.call, definition.name]
        schemas[path] = _document(plan, definition, draft, path)
    schemas[CompiledPlan.BUNDLE] = _bundle(plan, draft, paths)
    return CompiledPlan(draft=draft, schemas=schemas)


def definition_paths(plan: Plan) -> dict[tuple[CallType, str], str]:
    """Stable file paths: `track/order_completed.schema.json`, `identify.schema.json`, ..."""
    paths: dict[tuple[CallType, str], str] = {}
    taken: set[str] = set()
    for definition in plan.definitions():
        if definition.call in (CallType.IDENTIFY, CallType.GROUP):
            stem = definition.call.value
        else:
            base = f"{definition.call.value}/{snake_slug(definition.name)}"
            stem, counter = base, 2
            while stem in taken:
                stem, counter = f"{base}_{counter}", counter + 1
        taken.add(stem)
        paths[definition.call, definition.name] = f"{stem}.schema.json"
    return paths


def property_schema(prop: Property, draft: str) -> Schema:
    schema: Schema = {}
    types = list(prop.types)
    if types:
        if prop.nullable and "null" not in types:
            types.append("null")
        schema["type"] = types[0] if len(types) == 1 else types
    if prop.description:
        schema["description"] = prop.description
    if prop.examples:
        schema["examples"] = list(prop.examples)
    if len(prop.formats) == 1:
        schema["format"] = prop.formats[0]
    elif prop.formats:  # `format` applies to strings only, so other types pass every branch
        schema["anyOf"] = [{"format": name} for name in prop.formats]
    if prop.enum is not None:
        values = list(prop.enum)
        if prop.nullable and None not in values:
            values.append(None)
        schema["enum"] = values
    for key, value in (
        ("pattern", prop.pattern),
        ("minLength", prop.min_length),
        ("maxLength", prop.max_length),
        ("minimum", prop.minimum),
        ("maximum", prop.maximum),
        ("exclusiveMinimum", prop.exclusive_minimum),
        ("exclusiveMaximum", prop.exclusive_maximum),
        ("multipleOf", prop.multiple_of),
        ("minItems", prop.min_items),
        ("maxItems", prop.max_items),
    ):
        if value is not None:
            schema[key] = value
    if prop.unique_items:
        schema["uniqueItems"] = True
    if prop.items is not None:
        schema["items"] = property_schema(prop.items, draft)
    if prop.properties or (prop.is_object and prop.unplanned_properties is Policy.FORBID):
        schema.update(_object_keywords(prop.properties, prop.unplanned_properties, draft))
    return schema


def object_schema(props: tuple[Property, ...], policy: Policy, draft: str) -> Schema:
    return {"type": "object", **_object_keywords(props, policy, draft)}


def _object_keywords(props: tuple[Property, ...], policy: Policy, draft: str) -> Schema:
    """`properties`, `required` and `additionalProperties` for an object with these children."""
    schema: Schema = {}
    if props:
        schema["properties"] = {p.name: property_schema(p, draft) for p in props}
    required = [p.name for p in props if p.required]
    if required:
        schema["required"] = required
    if policy is Policy.FORBID:
        schema["additionalProperties"] = False
    return schema


def payload_schemas(definition: Definition, draft: str) -> tuple[Schema, list[str]]:
    """Schemas of the message fields a definition plans (`properties` or `traits`, and
    `context`), and which of those fields the message must carry."""
    payload = definition.call.payload_field
    fields: Schema = {
        payload: object_schema(definition.properties, definition.unplanned_properties, draft)
    }
    required: list[str] = []
    if any(p.required for p in definition.properties):
        required.append(payload)
    if definition.context:
        fields["context"] = object_schema(definition.context, Policy.ALLOW, draft)
        if any(p.required for p in definition.context):
            required.append("context")
    return fields, required


def definition_schema(definition: Definition, draft: str) -> Schema:
    """The message-level schema of one definition, without `$schema`/`$id`."""
    fields: Schema = {"type": {"const": definition.call.value}}
    route = _ROUTE_FIELD.get(definition.call)
    if route is not None:
        fields[route] = {"const": definition.name}
    payload, required = payload_schemas(definition, draft)
    fields.update(payload)
    schema: Schema = {"title": _title(definition), "type": "object", "properties": fields}
    if definition.description:
        schema["description"] = definition.description
    if definition.deprecated and draft == "2020-12":
        schema["deprecated"] = True
    if required:
        schema["required"] = required
    return schema


def _title(definition: Definition) -> str:
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return definition.call.value
    return f"{definition.call.value} {definition.name}"


def _schema_id(plan: Plan, path: str) -> str:
    return f"urn:tracking-plan:{snake_slug(plan.name)}:{path.removesuffix('.schema.json')}"


def _comment(plan: Plan) -> str:
    version = f" {plan.version}" if plan.version else ""
    return f"Generated by tracking-plan from plan {plan.name}{version}. Do not edit."


def _document(plan: Plan, definition: Definition, draft: str, path: str) -> Schema:
    return {
        "$schema": DRAFTS[draft],
        "$id": _schema_id(plan, path),
        "$comment": _comment(plan),
        **definition_schema(definition, draft),
    }


def envelope_schema() -> Schema:
    """Fields every Segment message carries, whatever the plan says."""
    timestamp: Schema = {"type": "string", "format": "date-time"}
    return {
        "type": "object",
        "required": ["type", "messageId"],
        "properties": {
            "type": {"enum": list(MESSAGE_TYPES)},
            "event": {"type": "string", "minLength": 1},
            "name": {"type": ["string", "null"]},  # page() and screen() without a name
            # Segment's SDKs send the id they do not have as null.
            "userId": {"type": ["string", "null"], "minLength": 1},
            "anonymousId": {"type": ["string", "null"], "minLength": 1},
            "groupId": {"type": "string", "minLength": 1},
            "previousId": {"type": "string", "minLength": 1},
            "messageId": {"type": "string", "minLength": 1, "maxLength": MAX_MESSAGE_ID_LENGTH},
            "timestamp": timestamp,
            "originalTimestamp": timestamp,
            "sentAt": timestamp,
            "receivedAt": timestamp,
            "properties": {"type": "object"},
            "traits": {"type": "object"},
            "context": {"type": "object"},
            "integrations": {"type": "object"},
        },
        "anyOf": [
            {"required": ["userId"], "properties": {"userId": {"type": "string"}}},
            {"required": ["anonymousId"], "properties": {"anonymousId": {"type": "string"}}},
        ],
    }


def _when(conditions: Schema, then: Schema) -> Schema:
    return {
        "if": {
            "properties": {k: {"const": v} for k, v in conditions.items()},
            "required": list(conditions),
        },
        "then": then,
    }


def call_rules() -> list[Schema]:
    """Fields some call types require: `event` for track, `groupId` for group, ..."""
    return [
        _when({"type": "track"}, {"required": ["event"]}),
        _when({"type": "group"}, {"required": ["groupId"]}),
        _when({"type": "alias"}, {"required": ["userId", "previousId"]}),
    ]


def unplanned_event_rules(plan: Plan) -> list[Schema]:
    """With `unplanned_events: forbid`, a track event must be one of the plan's."""
    if plan.unplanned_events is not Policy.FORBID:
        return []
    planned = [e.name for e in plan.events]
    return [_when({"type": "track"}, {"properties": {"event": {"enum": planned}}})]


def _bundle(plan: Plan, draft: str, paths: dict[tuple[CallType, str], str]) -> Schema:
    defs_key = "$defs" if draft == "2020-12" else "definitions"
    defs: Schema = {}
    rules: list[Schema] = call_rules()
    for definition in plan.definitions():
        key = paths[definition.call, definition.name].removesuffix(".schema.json").replace("/", ".")
        defs[key] = definition_schema(definition, draft)
        conditions: Schema = {"type": definition.call.value}
        route = _ROUTE_FIELD.get(definition.call)
        if route is not None:
            conditions[route] = definition.name
        rules.append(_when(conditions, {"$ref": f"#/{defs_key}/{key}"}))
    rules.extend(unplanned_event_rules(plan))
    bundle: Schema = {
        "$schema": DRAFTS[draft],
        "$id": _schema_id(plan, CompiledPlan.BUNDLE),
        "$comment": _comment(plan),
        "title": f"{plan.name} messages",
        **envelope_schema(),
        "allOf": rules,
    }
    if defs:
        bundle[defs_key] = defs
    return bundle
