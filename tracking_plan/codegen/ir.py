"""What every code generator needs from a plan, language-neutral: the calls a client makes and
the shape of each call's payload (properties or traits), with named nested object types.

Generators turn this into source; they choose identifiers with `names.Scope` and never alter a
wire name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..compiler.jsonschema import compile_plan, definition_paths
from ..model import CallType, Definition, Plan, Policy, Property

Kind = Literal["string", "integer", "number", "boolean", "null", "any", "enum", "object", "array"]


@dataclass(frozen=True, slots=True)
class Type:
    """A value's type. `kind` "enum" has `literals` (strings and integers); "object" has `shape`
    (None: any object); "array" has `item` (None: any items). `alternatives` holds the other
    kinds of a union (`type: [string, number]`); nullability is on the field."""

    kind: Kind
    literals: tuple[str | int, ...] = ()
    shape: Shape | None = None
    item: Type | None = None
    alternatives: tuple[Type, ...] = ()
    formats: tuple[str, ...] = ()  # date-time, email, ... (for docs; values stay strings)

    def kinds(self) -> tuple[Type, ...]:
        """This type and its alternatives."""
        return (self, *self.alternatives)


@dataclass(frozen=True, slots=True)
class Field:
    wire: str  # the key sent, exactly as planned
    type: Type
    required: bool
    nullable: bool
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Shape:
    """An object with planned fields. `path` names it uniquely (the call's name, then property
    names), for type names such as `OrderCompletedProductsItem`; `open` is False when the plan
    forbids unplanned keys."""

    path: tuple[str, ...]
    fields: tuple[Field, ...]
    open: bool
    description: str | None = None

    def nested(self) -> list[Shape]:
        """The named object types inside this one, depth first, each once."""
        found: list[Shape] = []
        for f in self.fields:
            for kind in f.type.kinds():
                _collect(kind, found)
        return found


def _collect(kind: Type, found: list[Shape]) -> None:
    if kind.shape is not None:
        found.extend(kind.shape.nested())
        found.append(kind.shape)
    if kind.item is not None:
        for item_kind in kind.item.kinds():
            _collect(item_kind, found)


@dataclass(frozen=True, slots=True)
class Call:
    """One generated function: a track event, a page or screen, identify or group."""

    call: CallType
    name: str  # event / page / screen name as sent; "" for identify and group
    payload: Shape  # properties (track, page, screen) or traits (identify, group)
    description: str | None
    owner: str | None
    where: tuple[str, ...]  # platforms and side, for docs
    deprecated: bool
    schema_path: str  # the definition's file in `tp compile` output, e.g. track/order_completed...

    @property
    def payload_field(self) -> str:
        return self.call.payload_field

    @property
    def label(self) -> str:
        """A readable name: the event name, `identify`, `page Home`."""
        if self.call is CallType.TRACK:
            return self.name
        if self.call in (CallType.IDENTIFY, CallType.GROUP):
            return self.call.value
        return f"{self.call.value} {self.name}"

    @property
    def required_payload(self) -> bool:
        return any(f.required for f in self.payload.fields)


@dataclass(frozen=True, slots=True)
class Client:
    """Everything a generator needs: the plan's name and version (for headers and the stamp in
    `context`), the calls, and the compiled JSON Schemas (for runtime checks)."""

    plan: str
    version: str
    calls: tuple[Call, ...]
    schemas: dict[str, Any] = field(default_factory=dict)  # definition schema path -> schema

    @property
    def stamp(self) -> dict[str, str]:
        """What each call puts in `context.tracking_plan`."""
        return {"name": self.plan, "version": self.version}


STAMP_KEY = "tracking_plan"
"""The `context` key under which generated clients stamp the plan name and version."""


def build_client(plan: Plan) -> Client:
    compiled = compile_plan(plan)
    paths = definition_paths(plan)
    calls = tuple(
        _call(definition, paths[definition.call, definition.name])
        for definition in plan.definitions()
    )
    schemas = {path: compiled.schemas[path] for path in sorted(set(paths.values()))}
    return Client(plan=plan.name, version=plan.version or "0", calls=calls, schemas=schemas)


def _call(definition: Definition, schema_path: str) -> Call:
    root: tuple[str, ...] = (definition.name or definition.call.value,)
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        root = (definition.call.value, "traits")
    elif definition.call in (CallType.PAGE, CallType.SCREEN):
        root = (definition.name, definition.call.value)
    where = tuple(definition.platforms) + ((definition.side.value,) if definition.side else ())
    return Call(
        call=definition.call,
        name="" if definition.call in (CallType.IDENTIFY, CallType.GROUP) else definition.name,
        payload=_shape(root, definition.properties, definition.unplanned_properties, None),
        description=definition.description,
        owner=definition.owner,
        where=where,
        deprecated=definition.deprecated,
        schema_path=schema_path,
    )


def _shape(
    path: tuple[str, ...], props: tuple[Property, ...], policy: Policy, description: str | None
) -> Shape:
    return Shape(
        path=path,
        fields=tuple(_field(path, p) for p in props),
        open=policy is not Policy.FORBID,
        description=description,
    )


def _field(path: tuple[str, ...], prop: Property) -> Field:
    types = [t for t in prop.types if t != "null"]
    nullable = (
        prop.nullable or "null" in prop.types or (prop.enum is not None and None in prop.enum)
    )
    return Field(
        wire=prop.name,
        type=_type((*path, prop.name), prop, types),
        required=prop.required,
        nullable=nullable,
        description=prop.description,
    )


def _type(path: tuple[str, ...], prop: Property, types: list[str]) -> Type:
    if prop.enum is not None:
        literals = tuple(
            v for v in prop.enum if isinstance(v, str | int) and not isinstance(v, bool)
        )
        if literals and len(literals) == len([v for v in prop.enum if v is not None]):
            return Type("enum", literals=literals, formats=prop.formats)
    kinds = [_single(path, prop, t) for t in types] or [Type("any")]
    first, *rest = kinds
    if rest:
        return Type(first.kind, first.literals, first.shape, first.item, tuple(rest), first.formats)
    return first


def _single(path: tuple[str, ...], prop: Property, json_type: str) -> Type:
    if json_type == "object":
        if not prop.properties:
            return Type("object")
        return Type(
            "object",
            shape=_shape(path, prop.properties, prop.unplanned_properties, prop.description),
        )
    if json_type == "array":
        if prop.items is None:
            return Type("array")
        item_types = [t for t in prop.items.types if t != "null"]
        return Type("array", item=_type((*path, "item"), prop.items, item_types))
    if json_type == "string":
        return Type("string", formats=prop.formats)
    if json_type in ("integer", "number", "boolean"):
        return Type(json_type)  # type: ignore[arg-type]
    return Type("any")
