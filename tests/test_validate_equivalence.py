"""`tp validate` must give, record by record, exactly the verdict of the compiled bundle schema.

The reference is `compile_plan(plan).bundle` run by Python `jsonschema` (Draft 2020-12, with its
format checker) on the message as `json.loads` reads it. The engine under test decides most
records on its fast path (msgspec structs generated from the plan, regexes for timestamps) and
defers the rest to the schema path (jsonschema-rs with Python's format checks, or Python
jsonschema). Both are exercised on generated plans and on messages generated for them: mostly
well-formed, with values at and just past every constraint's edge, plus envelope breakage.

Everything is real: plans are built from the model's dataclasses, validators from the library.
Warnings (unplanned properties under `warn`, clock skew, deprecation) do not change validity.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import pytest
from conftest import scaled
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from jsonschema import Draft202012Validator

from tracking_plan.compiler.jsonschema import compile_plan, property_schema
from tracking_plan.model import CallType, Definition, Plan, Policy, Property, Status
from tracking_plan.validate.engine import EventValidator
from tracking_plan.validate.explain import SchemaPath
from tracking_plan.validate.inputs import Record
from tracking_plan.validate.native import NativeScanner
from tracking_plan.validate.native import available as native_available
from tracking_plan.validate.stats import group_key

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
MAX_BYTES = 32 * 1024

# -- sample data -----------------------------------------------------------------------------------

TIMESTAMPS: tuple[Any, ...] = (
    # valid
    "2024-03-01T12:34:56Z",
    "2024-03-01T12:34:56+01:00",
    "2024-03-01T12:34:56-00:00",
    "2024-03-01t12:34:56z",
    "2024-03-01T12:34:56.123456Z",
    "2024-03-01T12:34:56.1+00:00",
    "2024-02-29T00:00:00Z",
    "2000-02-29T23:59:59Z",
    "2024-12-31T23:59:59-08:00",
    "2024-03-01T12:30:00Z",
    # invalid, or valid only to a careful reader
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2024-06-30T23:59:60Z",
    "2024-03-01 12:34:56Z",
    "2024-03-01T12:34:56+0100",
    "2024-03-01T12:34Z",
    "2024-03-01T12:34:56",
    "2024-03-01",
    "2024-04-31T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-03-01T24:00:00Z",
    "2024-03-01T12:34:56.Z",
    "2024-03-01T12:34:56,5Z",
    "2024-03-01T12:34:56+24:00",
    "2024-03-01T12:34:56ZZ",
    "2024-03-01T12:34:56Z\n",
    "0000-01-01T00:00:00Z",
    "\u0662\u0660\u0662\u0664-03-01T12:34:56Z",  # Arabic-Indic digits
    "",
    1709296496,
    None,
)

# Each pattern with strings that match or nearly match it (under Python `re` or ECMA 262).
PATTERNS: dict[str, tuple[str, ...]] = {
    "^[a-z]+$": ("abc", "z", "Abc", "ab1", "", "abc\n", "ab c"),
    "\\d": ("a1", "9", "abc", "", "\u0663", "x\uff11"),
    "^ord_[0-9]{3}$": (
        "ord_123",
        "ord_12",
        "ord_1234",
        "ORD_123",
        "ord_123\n",
        "ord_\u0661\u0662\u0663",
    ),
    "^.{2,4}$": ("ab", "abcd", "a", "abcde", "a\rb", "a\u2028b", "a\nb"),
    "^\\w+$": ("abc_1", "caf\u00e9", "a b", "", "a-b"),
    "^[A-Z]": ("Abc", "abc", "\u00c9t\u00e9", "A"),
    "\\s": ("a b", "ab", "a\u00a0b", "a\ufeffb", "a\tb"),
}

FORMATS: dict[str, tuple[Any, ...]] = {
    "date-time": TIMESTAMPS,
    "date": (
        "2024-01-01",
        "2024-02-29",
        "2023-02-29",
        "2024-04-31",
        "2024-13-01",
        "2024-1-01",
        "20240101",
        "2024-01-01\n",
        "0000-01-01",
        "\u0662\u0660\u0662\u0664-01-01",
        "2024-01-01T00:00:00Z",
    ),
    "email": ("a@example.com", "a.example.com", "@", "a@", "", "a\n@b"),
    "uuid": (
        "123e4567-e89b-12d3-a456-426614174000",
        "123E4567-E89B-12D3-A456-426614174000",
        "123e4567e89b12d3a456426614174000",
        "{123e4567-e89b-12d3-a456-426614174000}",
        "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-426614174000\n",
        "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266-14174000",
        "g23e4567-e89b-12d3-a456-426614174000",
    ),
    "uri": (
        "https://example.com/a?b=c#d",
        "mailto:a@example.com",
        "urn:isbn:0451450523",
        "example.com/path",
        "http://exa mple.com",
        "//example.com",
        "",
    ),
    "ipv4": ("127.0.0.1", "256.0.0.1", "1.2.3", "01.2.3.4"),
    "x-color": ("#fff", "not a colour"),  # unknown to every checker: never fails
}

ENUMS: tuple[tuple[Any, ...], ...] = (
    ("USD", "EUR", "GBP"),
    ("a", "b"),
    (1, 2, 3),
    (0, 1),
    ("a", 1),
    ("free", None),
    (0, None),
    ("", "x"),
    (1.5, 2),
    (True, "yes"),
)

TYPE_CHOICES: tuple[tuple[str, ...], ...] = (
    ("string",),
    ("string",),
    ("integer",),
    ("integer",),
    ("number",),
    ("number",),
    ("boolean",),
    ("array",),
    ("object",),
    ("null",),
    ("string", "integer"),
    ("number", "null"),
    ("string", "null"),
    ("integer", "boolean"),
    ("object", "null"),
    ("array", "string"),
    ("string", "object"),
    ("integer", "number"),
    (),
)
LEAF_TYPES = tuple(t for t in TYPE_CHOICES if "object" not in t and "array" not in t)

JUNK: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    -0.0,
    "x",
    "",
    "1",
    [],
    [1, "a"],
    {},
    {"a": 1},
    2**53 + 1,
    2**64 + 1,
    1e300,
)

EVENT_NAMES = (
    "Order Completed",
    "Product Viewed",
    "Signed Up",
    "Coupon Applied",
    "a",
    "\u00c9v\u00e9nement",
)
PAGE_NAMES = ("Home", "Product", "Cart")
PROPERTY_NAMES = (
    "order_id",
    "revenue",
    "count",
    "tags",
    "meta",
    "email",
    "when",
    "flag",
    "id",
    "note",
    "f0",  # the fast path's own attribute names are f0, f1, ...
    "",
    "two words",
    "\u00fcml\u00e4ut",
)
EXTRA_KEYS = ("unplanned", "Order_ID", "extra", "x")
POLICIES = (Policy.ALLOW, Policy.WARN, Policy.FORBID)

# -- plans -----------------------------------------------------------------------------------------

BOUNDS: tuple[float, ...] = (0, 1, -5, 10, 0.5, 2.5, 100, 2**53)
REGEX_FORMATS = ["date", "date-time", "email", "uuid"]  # checked by the fast path at any depth
MULTIPLES: tuple[float, ...] = (2, 3, 5, 0.1, 0.01, 2.0, 0.5)


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any], chance: int = 3) -> Any:
    """A value from `strategy` about `chance` times in 10, else None."""
    return draw(strategy) if draw(st.integers(0, 9)) < chance else None


@st.composite
def properties(
    draw: st.DrawFn, depth: int = 0, max_size: int = 5, simple: bool = False
) -> tuple[Property, ...]:
    names = draw(st.lists(st.sampled_from(PROPERTY_NAMES), max_size=max_size, unique=True))
    return tuple(draw(prop(name, depth, simple)) for name in names)


@st.composite
def prop(draw: st.DrawFn, name: str, depth: int = 0, simple: bool = False) -> Property:
    """A property. `simple` keeps to what the fast path can decide itself (no untyped
    constraints, float bounds or multipleOf on numbers, uniqueItems, ...)."""
    choices = TYPE_CHOICES if depth < 2 else LEAF_TYPES
    types = draw(st.sampled_from([t for t in choices if t] if simple else choices))
    fields: dict[str, Any] = {
        "name": name,
        "types": types,
        "required": draw(st.booleans()),
        "nullable": draw(st.integers(0, 9)) < 2,
    }
    if simple and draw(st.integers(0, 9)) < 2 and types[0] in ("string", "integer", "number"):
        # an enum of the property's own type, and nothing else to satisfy
        picks = [0, 1, 5, 7] if types[0] == "string" else [2, 3, 6]
        fields["enum"] = ENUMS[draw(st.sampled_from(picks))]
        return Property(**fields)
    if not simple and draw(st.integers(0, 9)) < 1:
        fields["enum"] = draw(st.sampled_from(ENUMS))
    if "string" in types or not types:
        choice = draw(st.integers(0, 9))
        if choice < 3:
            fields["pattern"] = draw(st.sampled_from(sorted(PATTERNS)))
        elif choice < 6:
            formats = REGEX_FORMATS if simple and depth > 0 else sorted(FORMATS)
            picked = draw(st.lists(st.sampled_from(formats), min_size=1, max_size=2, unique=True))
            fields["formats"] = tuple(picked)
        elif choice < 7 and "enum" not in fields:
            fields["enum"] = draw(st.sampled_from(ENUMS[:2] + ENUMS[5:8]))
        fields["min_length"] = _maybe(draw, st.integers(0, 3), 2)
        fields["max_length"] = _maybe(draw, st.integers(1, 6), 2)
    if {"integer", "number"} & set(types) or not types:
        if simple:  # integer bounds, at most one per side
            bounds = [b for b in BOUNDS if isinstance(b, int)]
            low = draw(st.sampled_from(["minimum", "exclusive_minimum"]))
            high = draw(st.sampled_from(["maximum", "exclusive_maximum"]))
            fields[low] = _maybe(draw, st.sampled_from(bounds), 3)
            fields[high] = _maybe(draw, st.sampled_from(bounds), 3)
        else:
            for key in ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum"):
                fields[key] = _maybe(draw, st.sampled_from(BOUNDS), 2)
        if not simple or "number" not in types:
            multiples = [m for m in MULTIPLES if isinstance(m, int)] if simple else MULTIPLES
            fields["multiple_of"] = _maybe(draw, st.sampled_from(multiples), 2)
    if "array" in types:
        if draw(st.integers(0, 9)) < 7:
            fields["items"] = draw(prop("items", depth + 1, simple))
        fields["min_items"] = _maybe(draw, st.integers(0, 2), 2)
        fields["max_items"] = _maybe(draw, st.integers(1, 3), 2)
        fields["unique_items"] = not simple and draw(st.integers(0, 9)) < 2
    if "object" in types:
        fields["properties"] = draw(properties(depth + 1, max_size=3, simple=simple))
        policies = POLICIES[:2] if simple and not fields["properties"] else POLICIES
        fields["unplanned_properties"] = draw(st.sampled_from(policies))
    return Property(**{k: v for k, v in fields.items() if v is not None})


APP_VERSION = Property(
    name="app",
    types=("object",),
    required=True,
    properties=(Property(name="version", types=("string",), required=True),),
)
APP_VERSION_OPTIONAL = Property(
    name="app",
    types=("object",),
    properties=(Property(name="version", types=("string",)),),
)


@st.composite
def definition(
    draw: st.DrawFn,
    call: CallType,
    name: str,
    plan_context: tuple[Property, ...],
    default: Policy,
    simple: bool,
) -> Definition:
    context = plan_context
    choice = draw(st.integers(0, 9))
    if choice == 0 and context:
        context = (APP_VERSION_OPTIONAL,)  # a definition relaxing the plan's context
    elif choice == 1:
        context = (
            *context,
            Property(name="locale", types=("string",), pattern="^[a-z]{2}-[A-Z]{2}$"),
        )
    policy = draw(st.sampled_from(POLICIES)) if draw(st.booleans()) else default
    return Definition(
        call=call,
        name=name,
        properties=draw(properties(simple=simple)),
        unplanned_properties=policy,
        context=context,
        status=Status.DEPRECATED if draw(st.integers(0, 9)) == 0 else Status.ACTIVE,
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    simple = draw(st.booleans())  # half the plans keep to what the fast path decides itself
    default = draw(st.sampled_from(POLICIES))
    context: tuple[Property, ...] = (APP_VERSION,) if draw(st.integers(0, 9)) < 3 else ()
    names = draw(st.lists(st.sampled_from(EVENT_NAMES), min_size=1, max_size=4, unique=True))
    events = tuple(draw(definition(CallType.TRACK, n, context, default, simple)) for n in names)
    identify = None
    if draw(st.integers(0, 9)) < 3:
        identify = draw(definition(CallType.IDENTIFY, "identify", context, default, simple))
    group = None
    if draw(st.integers(0, 9)) < 2:
        group = draw(definition(CallType.GROUP, "group", context, default, simple))
    page_names = draw(st.lists(st.sampled_from(PAGE_NAMES), max_size=2, unique=True))
    pages = tuple(draw(definition(CallType.PAGE, n, context, default, simple)) for n in page_names)
    screen_names = draw(st.lists(st.sampled_from(PAGE_NAMES), max_size=1, unique=True))
    screens = tuple(
        draw(definition(CallType.SCREEN, n, context, default, simple)) for n in screen_names
    )
    return Plan(
        name="equivalence",
        unplanned_events=draw(st.sampled_from(POLICIES)),
        unplanned_properties=default,
        context=context,
        events=events,
        identify=identify,
        group=group,
        pages=pages,
        screens=screens,
    )


# -- values ----------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _accepts(p: Property) -> Draft202012Validator:
    """The property's own compiled schema, to steer generation towards valid values."""
    schema = property_schema(p, "2020-12")
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER)


