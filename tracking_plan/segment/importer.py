"""Import a Segment Protocols tracking plan (Public API or Config API / Typewriter JSON) as YAML.

`import_segment` never raises: what it cannot express becomes a TP011 warning naming the JSON
path, input it cannot read at all a TP002 error (and no YAML).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ruamel.yaml.error import YAMLError

from ..codes import diagnostic
from ..diagnostics import Diagnostic, Location
from ..jsonkinds import kind_phrase
from ..loader.fragment import MAX_NAME_LENGTH
from ..model import JSON_TYPES, STRING_FORMATS, CallType, Policy
from ..pointers import json_pointer
from ..slugs import kebab_slug
from ..yaml_writer import dump_plan
from .conventions import infer_conventions
from .json_source import JsonProblem, parse_json

JsonPath = tuple[str | int, ...]
Spec = dict[str, Any]

RULE_CALLS = {c.name: c for c in CallType}
MAX_DEPTH = 32
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "id", "$anchor", "$comment", "title", "description", "examples", "default",
     "readOnly", "writeOnly", "deprecated", "definitions", "$defs", "eventMetadata"}
)  # fmt: skip
"""Keywords that change no verdict (annotations, identifiers, definitions, which only a `$ref`
reported on its own uses, and the `eventMetadata` of Segment's exports): left out without a
warning, except a property's `description` and `examples`, which the plan keeps."""
_PROPERTY_KEYWORDS = frozenset(
    {
        "type", "format", "description", "examples", "enum", "const", "pattern",
        "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "items", "minItems", "maxItems", "uniqueItems", "properties", "required",
        "additionalProperties", "anyOf", *_ANNOTATIONS,
    }
)  # fmt: skip
_OBJECT_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", *_ANNOTATIONS}
)
_NUMBERS = (
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("exclusiveMinimum", "exclusive_minimum"),
    ("exclusiveMaximum", "exclusive_maximum"),
    ("multipleOf", "multiple_of"),
)
_COUNTS = (
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("minItems", "min_items"),
    ("maxItems", "max_items"),
)
_YEAR = re.compile(r"\s*([+-]?\d{1,9})-")
_MESSAGE_FIELDS = ("properties", "traits", "context")
_ORDER = (
    "plan",
    "description",
    "conventions",
    "context",
    "events",
    "identify",
    "group",
    "pages",
    "screens",
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The plan as YAML text (None when nothing could be imported) and what was found."""

    yaml_text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.yaml_text is not None


@dataclass(slots=True, kw_only=True)
class _Rule:
    call: CallType
    name: str
    schema: Any
    path: JsonPath
    version: int | None = None
    description: str | None = None
    deprecated: bool = False


def import_segment(data: Any, *, source: str) -> ImportResult:
    """Convert parsed Segment tracking-plan JSON into plan YAML; `source` names the input file."""
    importer = _Importer(source)
    text = importer.run(data)
    return ImportResult(text, importer.diagnostics)


def import_segment_text(text: str, *, source: str) -> ImportResult:
    """`import_segment` of JSON text; text that is not usable JSON is a located TP002 error."""
    try:
        data = parse_json(text)
    except JsonProblem as problem:
        hint = ""
        if problem.message.startswith("not valid JSON"):
            hint = "; export the plan from Segment as JSON (Public API or Typewriter plan.json)"
        location = Location(file=source, line=problem.line, column=problem.column)
        error = diagnostic("TP002", problem.message + hint, location=location)
        return ImportResult(None, [error])
    return import_segment(data, source=source)


def format_path(path: JsonPath) -> str:
    """`("rules", 3, "jsonSchema")` -> `rules[3].jsonSchema`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text or "<root>"


class _Importer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    # -- diagnostics -----------------------------------------------------------------------

    def _report(self, code: str, path: JsonPath, message: str) -> None:
        self.diagnostics.append(
            diagnostic(
                code,
                message,
                location=Location(file=self.source, pointer=json_pointer(path)),
                data={"path": format_path(path)},
            )
        )

    def warn(self, path: JsonPath, message: str) -> None:
        self._report("TP011", path, f"{format_path(path)}: {message}")

    def unsupported(self, path: JsonPath, what: str | None = None) -> None:
        what = what or f"`{path[-1]}`"
        self.warn(path, f"{what} cannot be expressed in a tracking plan; dropped")

    def error(self, path: JsonPath, message: str) -> None:
        self._report("TP002", path, message)

    # -- plan ------------------------------------------------------------------------------

    def run(self, data: Any) -> str | None:
        if not isinstance(data, dict):
            self.error((), f"a Segment tracking plan is a JSON object, not {kind_phrase(data)}")
            return None
        holders = _holders(data)
        found = next(((h, p) for h, p in holders if "rules" in h), None)
        if found is None:
            self.error((), "no `rules` found: not a Segment Public API or Config API tracking plan")
            return None
        holder, path = found
        rules, path = holder["rules"], (*path, "rules")
        globals_: list[tuple[Any, JsonPath]] = []
        if isinstance(rules, list):
            collected = self._public_rules(rules, path, globals_)
        elif isinstance(rules, dict):
            collected = self._config_rules(rules, path, globals_)
        else:
            self.error(path, f"`rules` must be a list or a mapping, not {kind_phrase(rules)}")
            return None
        if not collected:
            self.error(path, "the tracking plan has no rules that could be imported")
            return None
        plan: Spec = {"plan": self._plan_name(holders)}
        description = _first_text(holders, "description")
        if description:
            plan["description"] = description
        context = self._global_context(globals_)
        if context:
            plan["context"] = context
        self._definitions(collected, plan)
        conventions = infer_conventions(plan)
        if conventions:
            plan["conventions"] = conventions
        for section in _ORDER:
            if section in plan:
                plan[section] = plan.pop(section)
        try:
            return dump_plan(plan, f"Imported from {self.source} by tp import segment")
        except (RecursionError, ValueError, TypeError, YAMLError) as problem:
            self.error(path, f"the imported plan cannot be written as YAML: {problem}")
            return None

    def _plan_name(self, holders: list[tuple[dict[str, Any], JsonPath]]) -> str:
        name = _first_text(holders, "display_name") or _first_text(holders, "displayName")
        if not name:
            names = [h.get("name") for h, _ in holders]
            name = next((n for n in names if isinstance(n, str) and "/" not in n), None)
        for candidate in (name, PurePath(self.source).stem):
            slug = kebab_slug(candidate or "")
            if slug:
                return slug
        return "segment-plan"

    def _definitions(self, rules: list[_Rule], plan: Spec) -> None:
        kept: dict[tuple[CallType, str], _Rule] = {}
        for rule in rules:
            key = (rule.call, rule.name)
            other = kept.get(key)
            if other is None:
                kept[key] = rule
                continue
            if (rule.version or 1) > (other.version or 1):
                kept[key], rule, other = rule, other, rule
            label = rule.call.value if rule.call.value == rule.name else repr(rule.name)
            self.warn(
                rule.path,
                f"another rule for {label} (version {other.version or 1}) is kept; "
                f"this one (version {rule.version or 1}) is dropped",
            )
        sections = {
            CallType.TRACK: "events",
            CallType.PAGE: "pages",
            CallType.SCREEN: "screens",
        }
        for (call, name), rule in kept.items():
            spec = self._definition(rule)
            if call in sections:
                plan.setdefault(sections[call], {})[name] = spec
            else:
                plan[call.value] = spec

    # -- finding rules ---------------------------------------------------------------------

    def _public_rules(
        self, rules: list[Any], path: JsonPath, globals_: list[tuple[Any, JsonPath]]
    ) -> list[_Rule]:
        result: list[_Rule] = []
        for index, item in enumerate(rules):
            here = (*path, index)
            if not isinstance(item, dict):
                self.warn(here, f"a rule must be an object, not {kind_phrase(item)}; skipped")
                continue
            kind = item.get("type")
            schema_key = "json_schema" if "json_schema" in item else "jsonSchema"
            schema = self._parse_schema(item.get(schema_key), (*here, schema_key))
            if isinstance(kind, str) and kind.upper() == "COMMON":
                globals_.append((schema, (*here, schema_key)))
                continue
            call = RULE_CALLS.get(kind.upper()) if isinstance(kind, str) else None
            if call is None:
                self.warn((*here, "type"), f"unknown rule type {kind!r}; rule skipped")
                continue
            name = self._rule_name(call, item.get("key"), (*here, "key"))
            if name is None:
                continue
            result.append(
                _Rule(
                    call=call,
                    name=name,
                    schema=schema,
                    path=(*here, schema_key),
                    version=self._version(item.get("version"), (*here, "version")),
                    deprecated=_deprecated(item.get("deprecatedAt")),
                )
            )
        return result

    def _config_rules(
        self, rules: dict[str, Any], path: JsonPath, globals_: list[tuple[Any, JsonPath]]
    ) -> list[_Rule]:
        result: list[_Rule] = []
        events = rules.get("events") or []
        if not isinstance(events, list):
            self.warn(
                (*path, "events"), f"`events` must be a list, not {kind_phrase(events)}; ignored"
            )
            events = []
        for index, event in enumerate(events):
            here = (*path, "events", index)
            if not isinstance(event, dict):
                self.warn(here, f"an event must be an object, not {kind_phrase(event)}; skipped")
                continue
            name = self._rule_name(CallType.TRACK, event.get("name"), (*here, "name"))
            if name is None:
                continue
            description = event.get("description")
            result.append(
                _Rule(
                    call=CallType.TRACK,
                    name=name,
                    schema=self._parse_schema(event.get("rules"), (*here, "rules")),
                    path=(*here, "rules"),
                    version=self._version(event.get("version"), (*here, "version")),
                    description=description if isinstance(description, str) else None,
                )
            )
        for key in ("identify", "group"):
            schema, here = _unwrap(rules.get(key), (*path, key))
            if schema:
                call = CallType(key)
                result.append(_Rule(call=call, name=key, schema=schema, path=here))
        if rules.get("global"):
            globals_.append(_unwrap(rules["global"], (*path, "global")))
        for key, value in rules.items():
            known = key in ("events", "identify", "group", "global")
            if not known and value not in (None, [], {}):
                self.unsupported((*path, key))
        return result

    def _rule_name(self, call: CallType, key: Any, path: JsonPath) -> str | None:
        if call in (CallType.IDENTIFY, CallType.GROUP):
            return call.value
        if isinstance(key, str) and len(key) > MAX_NAME_LENGTH:
            self.warn(
                path, f"a name of {len(key):,} characters is too long for a plan; rule skipped"
            )
            return None
        if isinstance(key, str) and key.strip():
            return key
        if call is CallType.TRACK:
            self.warn(path, "a track rule needs an event name; rule skipped")
            return None
        name = call.value.title()
        self.warn(path, f"a {call.value} rule without a name is imported as {name!r}")
        return name

    def _version(self, value: Any, path: JsonPath) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        self.warn(path, f"version must be an integer >= 1, not {value!r}; ignored")
        return None

    def _parse_schema(self, value: Any, path: JsonPath) -> Any:
        """Terraform exports hold the schema as a JSON string."""
        if isinstance(value, str):
            try:
                return parse_json(value)
            except JsonProblem as problem:
                self.warn(
                    path, f"the schema is a string that is not usable JSON: {problem}; ignored"
                )
                return None
        return value

    def _global_context(self, globals_: list[tuple[Any, JsonPath]]) -> Spec:
        context: Spec = {}
        for schema, path in globals_:
            if not isinstance(schema, dict):
                self.warn(
                    path, f"a common rule's schema must be an object, not {kind_phrase(schema)}"
                )
                continue
            fields = self._message(schema, path, CallType.TRACK, common=True)
            for name, spec in fields.get("context", {}).items():
                context.setdefault(name, spec)
        return context

    # -- definitions -----------------------------------------------------------------------

    def _definition(self, rule: _Rule) -> Spec:
        schema = rule.schema
        fields: Spec = {}
        if isinstance(schema, dict):
            fields = self._message(schema, rule.path, rule.call)
        elif schema is not None:
            self.warn(
                rule.path, f"the schema must be an object, not {kind_phrase(schema)}; ignored"
            )
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

    def _message(
        self, schema: dict[str, Any], path: JsonPath, call: CallType, *, common: bool = False
    ) -> Spec:
        """Split a message schema into description, tags, payload, forbid flag and context."""
        result: Spec = {
            "description": self._text(schema.get("description"), (*path, "description")),
            "tags": self._tags(schema.get("labels"), (*path, "labels")),
        }
        fields = schema.get("properties") or {}
        if not isinstance(fields, dict):
            self.warn(
                (*path, "properties"), f"must be an object, not {kind_phrase(fields)}; ignored"
            )
            fields = {}
        if fields and not any(k in fields for k in _MESSAGE_FIELDS):
            if common:  # a payload-only schema for every event
                self.unsupported((*path, "properties"), "properties common to every event")
            else:  # the payload itself, as Config API identify/group rules may hold it
                result["payload"], result["forbid"] = self._payload(schema, path, meta=True)
            return result
        for key, value in schema.items():
            here = (*path, key)
            if key in _ANNOTATIONS or key in ("properties", "labels"):
                continue
            if key == "type":
                if value != "object":
                    self.unsupported(here, f"a message type of {value!r}")
            elif key == "required":
                names = value if isinstance(value, list) else [value]
                extra = [n for n in names if n not in _MESSAGE_FIELDS]
                if extra:
                    self.unsupported(here, f"required message fields {extra!r}")
            else:
                self.unsupported(here)
        for name, sub in fields.items():
            here = (*path, "properties", name)
            if name == "context":
                result["context"] = self._context(sub, here)
            elif name == call.payload_field and not common:
                result["payload"], result["forbid"] = self._payload(sub, here)
            elif not _trivial(sub):
                self.unsupported(here, f"message field `{name}`")
        return result

    def _payload(self, schema: Any, path: JsonPath, *, meta: bool = False) -> tuple[Spec, bool]:
        """The payload object: its properties and whether unplanned ones are forbidden."""
        if schema is True or schema is None:
            return {}, False
        if not isinstance(schema, dict):
            self.warn(path, f"must be an object schema, not {kind_phrase(schema)}; ignored")
            return {}, False
        skip = {"labels"} if meta else set()
        self._check_keywords(schema, path, _OBJECT_KEYWORDS | skip, object_type=True)
        extra = schema.get("additionalProperties")
        forbid = extra is False
        policy = Policy.FORBID if forbid else Policy.WARN
        return self._members(schema, path, policy, 0), forbid

    def _context(self, schema: Any, path: JsonPath) -> Spec:
        if schema is True or schema is None:
            return {}
        if not isinstance(schema, dict):
            self.warn(path, f"must be an object schema, not {kind_phrase(schema)}; ignored")
            return {}
        self._check_keywords(schema, path, _OBJECT_KEYWORDS, object_type=True)
        if schema.get("additionalProperties") is False:
            self.unsupported(
                (*path, "additionalProperties"), "`additionalProperties: false` on context"
            )
        return self._members(schema, path, Policy.ALLOW, 0)

    def _check_keywords(
        self,
        schema: dict[str, Any],
        path: JsonPath,
        allowed: frozenset[str] | set[str],
        *,
        object_type: bool,
    ) -> None:
        for key, value in schema.items():
            if key not in allowed:
                self.unsupported((*path, key))
            elif key == "additionalProperties" and not isinstance(value, bool):
                self.unsupported((*path, key), "`additionalProperties` with a schema")
        kind = schema.get("type", "object")
        if object_type and kind != "object":
            self.unsupported((*path, "type"), f"a payload type of {kind!r}")

    # -- properties ------------------------------------------------------------------------

    def _members(self, schema: dict[str, Any], path: JsonPath, policy: Policy, depth: int) -> Spec:
        props, required = self._props(schema, path), self._required(schema, path)
        return self._build_members(props, required, path, policy, depth)

    def _build_members(
        self, props: dict[str, Any], required: list[str], path: JsonPath, policy: Policy, depth: int
    ) -> Spec:
        members: Spec = {}
        for name, sub in props.items():
            here = (*path, "properties", name)
            if len(name) > MAX_NAME_LENGTH:
                self.warn(here, f"a name of {len(name):,} characters is too long; dropped")
                continue
            members[name] = self._property(sub, here, name in required, policy, depth + 1)
        for name in required:
            if name not in members and len(name) <= MAX_NAME_LENGTH:
                members[name] = {"type": "any", "required": True}
        return members

    def _props(self, schema: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        props = schema.get("properties", {})
        if isinstance(props, dict):
            return props
        self.warn((*path, "properties"), f"must be an object, not {kind_phrase(props)}; ignored")
        return {}

    def _required(self, schema: dict[str, Any], path: JsonPath) -> list[str]:
        names = schema.get("required", [])
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            return list(dict.fromkeys(names))
        self.warn((*path, "required"), "must be a list of property names; ignored")
        return []

    def _property(
        self, schema: Any, path: JsonPath, required: bool, inherited: Policy, depth: int
    ) -> Any:
        if schema is True:
            schema = {}
        if not isinstance(schema, dict):
            self.warn(
                path, f"a property schema must be an object, not {kind_phrase(schema)}; any type"
            )
            schema = {}
        if depth > MAX_DEPTH:
            self.unsupported(path, f"nesting deeper than {MAX_DEPTH} levels")
            schema = {}
        for key in schema:
            if key not in _PROPERTY_KEYWORDS:
                self.unsupported((*path, key))
        spec: Spec = {}
        names, nullable = self._types(schema, path)
        values = self._values(schema, path)
        if nullable and values is not None:
            if None in values:
                values = [v for v in values if v is not None]
            else:  # null is not in the enum, so a `null` type must not add it there
                names, nullable = [*names, "null"], False
        formats = self._formats(schema, path)
        fmt = formats[0] if len(formats) == 1 else None
        if formats and "string" in names:
            at = names.index("string")
            names[at : at + 1] = formats
            fmt = None
        spec["type"] = (names[0] if len(names) == 1 else names) if names else "any"
        description = self._text(schema.get("description"), (*path, "description"))
        if description:
            spec["description"] = description
        if required:
            spec["required"] = True
        if nullable:
            spec["nullable"] = True
        if values is not None:
            spec["enum"] = values
        pattern = schema.get("pattern")
        if pattern is not None and self._pattern(pattern, (*path, "pattern")):
            spec["pattern"] = pattern
        if fmt is not None:
            spec["format"] = fmt
        self._bounds(schema, path, spec)
        self._children(schema, path, spec, inherited, depth)
        examples = schema.get("examples")
        if examples is not None and examples != [] and not _json_safe(examples):
            self.warn((*path, "examples"), "must hold only JSON values; dropped")
        elif examples is not None and examples != []:
            spec["examples"] = examples if isinstance(examples, list) else [examples]
        return spec["type"] if list(spec) == ["type"] and isinstance(spec["type"], str) else spec

    def _formats(self, schema: dict[str, Any], path: JsonPath) -> list[str]:
        """The string formats of a property: its `format`, or the `anyOf` of formats that
        `tp compile` writes for several (`type: [date, date-time]`)."""
        if "anyOf" in schema:
            options = schema["anyOf"]
            if (
                "format" not in schema
                and isinstance(options, list)
                and options
                and all(
                    isinstance(o, dict) and list(o) == ["format"] and o["format"] in STRING_FORMATS
                    for o in options
                )
            ):
                return [o["format"] for o in options]
            self.unsupported((*path, "anyOf"))
        fmt = schema.get("format")
        if fmt is None:
            return []
        if fmt not in STRING_FORMATS:
            self.unsupported((*path, "format"), f"format {fmt!r}")
            return []
        return [fmt]

    def _types(self, schema: dict[str, Any], path: JsonPath) -> tuple[list[str], bool]:
        raw = schema.get("type")
        if raw is None:
            return [], False
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.warn((*path, "type"), "must be a type name or a list of them; any type")
            return [], False
        for name in names:
            if name not in JSON_TYPES:
                self.unsupported((*path, "type"), f"type {name!r}")
        names = [n for n in dict.fromkeys(names) if n in JSON_TYPES]
        nullable = "null" in names and len(names) > 1
        return [n for n in names if not nullable or n != "null"], nullable

    def _values(self, schema: dict[str, Any], path: JsonPath) -> list[Any] | None:
        if "const" in schema:
            value = schema["const"]
            if isinstance(value, dict | list):
                self.unsupported((*path, "const"), "`const` with an object or array value")
            elif not _json_safe(value):
                self.warn((*path, "const"), f"{value!r} is not a finite number; dropped")
            else:
                return [value]
        values = schema.get("enum")
        if values is None:
            return None
        if isinstance(values, list) and values and _json_safe(values):
            return list(values)
        self.warn((*path, "enum"), "must be a non-empty list of JSON values; ignored")
        return None

    def _pattern(self, pattern: Any, path: JsonPath) -> bool:
        try:
            re.compile(pattern)
        except (re.error, TypeError, OverflowError, RecursionError):
            self.warn(
                path, f"pattern {pattern!r} is not a valid Python regular expression; dropped"
            )
            return False
        return True

    def _bounds(self, schema: dict[str, Any], path: JsonPath, spec: Spec) -> None:
        for key, name in _NUMBERS:
            value = schema.get(key)
            if value is None or (isinstance(value, bool) and key.startswith("exclusive")):
                continue
            if not (isinstance(value, int | float) and not isinstance(value, bool)):
                self.warn((*path, key), f"must be a number, not {value!r}; dropped")
            elif not _json_safe(value):
                self.warn((*path, key), f"must be a finite number, not {value!r}; dropped")
            elif key == "multipleOf" and not value > 0:
                self.warn((*path, key), f"must be greater than 0, not {value!r}; dropped")
            else:
                spec[name] = value
        for bound in ("minimum", "maximum"):  # draft-04 booleans
            if schema.get(f"exclusive{bound.title()}") is True and bound in spec:
                spec[f"exclusive_{bound}"] = spec.pop(bound)
        for key, name in _COUNTS:
            value = schema.get(key)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                if not _json_safe(value):
                    self.warn((*path, key), f"{value} is too large; dropped")
                    continue
                spec[name] = value
            else:
                self.warn((*path, key), f"must be an integer >= 0, not {value!r}; dropped")
        if schema.get("uniqueItems") is True:
            spec["unique_items"] = True

    def _children(
        self, schema: dict[str, Any], path: JsonPath, spec: Spec, inherited: Policy, depth: int
    ) -> None:
        """`items`, nested `properties` and `unplanned_properties`, mirroring the loader's
        inheritance: an object with children inherits its parent's policy, others allow; `items`
        inherits the property's own policy if it has one, else the parent's."""
        props = self._props(schema, path) if "properties" in schema else {}
        required = self._required(schema, path) if "required" in schema else []
        has_children = bool(props or required)
        default = inherited if has_children else Policy.ALLOW
        extra = schema.get("additionalProperties")
        if extra is False:
            policy = Policy.FORBID
        else:
            if extra not in (None, True):
                self.unsupported(
                    (*path, "additionalProperties"), "`additionalProperties` with a schema"
                )
            policy = Policy.WARN if default is Policy.FORBID else default
        items = schema.get("items")
        if isinstance(items, dict) or items is True:
            outer = policy if policy is not default else inherited
            spec["items"] = self._property(items, (*path, "items"), False, outer, depth + 1)
        elif items is not None:
            self.unsupported((*path, "items"), "`items` as a list")
        if policy is not default:
            spec["unplanned_properties"] = policy.value
        if has_children:
            spec["properties"] = self._build_members(props, required, path, policy, depth)

    # -- small values ----------------------------------------------------------------------

    def _text(self, value: Any, path: JsonPath) -> str | None:
        if value is None or isinstance(value, str):
            return value or None
        self.warn(path, f"must be a string, not {kind_phrase(value)}; dropped")
        return None

    def _tags(self, labels: Any, path: JsonPath) -> list[str]:
        if labels is None:
            return []
        if not isinstance(labels, dict):
            self.warn(path, f"labels must be an object, not {kind_phrase(labels)}; dropped")
            return []
        return [f"{k}:{v}" if v not in ("", None) else str(k) for k, v in labels.items()]


def _holders(data: dict[str, Any]) -> list[tuple[dict[str, Any], JsonPath]]:
    """The objects that may hold `rules` and the plan's name: root, `data`, `trackingPlan`."""
    holders: list[tuple[dict[str, Any], JsonPath]] = [(data, ())]
    inner = data.get("data")
    if isinstance(inner, dict):
        holders.append((inner, ("data",)))
    for holder, path in list(holders):
        for key in ("trackingPlan", "tracking_plan"):
            plan = holder.get(key)
            if isinstance(plan, dict):
                holders.append((plan, (*path, key)))
    return holders


def _first_text(holders: list[tuple[dict[str, Any], JsonPath]], key: str) -> str | None:
    for holder, _ in holders:
        value = holder.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _unwrap(value: Any, path: JsonPath) -> tuple[Any, JsonPath]:
    """Config API identify/group/global: a schema, or `{"rules": schema}`."""
    if isinstance(value, dict) and "rules" in value and "properties" not in value:
        return value["rules"], (*path, "rules")
    return value, path


def _deprecated(deprecated_at: Any) -> bool:
    """Whether a rule's `deprecatedAt` marks it deprecated. Segment's exports write Go's zero
    time (`0001-01-01T00:00:00.000Z`, or that instant in another format or time zone, year 0 or
    1) on every rule that is not."""
    if isinstance(deprecated_at, str):
        year = _YEAR.match(deprecated_at)
        return bool(deprecated_at.strip()) and not (year and int(year[1]) <= 1)
    return bool(deprecated_at)


def _trivial(schema: Any) -> bool:
    """`{}`, `{"type": "object"}` or `{"type": "object", "properties": {}}`, annotations aside:
    no constraint."""
    if schema is True or schema is None:
        return True
    if not isinstance(schema, dict) or not set(schema) - _ANNOTATIONS <= {"type", "properties"}:
        return False
    return schema.get("type", "object") == "object" and not schema.get("properties")


def _json_safe(value: Any) -> bool:
    """Whether a value holds only what a plan can: numbers a 64-bit float holds (no NaN or
    infinity), text keys."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int | float) and not abs(item) <= sys.float_info.max:
            return False
    return True
