"""Tables for the native scanner (`_scan.c`): the plan's definitions as nodes, DFAs and routes.

The scanner reads JSON Lines bytes and says, per record, "valid with nothing to report" or
"let Python look". Like the msgspec fast path, anything it cannot decide exactly is left out of
the tables (the whole definition) or deferred record by record, so accepting implies that the
compiled JSON Schema accepts. Set TP_NATIVE=0 to run without it.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..compiler.jsonschema import property_schema
from ..memo import remembered
from ..model import CallType, Definition, Plan, Policy, Property
from .dfa import search_dfa
from .fastpath import Unsupported, checked_formats, format_pattern
from .format_patterns import DATE_TIME_PATTERN
from .formats import accepted_enum_values
from .scan_specs import (
    B_UNPLANNED,
    K_GROUP,
    K_IDENTIFY,
    K_PAGE,
    K_SCREEN,
    K_TRACK,
    KINDS,
    MAX_FIELDS,
    PYTHON_DECIDES,
    T_ALL,
    T_ARR,
    T_BOOL,
    T_INT,
    T_NULL,
    T_NUM,
    T_OBJ,
    T_STR,
    VIOLATION_WORDS,
    DfaSpec,
    NodeSpec,
    RouteSpec,
)

_scan: ModuleType | None
try:
    from . import _scan
except ImportError:  # not compiled here: the pure-Python fast path does the work
    _scan = None

_TYPE_BITS = {
    "null": T_NULL,
    "boolean": T_BOOL,
    "integer": T_INT,
    "number": T_NUM | T_INT,
    "string": T_STR,
    "array": T_ARR,
    "object": T_OBJ,
}
_KINDS = {
    CallType.TRACK: K_TRACK,
    CallType.IDENTIFY: K_IDENTIFY,
    CallType.PAGE: K_PAGE,
    CallType.SCREEN: K_SCREEN,
    CallType.GROUP: K_GROUP,
}
# Patterns every valid value of a format matches (for ASCII strings without line breaks): a value
# that fails them breaks the format for sure. jsonschema checks date-time with
# rfc3339_validator's regex on the upper-cased value.
_FORMAT_OUTER = {
    "date-time": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
        r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
    ),
}
_EXACT = 2**53
_PLACEHOLDER = NodeSpec(T_ALL)  # an object node's index, taken before its fields are built
_INT64 = 2**63


def available() -> bool:
    """Whether the native scanner is compiled in and not switched off (TP_NATIVE=0)."""
    return _scan is not None and os.environ.get("TP_NATIVE", "1") != "0"


@dataclass(frozen=True, slots=True)
class NativeRoute:
    """What the scanner's counts for one route mean: its definition and payload field names.
    `judged` is False for a definition the scanner hands back to Python whole."""

    key: tuple[str, str]
    definition: Definition
    fields: tuple[str, ...]
    judged: bool
    payload_node: int


@dataclass(frozen=True, slots=True)
class RouteCounts:
    """What the scanner counted for one route (see `Scanner.counts`)."""

    route: NativeRoute
    accepted: int
    present: tuple[int, ...]
    kinds: tuple[int, ...]  # per field, per kind of KINDS
    explained: int
    explained_present: tuple[int, ...]
    explained_kinds: tuple[int, ...]


_HEAD = struct.Struct("<cii")


def unplanned_keys(signature: bytes, node: int) -> list[tuple[str, str]]:
    """The unplanned keys of object node `node` that a route signature names, with the kinds of
    their values."""
    if not signature.startswith(b"R"):
        return []
    _tag, _route, count = _HEAD.unpack_from(signature)
    words = struct.unpack_from(f"<{count * VIOLATION_WORDS}i", signature, _HEAD.size)
    at = _HEAD.size + 4 * len(words)
    found = []
    for index in range(count):
        start = index * VIOLATION_WORDS
        where, bits, kind, length, _ = words[start : start + VIOLATION_WORDS]
        if bits == B_UNPLANNED:
            key = signature[at : at + length].decode("utf-8", "surrogatepass")
            at += length
            if where == node:
                found.append((key, KINDS[kind]))
    return found


class NativeScanner:
    """A `_scan.Scanner` for a plan, with the definitions behind its routes."""

    def __init__(self, plan: Plan, window: int) -> None:
        if _scan is None:
            raise RuntimeError("the native scanner is not compiled in")
        tables = _Tables()
        self.forbid_unplanned_events = plan.unplanned_events is Policy.FORBID
        self.routes: list[NativeRoute] = []
        specs: list[RouteSpec] = []
        for definition in plan.definitions():
            if definition.call not in _KINDS:
                continue
            spec = tables.route(definition)
            judged = spec is not None
            if spec is None:
                spec = tables.python_route(definition)
            specs.append(spec)
            name = "" if definition.call in (CallType.IDENTIFY, CallType.GROUP) else definition.name
            fields = tuple(p.name for p in definition.properties)
            key = (definition.call.value, name)
            self.routes.append(NativeRoute(key, definition, fields, judged, spec[2]))
        date_time = tables.dfa(DATE_TIME_PATTERN)
        self.scanner = _scan.Scanner(tables.nodes, tables.dfas, specs, date_time, window)
        self.scan: Callable[[bytes, int], tuple[int, int, int, int, int, bytes | None]] = (
            self.scanner.scan
        )
        self.seen: Callable[[bytes], bool] = self.scanner.seen
        self.settle: Callable[[bytes], bool] = self.scanner.settle
        self.prime: Callable[[bytes | memoryview], int] = self.scanner.prime
        self.settled: Callable[[], list[tuple[bytes, int]]] = self.scanner.settled

    def unplanned_payload_keys(self, signature: bytes) -> list[tuple[str, str]]:
        """The unplanned top-level payload keys a signature names, with their values' kinds."""
        if not signature.startswith(b"R"):
            return []
        route = self.routes[_HEAD.unpack_from(signature)[1]]
        return unplanned_keys(signature, route.payload_node)

    def breaks_schema(self, signature: bytes) -> bool:
        """Whether a signature names a schema violation for sure (not only unplanned keys,
        which `warn` allows): such records fail every fast path."""
        if signature.startswith(b"U"):
            return signature[1:2] == b"0" and self.forbid_unplanned_events
        _tag, _route, count = _HEAD.unpack_from(signature)
        words = struct.unpack_from(f"<{count * VIOLATION_WORDS}i", signature, _HEAD.size)
        return any(words[i * VIOLATION_WORDS + 1] != B_UNPLANNED for i in range(count))

    def supports(self, key: tuple[str, str]) -> bool:
        return any(route.key == key and route.judged for route in self.routes)

    def counts(self) -> list[RouteCounts]:
        return [
            RouteCounts(route, *counts)
            for route, counts in zip(self.routes, self.scanner.counts(), strict=True)
        ]