def _near(value: Any) -> list[Any]:
    """Values that look like `value` but may not equal it under JSON Schema."""
    if isinstance(value, bool) or value is None:
        return [value, 0, "null"]
    if isinstance(value, int):
        return [value, float(value), value + 1, str(value), bool(value)]
    if isinstance(value, float):
        return [value, value + 0.5, int(value)]
    return [value, value.upper(), value + " ", value[:-1]]


def _string_candidates(p: Property) -> list[str]:
    out = ["hello", "", "x" * 7]
    if p.pattern is not None:
        out += PATTERNS.get(p.pattern, ())
    for name in p.formats:
        out += [v for v in FORMATS.get(name, ()) if isinstance(v, str)]
    for bound in (p.min_length, p.max_length):
        if bound is not None:
            for n in (bound - 1, bound, bound + 1):
                if n >= 0:
                    out += ["a" * n, "\U0001f600" * n]
    return out


def _number_candidates(p: Property, integer: bool) -> list[Any]:
    out: list[Any] = [0, 1, -1, 7, 12, 2**53 + 1]
    for bound in (p.minimum, p.maximum, p.exclusive_minimum, p.exclusive_maximum):
        if bound is not None:
            out += [bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5]
            out += [int(bound), int(bound) - 1, int(bound) + 1, float(int(bound))]
    if p.multiple_of is not None:
        m = p.multiple_of
        out += [m * 3, m * 2.5, 0.3, 0.29, 0.7, 3 * int(m or 1)]
    if not integer:
        out += [0.1, 0.3, 1.5, -2.25, 1e-7]
    return [v for v in out if not isinstance(v, float) or abs(v) < 1e300]


