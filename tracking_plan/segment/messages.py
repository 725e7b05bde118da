"""A Segment rule's message schema split into what a plan definition holds: description, tags,
the payload (`properties` or `traits`), whether unplanned payload keys are forbidden, and
context fields."""

from __future__ import annotations

from typing import Any

from ..jsonkinds import kind_phrase
from ..model import CallType, Policy
from .notes import ImportNotes, JsonPath
from .properties import ANNOTATIONS, Spec, members, optional_text

_OBJECT_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", *ANNOTATIONS}
)
_MESSAGE_FIELDS = ("properties", "traits", "context")


def message_fields(
    notes: ImportNotes,
    schema: dict[str, Any],
    path: JsonPath,
    call: CallType,
    *,
    common: bool = False,
) -> Spec:
    """Split a message schema into description, tags, payload, forbid flag and context."""
    result: Spec = {
        "description": optional_text(notes, schema.get("description"), (*path, "description")),
        "tags": _tags(notes, schema.get("labels"), (*path, "labels")),
    }
    fields = schema.get("properties") or {}
    if not isinstance(fields, dict):
        notes.warn((*path, "properties"), f"must be an object, not {kind_phrase(fields)}; ignored")
        fields = {}
    if fields and not any(k in fields for k in _MESSAGE_FIELDS):
        if common:  # a payload-only schema for every event
            notes.unsupported((*path, "properties"), "properties common to every event")
        else:  # the payload itself, as Config API identify/group rules may hold it
            result["payload"], result["forbid"] = _payload(notes, schema, path, meta=True)
        return result
    for key, value in schema.items():
        here = (*path, key)
        if key in ANNOTATIONS or key in ("properties", "labels"):
            continue
        if key == "type":
            if value != "object":
                notes.unsupported(here, f"a message type of {value!r}")
        elif key == "required":
            names = value if isinstance(value, list) else [value]
            extra = [n for n in names if n not in _MESSAGE_FIELDS]
            if extra:
                notes.unsupported(here, f"required message fields {extra!r}")
        else:
            notes.unsupported(here)
    for name, sub in fields.items():
        here = (*path, "properties", name)
        if name == "context":
            result["context"] = _context(notes, sub, here)
        elif name == call.payload_field and not common:
            result["payload"], result["forbid"] = _payload(notes, sub, here)
        elif not _trivial(sub):
            notes.unsupported(here, f"message field `{name}`")
    return result


def _payload(
    notes: ImportNotes, schema: Any, path: JsonPath, *, meta: bool = False
) -> tuple[Spec, bool]:
    """The payload object: its properties and whether unplanned ones are forbidden."""
    if schema is True or schema is None:
        return {}, False
    if not isinstance(schema, dict):
        notes.warn(path, f"must be an object schema, not {kind_phrase(schema)}; ignored")
        return {}, False
    skip = {"labels"} if meta else set()
    _check_keywords(notes, schema, path, _OBJECT_KEYWORDS | skip)
    extra = schema.get("additionalProperties")
    forbid = extra is False
    policy = Policy.FORBID if forbid else Policy.WARN
    return members(notes, schema, path, policy, 0), forbid


def _context(notes: ImportNotes, schema: Any, path: JsonPath) -> Spec:
    if schema is True or schema is None:
        return {}
    if not isinstance(schema, dict):
        notes.warn(path, f"must be an object schema, not {kind_phrase(schema)}; ignored")
        return {}
    _check_keywords(notes, schema, path, _OBJECT_KEYWORDS)
    if schema.get("additionalProperties") is False:
        notes.unsupported(
            (*path, "additionalProperties"), "`additionalProperties: false` on context"
        )
    return members(notes, schema, path, Policy.ALLOW, 0)


def _check_keywords(
    notes: ImportNotes,
    schema: dict[str, Any],
    path: JsonPath,
    allowed: frozenset[str] | set[str],
) -> None:
    """Note each keyword of an object schema outside `allowed`, and a type other than object."""
    for key, value in schema.items():
        if key not in allowed:
            notes.unsupported((*path, key))
        elif key == "additionalProperties" and not isinstance(value, bool):
            notes.unsupported((*path, key), "`additionalProperties` with a schema")
    kind = schema.get("type", "object")
    if kind != "object":
        notes.unsupported((*path, "type"), f"a payload type of {kind!r}")


def _tags(notes: ImportNotes, labels: Any, path: JsonPath) -> list[str]:
    if labels is None:
        return []
    if not isinstance(labels, dict):
        notes.warn(path, f"labels must be an object, not {kind_phrase(labels)}; dropped")
        return []
    return [f"{k}:{v}" if v not in ("", None) else str(k) for k, v in labels.items()]


def _trivial(schema: Any) -> bool:
    """`{}`, `{"type": "object"}` or `{"type": "object", "properties": {}}`, annotations aside:
    no constraint."""
    if schema is True or schema is None:
        return True
    if not isinstance(schema, dict) or not set(schema) - ANNOTATIONS <= {"type", "properties"}:
        return False
    return schema.get("type", "object") == "object" and not schema.get("properties")