class _Tables:
    def __init__(self) -> None:
        self.nodes: list[NodeSpec] = []
        self.dfas: list[DfaSpec] = []
        self._dfa_index: dict[str, int] = {}

    def route(self, definition: Definition) -> RouteSpec | None:
        """The route of a definition, or None when the scanner cannot decide it exactly (or it
        always has something to report, like a deprecation)."""
        kind = _KINDS[definition.call]
        if definition.deprecated:
            return None
        saved = len(self.nodes), len(self.dfas), dict(self._dfa_index)
        try:
            if len(definition.properties) > MAX_FIELDS:
                raise Unsupported("too many properties to count")
            payload = -1
            if definition.properties or definition.unplanned_properties is not Policy.ALLOW:
                payload = self.object_node(definition.properties, definition.unplanned_properties)
            context = -1
            if definition.context:
                context = self.object_node(definition.context, Policy.ALLOW)
        except (Unsupported, re.error, ValueError, OverflowError):
            del self.nodes[saved[0] :], self.dfas[saved[1] :]
            self._dfa_index = saved[2]
            return None
        name = b"" if kind in (K_IDENTIFY, K_GROUP) else definition.name.encode()
        return RouteSpec(
            kind,
            name,
            payload,
            any(p.required for p in definition.properties),
            context,
            any(p.required for p in definition.context),
            len(definition.properties),
        )

    @staticmethod
    def python_route(definition: Definition) -> RouteSpec:
        """A route whose records all go to Python: it keeps them from looking unplanned."""
        name = b"" if definition.call in (CallType.IDENTIFY, CallType.GROUP) else definition.name
        return RouteSpec(
            _KINDS[definition.call],
            name if isinstance(name, bytes) else name.encode(),
            PYTHON_DECIDES,
            False,
            -1,
            False,
            0,
        )

    def dfa(self, pattern: str) -> int:
        index = self._dfa_index.get(pattern)
        if index is None:
            tables = _dfa_tables(pattern)
            if tables is None:
                raise Unsupported(f"pattern {pattern!r}")
            index = self._dfa_index[pattern] = len(self.dfas)
            self.dfas.append(tables)
        return index

    def _add(self, node: NodeSpec) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def object_node(self, props: tuple[Property, ...], policy: Policy) -> int:
        if len(props) > MAX_FIELDS:
            raise Unsupported("an object with too many properties")
        index = self._add(_PLACEHOLDER)
        fields = tuple((p.name.encode(), self.node(p), p.required) for p in props)
        self.nodes[index] = node_spec(T_OBJ, fields=fields, forbid=policy is not Policy.ALLOW)
        return index

    def node(self, prop: Property) -> int:
        if prop.unique_items:
            raise Unsupported("uniqueItems")
        types = T_ALL if not prop.types else 0
        for name in prop.types:
            types |= _TYPE_BITS[name]
        if prop.nullable:
            types |= T_NULL
        if prop.enum is not None:
            accepted, exact = _enum(prop)
            return self._add(node_spec(types, enum=accepted, enum_exact=exact))
        index = self._add(_PLACEHOLDER)
        dfa1 = self.dfa(prop.pattern) if prop.pattern is not None else -1
        dfa2 = outer = -1
        formats = checked_formats(prop.formats)
        format_exact = bool(formats) and all(name == "email" for name in formats)
        if formats:
            pattern = format_pattern(formats)
            if pattern is None:
                raise Unsupported(f"format {' or '.join(formats)}")
            dfa2 = self.dfa(pattern)
            if all(name in _FORMAT_OUTER for name in formats):
                outer = self.dfa("|".join(f"(?:{_FORMAT_OUTER[name]})" for name in formats))
        fields = None
        if prop.properties or (prop.is_object and prop.unplanned_properties is Policy.FORBID):
            if len(prop.properties) > MAX_FIELDS:
                raise Unsupported("an object with too many properties")
            fields = tuple((p.name.encode(), self.node(p), p.required) for p in prop.properties)
        items = self.node(prop.items) if prop.items is not None else -1
        self.nodes[index] = node_spec(
            types,
            min_len=prop.min_length,
            max_len=prop.max_length,
            dfa1=dfa1,
            dfa2=dfa2,
            bounds=tuple(
                _bound(b)
                for b in (
                    prop.minimum,
                    prop.maximum,
                    prop.exclusive_minimum,
                    prop.exclusive_maximum,
                )
            ),
            multiple_of=_multiple_of(prop.multiple_of),
            items=items,
            min_items=prop.min_items,
            max_items=prop.max_items,
            fields=fields,
            forbid=prop.unplanned_properties is not Policy.ALLOW,
            format_exact=format_exact,
            format_outer=outer,
        )
        return index