def values(p: Property, depth: int = 0, aim: bool = False) -> st.SearchStrategy[Any]:
    """Values for a property: mostly of a planned type and near its constraints' edges. With
    `aim`, only candidates the property's own schema accepts (when there are any)."""
    accepts = _accepts(p).is_valid

    def pool(candidates: list[Any]) -> st.SearchStrategy[Any] | None:
        if aim:
            candidates = [c for c in candidates if accepts(c)]
        return st.sampled_from(candidates) if candidates else None

    typed: list[st.SearchStrategy[Any] | None] = []
    if p.enum is not None:
        typed.append(pool([*p.enum, *(v for value in p.enum for v in _near(value))]))
    types = set(p.types)
    if "string" in types:
        typed.append(pool(_string_candidates(p)))
    if "integer" in types:
        typed.append(pool(_number_candidates(p, integer=True)))
    if "number" in types:
        typed.append(pool(_number_candidates(p, integer=False)))
        if not aim:
            typed.append(st.floats(-1e6, 1e6, allow_nan=False))
    if "boolean" in types:
        typed.append(pool([True, False]))
    if "null" in types or p.nullable:
        typed.append(pool([None]))
    if "array" in types and depth < 3:
        typed.append(arrays(p, depth, aim))
    if "object" in types and depth < 3:
        typed.append(objects(p.properties, depth + 1, aim, p.unplanned_properties))
    options = [t for t in typed if t is not None]
    junk = pool(list(JUNK))
    if junk is None:
        junk = st.sampled_from(JUNK)
    if not options:
        return junk
    if aim:
        return st.one_of(options)
    return st.integers(0, 9).flatmap(lambda n: junk if n < 1 else st.one_of(options))


