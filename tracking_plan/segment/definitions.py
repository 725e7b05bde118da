"""Plan definitions from Segment rules: one per call and name (the highest version kept),
placed in `events`, `pages`, `screens`, `identify` or `group`; and the plan's shared context
from the common rules."""

from __future__ import annotations

from ..jsonkinds import kind_phrase
from ..model import CallType
from .messages import message_fields
from .notes import ImportNotes
from .properties import Spec
from .rule_list import Globals, SegmentRule

_SECTIONS = {
    CallType.TRACK: "events",
    CallType.PAGE: "pages",
    CallType.SCREEN: "screens",
}


def add_definitions(notes: ImportNotes, rules: list[SegmentRule], plan: Spec) -> None:
    """Add a definition to `plan` for each call and name; of two rules for the same one, the
    higher version is kept (the first of equal ones) and the other noted."""
    kept: dict[tuple[CallType, str], SegmentRule] = {}
    for rule in rules:
        key = (rule.call, rule.name)
        other = kept.get(key)
        if other is None:
            kept[key] = rule
            continue
        if (rule.version or 1) > (other.version or 1):
            kept[key], rule, other = rule, other, rule
        label = rule.call.value if rule.call.value == rule.name else repr(rule.name)
        notes.warn(
            rule.path,
            f"another rule for {label} (version {other.version or 1}) is kept; "
            f"this one (version {rule.version or 1}) is dropped",
        )
    for (call, name), rule in kept.items():
        spec = _definition(notes, rule)
        if call in _SECTIONS:
            plan.setdefault(_SECTIONS[call], {})[name] = spec
        else:
            plan[call.value] = spec


def global_context(notes: ImportNotes, globals_: Globals) -> Spec:
    """The context fields the common rules plan for every message; the first one wins."""
    context: Spec = {}
    for schema, path in globals_:
        if not isinstance(schema, dict):
            notes.warn(path, f"a common rule's schema must be an object, not {kind_phrase(schema)}")
            continue
        fields = message_fields(notes, schema, path, CallType.TRACK, common=True)
        for name, spec in fields.get("context", {}).items():
            context.setdefault(name, spec)
    return context


def _definition(notes: ImportNotes, rule: SegmentRule) -> Spec:
    schema = rule.schema
    fields: Spec = {}
    if isinstance(schema, dict):
        fields = message_fields(notes, schema, rule.path, rule.call)
    elif schema is not None:
        notes.warn(rule.path, f"the schema must be an object, not {kind_phrase(schema)}; ignored")
    spec: Spec = {}
    description = fields.get("description") or rule.description
    if description:
        spec["description"] = description
    if rule.deprecated:
        spec["status"] = "deprecated"
    if fields.get("tags"):
        spec["tags"] = fields["tags"]
    if rule.version not in (None, 1):
        spec["version"] = rule.version
    payload = rule.call.payload_field
    if fields.get("forbid"):
        spec["unplanned_traits" if payload == "traits" else "unplanned_properties"] = "forbid"
    if fields.get("context"):
        spec["context"] = fields["context"]
    if fields.get("payload"):
        spec[payload] = fields["payload"]
    return spec