def _dfa_tables(pattern: str) -> DfaSpec | None:
    """A pattern's DFA as the scanner takes it (built once, see `memo`), or None."""
    spec: DfaSpec | None = remembered("dfa", pattern, _build_dfa_tables)
    return spec


def _build_dfa_tables(pattern: str) -> DfaSpec | None:
    re.compile(pattern)
    automaton = search_dfa(pattern)
    if automaton is None:
        return None
    return DfaSpec(automaton.transitions, automaton.accepting, automaton.start)


def node_spec(
    types: int,
    *,
    min_len: int | None = None,
    max_len: int | None = None,
    bounds: tuple[float | None, ...] = (None, None, None, None),
    min_items: int | None = None,
    max_items: int | None = None,
    **rest: Any,
) -> NodeSpec:
    """A node, with absent lengths and bounds given as None."""
    minimum, maximum, exclusive_minimum, exclusive_maximum = bounds
    return NodeSpec(
        types,
        min_len=-1 if min_len is None else min_len,
        max_len=-1 if max_len is None else max_len,
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=exclusive_minimum,
        exclusive_maximum=exclusive_maximum,
        min_items=-1 if min_items is None else min_items,
        max_items=-1 if max_items is None else max_items,
        **rest,
    )


def _bound(value: float | None) -> float | None:
    """A bound as an exact double, or Unsupported."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unsupported("a bound that is not a number")
    if isinstance(value, int) and abs(value) > _EXACT:
        raise Unsupported("a bound beyond 2**53")
    as_float = float(value)
    if as_float != as_float or as_float in (float("inf"), float("-inf")):
        raise Unsupported("a bound that is not finite")
    return as_float


def _multiple_of(value: float | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _INT64:
        raise Unsupported("multipleOf other than a positive integer")
    return value


def _enum(prop: Property) -> tuple[tuple[tuple[bytes, ...], tuple[int, ...], bool], bool]:
    """The enum values the property's other keywords also accept, by kind; and whether a value
    outside them fails exactly `enum` (and `type` if its kind is not planned): when all enum
    values pass and the property has no keyword but `type` and `enum`."""
    assert prop.enum is not None
    schema = property_schema(prop, "2020-12")
    values = accepted_enum_values(schema, schema["enum"])
    strings = tuple(v.encode("utf-8", "surrogatepass") for v in values if isinstance(v, str))
    ints = tuple(
        v
        for v in values
        if isinstance(v, int) and not isinstance(v, bool) and -_INT64 <= v < _INT64
    )
    has_null = None in values
    if len(strings) + len(ints) + int(has_null) != len(values):
        raise Unsupported("enum values other than strings, integers and null")
    keywords = set(schema) - {"type", "enum", "description", "examples"}
    exact = not keywords and len(values) == len(schema["enum"])
    return (strings, ints, has_null), exact