@st.composite
def arrays(draw: st.DrawFn, p: Property, depth: int, aim: bool = False) -> list[Any]:
    item = values(p.items, depth + 1, aim) if p.items is not None else st.sampled_from(JUNK[:12])
    low = p.min_items or 0
    high = p.max_items if p.max_items is not None else 3
    if not aim:
        low, high = max(0, low - 1), high + 1
    result = draw(st.lists(item, min_size=low, max_size=max(low, high)))
    if aim and p.unique_items:
        seen: dict[str, Any] = {}
        for value in result:
            seen.setdefault(json.dumps(value, sort_keys=True), value)
        result = list(seen.values())
    elif result and p.unique_items and draw(st.booleans()):
        result.append(result[0])  # a repeated item
    return result


@st.composite
def objects(
    draw: st.DrawFn,
    props: tuple[Property, ...],
    depth: int = 0,
    aim: bool = False,
    policy: Policy = Policy.ALLOW,
) -> dict[str, Any]:
    """An object for these properties: required ones almost always, others often, and now and
    then a key the plan does not list."""
    out: dict[str, Any] = {}
    for p in props:
        if (aim and p.required) or draw(st.integers(0, 19)) < (19 if p.required else 12):
            out[p.name] = draw(values(p, depth, aim))
    if (not aim or policy is not Policy.FORBID) and draw(st.integers(0, 9)) == 0:
        out[draw(st.sampled_from(EXTRA_KEYS))] = draw(st.sampled_from(JUNK[:12]))
    return out


# -- messages --------------------------------------------------------------------------------------

IDS = ("user-1", "u", "\u00fcser")
MESSAGE_IDS: tuple[Any, ...] = (
    "ajs-next-1709296496-0c1a",
    "m",
    "\U0001f600" * 100,
    "x" * 100,
    "x" * 101,
    "",
    42,
    None,
)
BREAKAGE: tuple[tuple[str, Any], ...] = (
    ("event", ""),
    ("event", None),
    ("event", 3),
    ("properties", []),
    ("properties", None),
    ("properties", "{}"),
    ("traits", {"email": "a@b.c"}),
    ("traits", ["a"]),
    ("integrations", ["All"]),
    ("integrations", {"All": True}),
    ("context", []),
    ("context", {"app": {"version": 3}}),
    ("context", {"app": "1.0"}),
    ("name", 5),
    ("groupId", ""),
    ("type", None),
)
DUPLICATES: tuple[tuple[str, Any], ...] = (
    ("event", "Unplanned Thing"),
    ("type", "identify"),
    ("type", "track"),
    ("properties", {}),
)


