"""The plan model: frozen dataclasses that every command reads.

The loader builds it once from YAML; compilers, rules, validators and code generators only read it.
Every node keeps the `Location` it was written at.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Location

JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")
STRING_FORMATS = ("date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname")
TYPE_NAMES = (*JSON_TYPES, "any", *STRING_FORMATS)


class Policy(enum.StrEnum):
    """What happens to an event or property that the plan does not list."""

    ALLOW = "allow"
    WARN = "warn"
    FORBID = "forbid"


class CallType(enum.StrEnum):
    """Segment call types that a plan can define."""

    TRACK = "track"
    IDENTIFY = "identify"
    GROUP = "group"
    PAGE = "page"
    SCREEN = "screen"

    @property
    def payload_field(self) -> str:
        """The message field holding the planned payload: `traits` or `properties`."""
        return "traits" if self in (CallType.IDENTIFY, CallType.GROUP) else "properties"


class Status(enum.StrEnum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"


class Side(enum.StrEnum):
    CLIENT = "client"
    SERVER = "server"
    BOTH = "both"


@dataclass(frozen=True, slots=True, kw_only=True)
class Property:
    """One planned property, trait or context field, possibly nested.

    `types` holds JSON types; an empty tuple means any type. `nullable` adds `null`. A string
    value must have one of `formats` (`date-time`, `email`, ...) when any are given.
    """

    name: str
    types: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    description: str | None = None
    examples: tuple[Any, ...] = ()
    required: bool = False
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    items: Property | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    properties: tuple[Property, ...] = ()
    unplanned_properties: Policy = Policy.ALLOW
    ref: str | None = None
    location: Location = field(default_factory=Location)

    @property
    def is_object(self) -> bool:
        return "object" in self.types

    @property
    def is_array(self) -> bool:
        return "array" in self.types

    def child(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition:
    """A planned call: a track event, a page, a screen, or the identify or group traits."""

    call: CallType
    name: str
    description: str | None = None
    owner: str | None = None
    side: Side | None = None
    platforms: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    tags: tuple[str, ...] = ()
    version: int | None = None
    properties: tuple[Property, ...] = ()
    unplanned_properties: Policy = Policy.WARN
    context: tuple[Property, ...] = ()
    lint_ignore: tuple[str, ...] = ()
    lint_ignore_locations: tuple[Location, ...] = ()
    origin: str = ""
    location: Location = field(default_factory=Location)

    @property
    def deprecated(self) -> bool:
        return self.status is Status.DEPRECATED

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Conventions:
    events: str = "object-action"
    properties: str = "snake_case"


@dataclass(frozen=True, slots=True, kw_only=True)
class Include:
    """One `include:` entry: a built-in library (optionally a subset of it) or a plan file."""

    kind: str  # "library" or "file"
    target: str
    events: tuple[str, ...] | None = None
    event_locations: tuple[Location, ...] = ()
    location: Location = field(default_factory=Location)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    name: str
    version: str | None = None
    description: str | None = None
    owner: str | None = None
    conventions: Conventions = field(default_factory=Conventions)
    unplanned_events: Policy = Policy.FORBID
    unplanned_properties: Policy = Policy.WARN
    context: tuple[Property, ...] = ()
    shared_properties: tuple[Property, ...] = ()
    events: tuple[Definition, ...] = ()
    identify: Definition | None = None
    group: Definition | None = None
    pages: tuple[Definition, ...] = ()
    screens: tuple[Definition, ...] = ()
    includes: tuple[Include, ...] = ()
    files: tuple[str, ...] = ()
    location: Location = field(default_factory=Location)

    def definitions(self) -> Iterator[Definition]:
        """Every planned call, in a fixed order: events, identify, group, pages, screens."""
        yield from self.events
        if self.identify is not None:
            yield self.identify
        if self.group is not None:
            yield self.group
        yield from self.pages
        yield from self.screens

    def event(self, name: str) -> Definition | None:
        return next((e for e in self.events if e.name == name), None)

    def shared_property(self, name: str) -> Property | None:
        return next((p for p in self.shared_properties if p.name == name), None)
