"""What a lint rule is: a stable code, a slug, a default severity, typed options, a docstring
with fixed sections, and a pure `check` that yields violations. The engine stamps severity.
Its `entry()` is its part of the catalogue of codes (`tracking_plan.codes`)."""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..codes import CodeEntry, Option, Phase
from ..diagnostics import Location, Severity
from ..model import CallType, Definition, Plan, Property


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A rule's finding, before the engine turns it into a `Diagnostic`.

    `definition` names the event (or page, screen, identify, group) the finding belongs to, so
    that its `lint: {ignore: [...]}` can silence it.
    """

    message: str
    location: Location
    suggestion: str | None = None
    definition: Definition | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NoOptions:
    """For rules without options."""


class OptionsError(ValueError):
    """A rule option in the configuration is unknown or has the wrong type."""


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    slug: ClassVar[str]
    summary: ClassVar[str]
    default_severity: ClassVar[Severity] = Severity.ERROR
    Options: ClassVar[type] = NoOptions
    phase: ClassVar[Phase] = Phase.LINT
    """Another phase for codes reported outside `tp lint`: `Phase.LOAD` for problems that stop
    the plan from loading, `Phase.IMPORT` and `Phase.CONFIG` likewise."""

    def check(self, plan: Plan, options: Any) -> Iterable[Violation]:
        return ()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def option_fields(cls) -> list[dataclasses.Field[Any]]:
        return list(dataclasses.fields(cls.Options))

    @classmethod
    def entry(cls) -> CodeEntry:
        """The rule's entry in the catalogue of codes (`tracking_plan.codes`)."""
        return CodeEntry(
            code=cls.code,
            slug=cls.slug,
            summary=cls.summary,
            default_severity=cls.default_severity,
            phase=cls.phase,
            documentation=cls.documentation(),
            options=tuple(Option(name=f.name, default=f.default) for f in cls.option_fields()),
        )

    @classmethod
    def make_options(cls, values: Mapping[str, Any]) -> Any:
        """Build the typed options from configuration values, checking names and types."""
        hints = typing.get_type_hints(cls.Options)
        known = {f.name for f in dataclasses.fields(cls.Options)}
        for name, value in values.items():
            if name not in known:
                allowed = ", ".join(sorted(known)) or "none"
                raise OptionsError(f"{cls.code} has no option {name!r} (options: {allowed})")
            if not _matches(value, hints[name]):
                raise OptionsError(
                    f"option {name!r} of {cls.code} must be {_describe(hints[name])}, not {value!r}"
                )
        converted = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls.Options(**converted)


def _matches(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, list | tuple) and all(_matches(v, item) for v in value)
    if typing.get_origin(hint) is typing.Literal:
        return value in typing.get_args(hint)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"a list of {_describe(typing.get_args(hint)[0])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


def all_properties(
    properties: Iterable[Property], prefix: str = ""
) -> Iterator[tuple[str, Property]]:
    """Every property with its dotted path, nested objects and array items included
    (`products.$.sku` for a property of the items of `products`, as Segment writes it)."""
    for prop in properties:
        path = f"{prefix}{prop.name}"
        yield path, prop
        yield from all_properties(prop.properties, f"{path}.")
        if prop.items is not None:
            yield from all_properties(prop.items.properties, f"{path}.$.")


def payload_properties(definition: Definition) -> Iterator[tuple[str, Property]]:
    """`all_properties` of a definition's payload (its properties or traits)."""
    return all_properties(definition.properties)


def user_written(location: Location) -> bool:
    """False for what a built-in spec library wrote: the user cannot change it."""
    return not (location.file or "").startswith("<library")


def describe_definition(definition: Definition) -> str:
    """How a message names a definition: `event 'Order Completed'`, `page 'Home'`, ..."""
    if definition.call in (CallType.IDENTIFY, CallType.GROUP):
        return f"the {definition.call.value} call"
    kind = "event" if definition.call is CallType.TRACK else definition.call.value
    return f"{kind} {definition.name!r}"