@st.composite
def messages(draw: st.DrawFn, plan: Plan) -> bytes:
    """One message (JSON text) for `plan`: half of them aimed at being valid, the others free
    to break any rule."""
    aim = draw(st.booleans())
    definitions = list(plan.definitions())
    choice = 0 if aim else draw(st.integers(0, 19))
    message: dict[str, Any]
    if choice < 15:
        target = draw(st.sampled_from(definitions))
        message = {"type": target.call.value}
        if target.call is CallType.TRACK:
            message["event"] = target.name
        elif target.call in (CallType.PAGE, CallType.SCREEN):
            message["name"] = target.name
        elif target.call is CallType.GROUP and (aim or draw(st.integers(0, 9)) < 8):
            message["groupId"] = "g1"
        payload_field = target.call.payload_field
        if draw(st.integers(0, 9)) < 8 or any(p.required for p in target.properties):
            payload = objects(target.properties, 0, aim, target.unplanned_properties)
            message[payload_field] = draw(payload)
        if target.context and (draw(st.integers(0, 9)) < 8 or aim):
            message["context"] = draw(objects(target.context, 0, aim))
    elif choice < 17:
        name = draw(st.sampled_from([*EVENT_NAMES, "Order completed", "Unplanned Thing", "\x00"]))
        message = {"type": "track", "event": name}
        if draw(st.booleans()):
            message["properties"] = draw(objects(()))
    else:
        kind = draw(st.sampled_from(["identify", "group", "page", "screen", "alias", "Track", 7]))
        message = {"type": kind}
        if draw(st.booleans()):
            message["groupId"] = "g1"
        if draw(st.booleans()):
            message["previousId"] = draw(st.sampled_from(["p", ""]))
        if draw(st.booleans()):
            message["name"] = draw(st.sampled_from([*PAGE_NAMES, "Elsewhere", None]))
    # identity
    who = draw(st.integers(0, 17 if aim else 19))
    if who < 8:
        message["userId"] = draw(st.sampled_from(IDS))
    elif who < 15:
        message["anonymousId"] = draw(st.sampled_from(IDS))
    elif who < 18:
        message["userId"] = draw(st.sampled_from(IDS))
        message["anonymousId"] = draw(st.sampled_from(IDS))
    elif who < 19:
        message[draw(st.sampled_from(["userId", "anonymousId"]))] = draw(st.sampled_from(["", 7]))
    # messageId and timestamps
    if aim or draw(st.integers(0, 9)) < 9:
        tricky = not aim and draw(st.integers(0, 9)) < 3
        message["messageId"] = draw(st.sampled_from(MESSAGE_IDS if tricky else MESSAGE_IDS[:4]))
    for key, chance in (
        ("timestamp", 7),
        ("sentAt", 4),
        ("originalTimestamp", 1),
        ("receivedAt", 1),
    ):
        if draw(st.integers(0, 9)) < chance:
            tricky = not aim and draw(st.integers(0, 9)) < 4
            message[key] = draw(st.sampled_from(TIMESTAMPS if tricky else TIMESTAMPS[:10]))
    # envelope breakage
    if not aim and draw(st.integers(0, 9)) < 2:
        key, value = draw(st.sampled_from(BREAKAGE))
        message[key] = value
    if not aim and draw(st.integers(0, 9)) < 1:
        message.pop(draw(st.sampled_from(sorted(message))))  # e.g. no type, no event
    keys = list(message)
    if draw(st.booleans()):
        keys = draw(st.permutations(keys))
    indent = draw(st.sampled_from([None, None, None, 1]))
    text = json.dumps(
        {k: message[k] for k in keys},
        ensure_ascii=draw(st.booleans()),
        indent=indent,
        allow_nan=False,
    )
    if draw(st.integers(0, 19)) == 0:
        text = text.replace('"track"', '"tr\\u0061ck"')  # the same string, escaped
    if draw(st.integers(0, 19)) == 0 and text != "{}":
        # a duplicated key: `json.loads` (and so the reference) keeps the last one
        key, value = draw(st.sampled_from(DUPLICATES))
        text = text[:-1] + f", {json.dumps(key)}: {json.dumps(value)}}}"
    data = text.encode()
    assert len(data) < MAX_BYTES
    return data


@st.composite
def cases(draw: st.DrawFn) -> tuple[Plan, list[bytes]]:
    plan = draw(plans())
    return plan, draw(st.lists(messages(plan), min_size=1, max_size=6))


# -- the properties --------------------------------------------------------------------------------


def reference(plan: Plan) -> Draft202012Validator:
    return Draft202012Validator(compile_plan(plan).bundle, format_checker=FORMAT_CHECKER)


def describe(plan: Plan, data: bytes) -> str:
    """The bundle schema and the message, short enough to read in a failure."""
    bundle = compile_plan(plan).bundle
    shown = {k: bundle[k] for k in ("allOf", "$defs") if k in bundle}
    return f"message: {data.decode()}\nschema: {json.dumps(shown, ensure_ascii=False)}"


def engine_verdict(plan: Plan, data: bytes, validator: EventValidator | None = None) -> bool:
    """`check`'s verdict, by `validator` (one without a duplicate window) or a fresh one."""
    if validator is None:
        validator = EventValidator(plan)  # fresh: no duplicate-messageId window across messages
    valid, _findings, _label = validator.check(Record(data=data, file="t", line=1, index=1))
    if currently_in_test_context():
        message = json.loads(data)
        routed = validator.schema.definition_for(message) if isinstance(message, dict) else None
        if routed is not None:
            event(
                f"routed to a definition the fast path supports: {validator.fast.supported(routed)}"
            )
    return valid


