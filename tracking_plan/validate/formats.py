"""Python jsonschema's format checks and its draft 2020-12 validator, imported when first
needed: jsonschema takes longer to import than a small run takes to validate (its format
module compiles large URI patterns), and a run over valid records whose tables are remembered
(`memo`) needs neither."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .memo import remembered


@cache
def format_checker() -> Any:
    """jsonschema's draft 2020-12 format checker (date-time, uri, ... as installed)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator.FORMAT_CHECKER


def known_formats() -> frozenset[str]:
    """The formats jsonschema checks; it passes every string for any other."""
    names: frozenset[str] = remembered(
        "formats", "", lambda _: frozenset(format_checker().checkers)
    )
    return names


@cache
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    from .linear import pattern_keyword

    return validators.extend(Draft202012Validator, {"pattern": pattern_keyword})  # type: ignore[no-untyped-call]


def schema_validator(schema: Any) -> Any:
    """A validator for a schema: draft 2020-12 as jsonschema checks it, formats included, with
    `pattern` decided in linear time (`linear.pattern_search`)."""
    return _validator_class()(schema, format_checker=format_checker())


def accepted_enum_values(schema: dict[str, Any]) -> list[Any]:
    """The values of the schema's `enum` that the rest of the schema accepts too."""

    def accepted(_: str) -> list[Any]:
        validator = schema_validator(schema)
        return [value for value in schema["enum"] if validator.is_valid(value)]

    values: list[Any] = remembered("enum", json.dumps(schema, sort_keys=True), accepted)
    return values


def conforms_to_one(value: str, formats: tuple[str, ...]) -> bool:
    """Whether a string is valid for one of `formats`, by Python jsonschema's checks (as the
    fast path checks the formats its structs cannot)."""
    checker = format_checker()
    return any(checker.conforms(value, name) for name in formats)
