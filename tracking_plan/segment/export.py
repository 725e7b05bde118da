"""Export a `Plan` as a Segment Protocols tracking plan (Public API shape)."""

from __future__ import annotations

from typing import Any

from ..compiler.jsonschema import DRAFTS, Schema, payload_schemas
from ..model import CallType, Definition, Plan

DRAFT = "7"
RULE_TYPES = {
    CallType.TRACK: "TRACK",
    CallType.IDENTIFY: "IDENTIFY",
    CallType.GROUP: "GROUP",
    CallType.PAGE: "PAGE",
    CallType.SCREEN: "SCREEN",
}


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan as `{"name", "description", "type": "LIVE", "rules": [...]}`, in plan order."""
    return {
        "name": plan.name,
        "description": plan.description or "",
        "type": "LIVE",
        "rules": [export_rule(definition) for definition in plan.definitions()],
    }


def export_rule(definition: Definition) -> dict[str, Any]:
    """One Segment rule: `key` is the event, page or screen name (null for identify/group)."""
    keyed = definition.call not in (CallType.IDENTIFY, CallType.GROUP)
    return {
        "key": definition.name if keyed else None,
        "type": RULE_TYPES[definition.call],
        "version": definition.version or 1,
        "jsonSchema": rule_schema(definition),
    }


def rule_schema(definition: Definition) -> Schema:
    """The draft-07 message schema Segment expects: payload under `properties` or `traits`."""
    fields, required = payload_schemas(definition, DRAFT)
    schema: Schema = {"$schema": DRAFTS[DRAFT], "type": "object"}
    if definition.tags:
        schema["labels"] = tag_labels(definition.tags)
    if definition.description:
        schema["description"] = definition.description
    schema["properties"] = fields
    if required:
        schema["required"] = required
    return schema


def tag_labels(tags: tuple[str, ...]) -> dict[str, str]:
    """Segment labels from tags: `key:value` -> `{key: value}`, a plain tag -> `{tag: ""}`."""
    labels: dict[str, str] = {}
    for tag in tags:
        key, _, value = tag.partition(":")
        labels[key] = value
    return labels