def schema_verdict(plan: Plan, data: bytes, path: SchemaPath | None = None) -> bool:
    return (path or SchemaPath(plan)).explain(json.loads(data)) == []


def assert_same(plan: Plan, messages: list[bytes], verdict: Any) -> None:
    expected_validator = reference(plan)
    wrong = []
    for data in messages:
        expected = expected_validator.is_valid(json.loads(data))
        actual = verdict(plan, data)
        if currently_in_test_context():
            event(f"reference says {'valid' if expected else 'invalid'}")
        if actual != expected:
            wrong.append(f"expected valid={expected}, got {actual}\n{describe(plan, data)}")
    assert not wrong, "\n\n".join(wrong)


@contextmanager
def without_jsonschema_rs() -> Iterator[None]:
    """Make `import jsonschema_rs` fail for real, as when the wheel is not installed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "jsonschema_rs", None)
        assert SchemaPath(_plan()).envelope._python is not None  # really the Python fallback
        yield


# -- explicit edge cases: (plan, [messages]), also run as @examples of the properties -------------


def _plan(*props: Property, policy: Policy = Policy.WARN, **plan: Any) -> Plan:
    event_ = Definition(
        call=CallType.TRACK, name="Order Completed", properties=props, unplanned_properties=policy
    )
    return Plan(name="edge", events=(event_,), **plan)


def _track(properties: dict[str, Any] | None = None, **fields: Any) -> bytes:
    message: dict[str, Any] = {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2024-03-01T12:34:56Z",
    }
    if properties is not None:
        message["properties"] = properties
    message.update(fields)
    return json.dumps(message).encode()


def _string(**fields: Any) -> Property:
    return Property(name="v", types=("string",), **fields)


# A property the fast path cannot express, so the definition goes to the schema path.
UNIQUE = Property(name="tags", types=("array",), unique_items=True)

EDGE_CASES: dict[str, tuple[Plan, list[bytes]]] = {
    # envelope timestamps: what the fast path's regex accepts but the format checker does not
    "timestamp-year-0": (_plan(), [_track({}, timestamp="0000-01-01T00:00:00Z")]),
    "timestamp-arabic-digits": (
        _plan(),
        [_track({}, timestamp="\u0662\u0660\u0662\u0664-03-01T12:34:56Z")],
    ),
    "timestamp-trailing-newline": (_plan(), [_track({}, timestamp="2024-03-01T12:34:56Z\n")]),
    "timestamp-leap-day-1900": (_plan(), [_track({}, timestamp="1900-02-29T00:00:00Z")]),
    "timestamp-leap-second": (_plan(), [_track({}, sentAt="2024-06-30T23:59:60Z")]),
    "timestamp-lowercase": (_plan(), [_track({}, timestamp="2024-03-01t12:34:56z")]),
    # property formats the fast path checks with a regex
    "date-trailing-newline": (_plan(_string(formats=("date",))), [_track({"v": "2024-01-01\n"})]),
    "date-year-0": (_plan(_string(formats=("date",))), [_track({"v": "0000-01-01"})]),
    "date-arabic-digits": (
        _plan(_string(formats=("date",))),
        [_track({"v": "\u0662\u0660\u0662\u0664-01-01"})],
    ),
    "uuid-trailing-newline": (
        _plan(_string(formats=("uuid",))),
        [_track({"v": "123e4567-e89b-12d3-a456-426614174000\n"})],
    ),
    "uuid-no-hyphens": (
        _plan(_string(formats=("uuid",))),
        [_track({"v": "123e4567e89b12d3a456426614174000"})],
    ),
    # several formats: a string needs one of them (an `anyOf` in the compiled schema)
    "date-or-date-time": (
        _plan(_string(formats=("date", "date-time")), Property(name="n", types=("integer",))),
        [
            _track({"v": v, "n": 1})
            for v in ("1991-08-13", "1991-08-13T20:00:00Z", "1991-02-29", "13/08/1991", "")
        ],
    ),
    "date-or-uri-unchecked": (
        _plan(_string(formats=("date", "uri"))),
        [_track({"v": "not a uri or a date"}), _track({"v": 7})],
    ),
    "email-or-uuid": (
        _plan(_string(formats=("email", "uuid"))),
        [
            _track({"v": v})
            for v in ("a@b", "123e4567-e89b-12d3-a456-426614174000", "nope", "\u00e9")
        ],
    ),
    # numbers: a JSON integer beyond 2**53 read as a float loses the digit that breaks the bound
    "number-big-int-over-maximum": (
        _plan(Property(name="v", types=("number",), maximum=2**53)),
        [_track({"v": 2**53 + 1})],
    ),
    "integer-as-float": (_plan(Property(name="v", types=("integer",))), [_track({"v": 1.0})]),
    # the schema path with jsonschema-rs: ECMA 262 regexes and float multipleOf
    "pattern-dollar-newline-schema-path": (
        _plan(_string(pattern="^[a-z]+$"), UNIQUE),
        [_track({"v": "abc\n"})],
    ),
    "pattern-unicode-digit-schema-path": (
        _plan(_string(pattern="\\d"), UNIQUE),
        [_track({"v": "\u0663"})],
    ),
    # Python jsonschema divides in floats when multipleOf is a float, even 2.0: 2**53 + 1
    # becomes 2**53 and "is a multiple of 2"; jsonschema-rs and msgspec compute exactly
    "multiple-of-integral-float-big-int": (
        _plan(Property(name="v", types=("integer",), multiple_of=2.0)),
        [_track({"v": 2**53 + 1})],
    ),
    "multiple-of-float": (
        _plan(Property(name="v", types=("number",), multiple_of=0.1)),
        [_track({"v": 0.3})],
    ),
    # msgspec's Literal holds 64-bit integers only: such an enum is left to the schema path
    "enum-integer-beyond-64-bits": (
        _plan(Property(name="v", types=("integer",), enum=(5, 2**63, -(2**63) - 1))),
        [_track({"v": v}) for v in (5, 2**63, -(2**63) - 1, 6, 2**63 + 1)],
    ),
    # explaining an enum violation when the enum holds a non-string
    "enum-violation-with-integers": (
        _plan(Property(name="v", types=("integer",), enum=(1, 2))),
        [_track({"v": 5})],
    ),
    # envelope shapes
    "track-without-event-single-event": (
        _plan(),
        [b'{"type": "track", "userId": "u", "messageId": "m"}'],
    ),
    "message-id-101": (_plan(), [_track({}, messageId="x" * 101)]),
    "track-event-nul": (_plan(), [_track({}, event="\x00")]),
    "duplicate-event-key": (
        _plan(),
        [
            b'{"type": "track", "event": "Order Completed", "userId": "u", "messageId": "m",'
            b' "event": "Unplanned Thing"}'
        ],
    ),
}
EDGE_IDS = sorted(EDGE_CASES)


@pytest.mark.parametrize("name", EDGE_IDS)
def test_engine_edge_cases(name: str) -> None:
    plan, batch = EDGE_CASES[name]
    assert_same(plan, batch, engine_verdict)


@pytest.mark.parametrize("name", EDGE_IDS)
def test_schema_path_edge_cases(name: str) -> None:
    plan, batch = EDGE_CASES[name]
    assert_same(plan, batch, schema_verdict)


@pytest.mark.parametrize("name", EDGE_IDS)
def test_schema_path_without_jsonschema_rs_edge_cases(name: str) -> None:
    plan, batch = EDGE_CASES[name]
    with without_jsonschema_rs():
        assert_same(plan, batch, schema_verdict)


@pytest.mark.parametrize("name", EDGE_IDS)
def test_engine_without_jsonschema_rs_edge_cases(name: str) -> None:
    plan, batch = EDGE_CASES[name]
    with without_jsonschema_rs():
        assert_same(plan, batch, engine_verdict)


def _with_examples(test: Any) -> Any:
    for name in EDGE_IDS:
        test = example(case=EDGE_CASES[name])(test)
    return test


COMMON = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(COMMON, max_examples=scaled(800))
@_with_examples
@given(case=cases())
def test_engine_matches_bundle_schema(case: tuple[Plan, list[bytes]]) -> None:
    plan, batch = case
    assert_same(plan, batch, engine_verdict)


@settings(COMMON, max_examples=scaled(400))
@_with_examples
@given(case=cases())
def test_schema_path_matches_bundle_schema(case: tuple[Plan, list[bytes]]) -> None:
    plan, batch = case
    assert_same(plan, batch, schema_verdict)


@settings(COMMON, max_examples=scaled(200))
@_with_examples
@given(case=cases())
def test_schema_path_without_jsonschema_rs_matches_bundle_schema(
    case: tuple[Plan, list[bytes]],
) -> None:
    plan, batch = case
    with without_jsonschema_rs():
        assert_same(plan, batch, schema_verdict)


@settings(COMMON, max_examples=scaled(150))
@_with_examples
@given(case=cases())
def test_engine_without_jsonschema_rs_matches_bundle_schema(
    case: tuple[Plan, list[bytes]],
) -> None:
    plan, batch = case
    with without_jsonschema_rs():
        assert_same(plan, batch, engine_verdict)


# -- a plan that crashes the process ---------------------------------------------------------------

_CRASH_SCRIPT = """
import gc, json, sys
from jsonschema import Draft202012Validator
from tracking_plan.compiler.jsonschema import compile_plan
from tracking_plan.model import CallType, Definition, Plan, Property
from tracking_plan.validate.engine import EventValidator
from tracking_plan.validate.inputs import Record

