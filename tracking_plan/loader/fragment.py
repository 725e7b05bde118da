"""Read one plan file's node tree into a `Fragment`: partial, not yet merged or resolved.

Fragments hold "specs": plain dicts with only the keys the file wrote, so that several files
(and built-in libraries) can be merged key by key before the frozen model is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Location
from ..model import JSON_TYPES, STRING_FORMATS, TYPE_NAMES, CallType, Include, Policy, Side, Status
from ..naming import EVENT_CONVENTIONS, PROPERTY_CONVENTIONS
from .reader import INVALID, Entry, NodeReader, did_you_mean, is_null
from .yaml_source import STR_TAG, show_scalar, show_text

Spec = dict[str, Any]
"""A partial property or definition. `@loc` holds its Location; other keys what the file set."""

POLICIES = tuple(p.value for p in Policy)

ROOT_KEYS = (
    "plan",
    "version",
    "description",
    "owner",
    "include",
    "conventions",
    "unplanned_events",
    "unplanned_properties",
    "context",
    "properties",
    "events",
    "identify",
    "group",
    "pages",
    "screens",
)
COMMON_DEFINITION_KEYS = (
    "description",
    "owner",
    "side",
    "platforms",
    "status",
    "tags",
    "version",
    "required",
    "context",
    "lint",
)
EVENT_KEYS = (*COMMON_DEFINITION_KEYS, "properties", "unplanned_properties")
TRAITS_KEYS = (*COMMON_DEFINITION_KEYS, "traits", "unplanned_traits")
PROPERTY_KEYS = (
    "type",
    "description",
    "examples",
    "example",
    "required",
    "nullable",
    "enum",
    "const",
    "pattern",
    "format",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "exclusive_minimum",
    "exclusive_maximum",
    "multiple_of",
    "items",
    "min_items",
    "max_items",
    "unique_items",
    "properties",
    "unplanned_properties",
    "ref",
)
NUMBER_KEYS = ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "multiple_of")
COUNT_KEYS = ("min_length", "max_length", "min_items", "max_items")
MAX_NAME_LENGTH = 200
"""Of event, page, screen and property names: names become file names and identifiers."""
PLAN_VERSION = re.compile(
    r"v?[0-9]+(?:\.[0-9]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
"""`1`, `1.2.3`, `2024.11.1`, `v2`, `1.0.0-beta.1`, `1.0.0+build.7`: it lands in generated code."""
MAX_VERSION_LENGTH = 64


@dataclass(slots=True, kw_only=True)
class Fragment:
    """What one file says. Keys of `settings` are the root scalars it set."""

    file: str
    settings: dict[str, Any] = field(default_factory=dict)
    includes: list[Include] = field(default_factory=list)
    context: dict[str, Spec] = field(default_factory=dict)
    shared: dict[str, Spec] = field(default_factory=dict)
    events: dict[str, Spec] = field(default_factory=dict)
    identify: Spec | None = None
    group: Spec | None = None
    pages: dict[str, Spec] = field(default_factory=dict)
    screens: dict[str, Spec] = field(default_factory=dict)
    location: Location = field(default_factory=Location)


def read_fragment(root: yaml.Node | None, reader: NodeReader) -> Fragment:
    fragment = Fragment(file=reader.file, location=Location(file=reader.file, line=1, column=1))
    if root is None:
        return fragment
    fields = reader.fields(root, "", "the plan", ROOT_KEYS)
    if fields is None:
        return fragment
    fragment.location = reader.location(root, "")
    for key in ("plan", "version", "description", "owner"):
        if key in fields:
            value = reader.string(fields[key])
            if key == "version" and value is not None and not _is_plan_version(value):
                reader.error(
                    fields[key].node,
                    fields[key].pointer,
                    f"version must be a plain version such as 1, 1.2.3, 2024.11.1, v2 or "
                    f"1.0.0-beta.1, not {show_text(value)}",
                )
                continue
            if value is not None:
                fragment.settings[key] = value
    for key in ("unplanned_events", "unplanned_properties"):
        if key in fields:
            policy = reader.choice(fields[key], POLICIES)
            if policy is not None:
                fragment.settings[key] = Policy(policy)
    if "conventions" in fields:
        _read_conventions(fields["conventions"], reader, fragment)
    if "include" in fields:
        fragment.includes = _read_includes(fields["include"], reader)
    if "context" in fields:
        fragment.context = read_context(fields["context"], reader)
    if "properties" in fields:
        fragment.shared = read_properties(fields["properties"], reader, "shared properties")
    if "events" in fields:
        fragment.events = _read_definitions(fields["events"], reader, CallType.TRACK)
    if "pages" in fields:
        fragment.pages = _read_definitions(fields["pages"], reader, CallType.PAGE)
    if "screens" in fields:
        fragment.screens = _read_definitions(fields["screens"], reader, CallType.SCREEN)
    for key, call in (("identify", CallType.IDENTIFY), ("group", CallType.GROUP)):
        if key in fields:
            spec = read_definition(fields[key], reader, call)
            if spec is not None:
                setattr(fragment, key, spec)
    return fragment


def _read_conventions(entry: Entry, reader: NodeReader, fragment: Fragment) -> None:
    fields = reader.fields(entry.node, entry.pointer, "conventions", ("events", "properties"))
    if not fields:
        return
    for key, choices in (("events", EVENT_CONVENTIONS), ("properties", PROPERTY_CONVENTIONS)):
        if key in fields:
            value = reader.choice(fields[key], choices, f"conventions.{key}")
            if value is not None:
                fragment.settings[f"conventions.{key}"] = value


def _read_includes(entry: Entry, reader: NodeReader) -> list[Include]:
    items = reader.items(entry.node, entry.pointer, "include")
    includes: list[Include] = []
    for node, pointer in items or ():
        location = reader.location(node, pointer)
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            includes.append(_include_from_target(node.value, None, location))
            continue
        fields = reader.fields(node, pointer, "an include", ("library", "path", "events"))
        if fields is None:
            continue
        targets = [k for k in ("library", "path") if k in fields]
        if len(targets) != 1:
            reader.error(node, pointer, "an include needs exactly one of 'library' or 'path'")
            continue
        target = reader.string(fields[targets[0]])
        picked = reader.located_strings(fields["events"]) if "events" in fields else None
        if target is None:
            continue
        if targets[0] == "path" and picked is not None:
            reader.error(node, pointer, "'events' can only pick events of a library include")
            picked = None
        kind = "library" if targets[0] == "library" else "file"
        includes.append(
            Include(
                kind=kind,
                target=target,
                events=None if picked is None else tuple(name for name, _ in picked),
                event_locations=() if picked is None else tuple(loc for _, loc in picked),
                location=location,
            )
        )
    return includes


def _include_from_target(
    target: str, events: tuple[str, ...] | None, location: Location
) -> Include:
    """`segment/mobile` names a library; anything ending in .yaml/.yml or with ./ is a file."""
    is_file = target.endswith((".yaml", ".yml")) or target.startswith((".", "/"))
    kind = "file" if is_file else "library"
    return Include(kind=kind, target=target, events=events, location=location)


def _read_definitions(entry: Entry, reader: NodeReader, call: CallType) -> dict[str, Spec]:
    entries = reader.entries(entry.node, entry.pointer, entry.key)
    result: dict[str, Spec] = {}
    for item in entries or ():
        if not item.key.strip():
            reader.error(item.key_node, item.pointer, f"a name in {entry.key} must not be empty")
            continue
        if not _name_fits(item, reader, f"a name in {entry.key}"):
            continue
        spec = read_definition(item, reader, call)
        if spec is not None:
            result[item.key] = spec
    return result


def read_definition(entry: Entry, reader: NodeReader, call: CallType) -> Spec | None:
    is_traits = call in (CallType.IDENTIFY, CallType.GROUP)
    allowed = TRAITS_KEYS if is_traits else EVENT_KEYS
    label = call.value if is_traits else f"{call.value} {entry.key!r}"
    fields = reader.fields(entry.node, entry.pointer, label, allowed)
    if fields is None:
        return None
    spec: Spec = {"@loc": reader.location(entry.key_node, entry.pointer)}
    for key in ("description", "owner"):
        if key in fields:
            text = reader.string(fields[key])
            if text is not None:
                spec[key] = text
    if "side" in fields:
        side = reader.choice(fields["side"], tuple(s.value for s in Side))
        if side is not None:
            spec["side"] = Side(side)
    if "status" in fields:
        status = reader.choice(fields["status"], tuple(s.value for s in Status))
        if status is not None:
            spec["status"] = Status(status)
    for key in ("platforms", "tags"):
        if key in fields:
            values = reader.strings(fields[key])
            if values is not None:
                spec[key] = values
    if "version" in fields:
        version = reader.integer(fields["version"], minimum=1)
        if version is not None:
            spec["version"] = version
    payload_key = "traits" if is_traits else "properties"
    if payload_key in fields:
        spec["properties"] = read_properties(fields[payload_key], reader, f"{label} {payload_key}")
    policy_key = "unplanned_traits" if is_traits else "unplanned_properties"
    if policy_key in fields:
        policy = reader.choice(fields[policy_key], POLICIES)
        if policy is not None:
            spec["unplanned_properties"] = Policy(policy)
    if "required" in fields:
        names = reader.located_strings(fields["required"])
        if names is not None:
            spec["required_names"] = names
    if "context" in fields:
        spec["context"] = read_context(fields["context"], reader)
    if "lint" in fields:
        lint = reader.fields(fields["lint"].node, fields["lint"].pointer, "lint", ("ignore",))
        if lint and "ignore" in lint:
            codes = reader.located_strings(lint["ignore"])
            if codes is not None:
                spec["lint_ignore"] = codes
    return spec


def read_properties(entry: Entry, reader: NodeReader, label: str) -> dict[str, Spec]:
    entries = reader.entries(entry.node, entry.pointer, label)
    result: dict[str, Spec] = {}
    for item in entries or ():
        if not _name_fits(item, reader, "a property name"):
            continue
        spec = read_property(item, reader)
        if spec is not None:
            result[item.key] = spec
    return result


def _name_fits(entry: Entry, reader: NodeReader, what: str) -> bool:
    if len(entry.key) <= MAX_NAME_LENGTH:
        return True
    reader.error(
        entry.key_node,
        entry.pointer,
        f"{what} is {len(entry.key):,} characters long; names may have at most "
        f"{MAX_NAME_LENGTH} ({show_text(entry.key)})",
    )
    return False


def _is_plan_version(text: str) -> bool:
    return len(text) <= MAX_VERSION_LENGTH and PLAN_VERSION.fullmatch(text) is not None


def read_context(entry: Entry, reader: NodeReader) -> dict[str, Spec]:
    """Context fields, where a dotted key (`app.version`) is a path into nested objects."""
    flat = read_properties(entry, reader, "context")
    tree: dict[str, Spec] = {}
    for dotted, spec in flat.items():
        *parents, leaf = dotted.split(".")
        level = tree
        for parent in parents:
            holder = level.setdefault(
                parent, {"@loc": spec["@loc"], "type": ("object",), "properties": {}}
            )
            holder.setdefault("properties", {})
            if spec.get("required"):
                holder["required"] = True
            level = holder["properties"]
        level[leaf] = spec
    return tree


def read_property(entry: Entry, reader: NodeReader) -> Spec | None:
    location = reader.location(entry.key_node, entry.pointer)
    node = entry.node
    if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
        types = _parse_types([(node.value, node, entry.pointer)], reader)
        return None if types is None else {"@loc": location, **types}
    if is_null(node):
        return {"@loc": location}
    fields = reader.fields(node, entry.pointer, f"property {entry.key!r}", PROPERTY_KEYS)
    if fields is None:
        return None
    spec: Spec = {"@loc": location}
    if "type" in fields:
        type_entry = fields["type"]
        names = reader.strings(type_entry, "type")
        if names == ():
            reader.error(
                type_entry.node,
                type_entry.pointer,
                "type must name at least one type (string, number, object, ...; `any` for "
                "every type)",
            )
            spec["@broken"] = True
        elif names is not None:
            parsed = _parse_types([(n, type_entry.node, type_entry.pointer) for n in names], reader)
            spec.update(parsed if parsed is not None else {"@broken": True})
    for key in ("description", "ref"):
        if key in fields:
            text = reader.string(fields[key])
            if text is not None:
                spec[key] = text
    if "ref" in spec:
        spec["@ref_loc"] = reader.location(fields["ref"].node, fields["ref"].pointer)
    if "pattern" in fields:
        pattern = reader.string(fields["pattern"])
        if pattern is not None and _check_pattern(pattern, fields["pattern"], reader):
            spec["pattern"] = pattern
    if "format" in fields:
        fmt = reader.string(fields["format"])
        if fmt is not None:
            spec["formats"] = (fmt,)
    for key in ("nullable", "unique_items"):
        if key in fields:
            flag = reader.boolean(fields[key])
            if flag is not None:
                spec[key] = flag
    if "required" in fields:
        _read_property_required(fields["required"], reader, spec)
    for key in NUMBER_KEYS:
        if key in fields:
            number = reader.number(fields[key])
            if key == "multiple_of" and number is not None and not number > 0:
                _report_step(fields[key], number, reader)
                continue
            if number is not None:
                spec[key] = number
    for key in COUNT_KEYS:
        if key in fields:
            count = reader.integer(fields[key], minimum=0)
            if count is not None:
                spec[key] = count
    for many, one in (("enum", "const"), ("examples", "example")):
        if many in fields:
            values = _read_values(fields[many], reader)
            if values is not None:
                spec[many] = values
        if one in fields:
            value = reader.json_value(fields[one].node, fields[one].pointer, repr(one))
            if value is not INVALID:
                spec[many] = (value,)
    if "items" in fields:
        items = read_property(fields["items"], reader)
        if items is not None:
            spec["items"] = items
    if "properties" in fields:
        spec["properties"] = read_properties(
            fields["properties"], reader, f"{entry.key!r} properties"
        )
    if "unplanned_properties" in fields:
        policy = reader.choice(fields["unplanned_properties"], POLICIES)
        if policy is not None:
            spec["unplanned_properties"] = Policy(policy)
    return spec


def _read_property_required(entry: Entry, reader: NodeReader, spec: Spec) -> None:
    """`required: true` marks this property; a list names required children of an object."""
    if isinstance(entry.node, yaml.SequenceNode):
        names = reader.located_strings(entry)
        if names is not None:
            spec["required_children"] = names
        return
    flag = reader.boolean(entry)
    if flag is not None:
        spec["required"] = flag


def _report_step(entry: Entry, number: float, reader: NodeReader) -> None:
    node = entry.node
    mantissa = re.split("[eE]", node.value)[0]
    underflow = number == 0 and any(digit in mantissa for digit in "123456789")
    rounded = " (it rounds to 0 in a 64-bit float)" if underflow else ""
    reader.error(
        node,
        entry.pointer,
        f"'multiple_of' must be greater than 0, not {show_scalar(node)}{rounded}; JSON Schema "
        "has no step of 0 or below: use a positive step or remove it",
    )


def _read_values(entry: Entry, reader: NodeReader) -> tuple[Any, ...] | None:
    items = reader.items(entry.node, entry.pointer, repr(entry.key))
    if items is None:
        return None
    values = tuple(reader.json_value(node, pointer, repr(entry.key)) for node, pointer in items)
    return None if INVALID in values else values


def _parse_types(names: list[tuple[str, yaml.Node, str]], reader: NodeReader) -> Spec | None:
    """Map type names (including string formats such as `date-time`) to JSON types + format."""
    types: list[str] = []
    formats: list[str] = []
    is_any = False
    for name, node, pointer in names:
        if name not in TYPE_NAMES:
            guess = did_you_mean(name, TYPE_NAMES)
            hint = f"; did you mean {guess!r}?" if guess else ""
            reader.error(
                node,
                pointer,
                f"unknown property type {name!r}{hint} (types: {', '.join(TYPE_NAMES)})",
                suggestion=guess,
            )
            return None
        if name == "any":
            is_any = True
        elif name in STRING_FORMATS:
            if name not in formats:
                formats.append(name)
            types.append("string")
        else:
            types.append(name)
    ordered = () if is_any else tuple(t for t in JSON_TYPES if t in types)
    spec: Spec = {"type": ordered}
    if formats:
        spec["formats"] = tuple(formats)
    return spec


def _check_pattern(pattern: str, entry: Entry, reader: NodeReader) -> bool:
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as error:
        problem = error if isinstance(error, re.error | OverflowError) else "nested too deeply"
        reader.error(
            entry.node, entry.pointer, f"invalid regular expression {show_text(pattern)}: {problem}"
        )
        return False
    return True
