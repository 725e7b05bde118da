"""Python jsonschema's format checks and its draft 2020-12 validator, imported when first
needed: jsonschema takes longer to import than a small run takes to validate (its format
module compiles large URI patterns), and a run over valid records whose tables are remembered
(`memo`) needs neither."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from ..memo import remembered
from .format_patterns import SURELY_VALID


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


def accepted_enum_values(schema: dict[str, Any], values: Any) -> list[Any]:
    """The `values` (a property's enum) that its whole schema accepts."""

    def accepted(_: str) -> list[Any]:
        validator = schema_validator(schema)
        return [value for value in values if validator.is_valid(value)]

    key = json.dumps([schema, list(values)], sort_keys=True)
    kept: list[Any] = remembered("enum", key, accepted)
    return kept


def conforms_to_one(value: str, formats: tuple[str, ...]) -> bool:
    """Whether a string is valid for one of `formats`, by Python jsonschema's checks (as the
    fast path checks the formats its structs cannot); a value a `SURELY_VALID` pattern matches
    is, without them."""
    for name in formats:
        sure = SURELY_VALID.get(name)
        if sure is not None and re.match(sure, value):
            return True
    checker = format_checker()
    return any(checker.conforms(value, name) for name in formats)