fields = {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(sys.argv[2]).items()}
prop = Property(name="v", types=tuple(sys.argv[1].split(",")), **fields)
plan = Plan(name="crash", events=(Definition(call=CallType.TRACK, name="A", properties=(prop,)),))
reference = Draft202012Validator(
    compile_plan(plan).bundle, format_checker=Draft202012Validator.FORMAT_CHECKER
)
for value in json.loads(sys.argv[3]):
    message = {"type": "track", "event": "A", "userId": "u", "messageId": "m"}
    message["properties"] = {"v": value}
    data = json.dumps(message).encode()
    for _ in range(3):
        valid = EventValidator(plan).check(Record(data, "t", 1, 1))[0]
        gc.collect()
        assert valid == reference.is_valid(message), (value, valid)
print("ok")
"""


@pytest.mark.parametrize(
    ("types", "constraints", "values"),
    [
        ("string,array", {"pattern": "^[a-z]+$"}, ["abc", "ABC", ["x"], 1]),
        ("array,string", {"formats": ["date-time"]}, ["2024-03-01T12:34:56Z", "no", []]),
        ("string,object", {"formats": ["uuid"]}, ["123e4567-e89b-12d3-a456-426614174000", {}]),
    ],
    ids=["string-or-array-pattern", "array-or-string-date-time", "string-or-object-uuid"],
)
def test_string_or_container_with_pattern_does_not_crash(
    types: str, constraints: dict[str, Any], values: list[Any]
) -> None:
    """A pattern-checked string in a union with an array or object (`type: [string, array]`
    with `pattern:` or a `format:` the fast path checks by regex): msgspec 0.22 corrupts memory
    on such a union (the process segfaults, aborts or hangs), so the fast path must not build
    one. Run in a child process so that a regression fails this test, not the whole session."""
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _CRASH_SCRIPT,
                types,
                json.dumps(constraints),
                json.dumps(values),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the child process hung (msgspec looping on corrupted memory)")
    assert result.returncode == 0 and result.stdout.strip() == "ok", (
        f"exit code {result.returncode}\n{textwrap.shorten(result.stderr, 2000)}"
    )


# -- the native scanner ----------------------------------------------------------------------------

_SCANNERS: dict[int, tuple[Plan, NativeScanner]] = {}


def native_verdict(plan: Plan, data: bytes, validator: EventValidator | None = None) -> bool:
    """What `tp validate` decides with the native scanner: its acceptance, or the engine's
    verdict (by `validator`, or a fresh one) for a record it hands back or explains. Every
    record it explains with a given signature must get the same report (validity, label,
    finding groups) as the first one."""
    cached = _SCANNERS.get(id(plan))
    if cached is None or cached[0] is not plan:
        cached = _SCANNERS[id(plan)] = (plan, NativeScanner(plan, window=0))
    scanner = cached[1]
    _next, lines, records, start, _end, signature = scanner.scan(data + b"\n", 0)
    assert (lines, records) == (1, 1)
    if currently_in_test_context():
        what = "accepted" if start < 0 else "explained" if signature else "handed back"
        event(f"native scanner: {what}")
    if start < 0:
        return True
    if validator is None:
        validator = EventValidator(plan)
    valid, findings, label = validator.check(Record(data=data, file="t", line=1, index=1))
    if signature is not None:
        groups = sorted(group_key(f.code, f.severity, label, f.pointer) for f in findings)
        report = (valid, label, groups)
        first = _SIGNED.setdefault((id(plan), signature), report)
        assert first == report, f"one signature, two reports:\n{first}\n{report}"
    return valid


_SIGNED: dict[tuple[int, bytes], Any] = {}


needs_native = pytest.mark.skipif(
    not native_available(), reason="the native scanner is not compiled in (or TP_NATIVE=0)"
)


@needs_native
@pytest.mark.parametrize("name", EDGE_IDS)
def test_native_edge_cases(name: str) -> None:
    plan, batch = EDGE_CASES[name]
    assert_same(plan, batch, native_verdict)


@needs_native
@settings(COMMON, max_examples=scaled(800))
@_with_examples
@given(case=cases())
def test_native_matches_bundle_schema(case: tuple[Plan, list[bytes]]) -> None:
    plan, batch = case
    assert_same(plan, batch, native_verdict)


@st.composite
def many_messages(draw: st.DrawFn) -> tuple[Plan, list[bytes]]:
    """One plan and many messages for it, so that the scanner's signatures repeat."""
    plan = draw(plans())
    return plan, draw(st.lists(messages(plan), min_size=20, max_size=60))


@needs_native
@settings(COMMON, max_examples=scaled(60))
@given(case=many_messages())
def test_native_signatures_name_one_report(case: tuple[Plan, list[bytes]]) -> None:
    plan, batch = case
    assert_same(plan, batch, native_verdict)


@needs_native
def test_native_signatures_on_the_sample_dump() -> None:
    """On real-looking data: every explained record of the shop sample gets the report of the
    first record with its signature."""
    from conftest import REPO_ROOT, SHOP_PLAN

    from tracking_plan import load_plan

    plan = load_plan(SHOP_PLAN)
    sample = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"
    explained = 0
    for data in sample.read_bytes().splitlines():
        if data.strip():
            scanner = NativeScanner(plan, window=0)
            explained += scanner.scan(data + b"\n", 0)[5] is not None
            native_verdict(plan, data)
    assert explained > 10
