"""Compiled JSON Schemas that list their errors, the same whichever library runs them.

jsonschema-rs runs a schema when it is installed (about 20x faster), with Python jsonschema's
format checks plugged in and each `pattern` turned into a format checked by Python `re`; else
Python jsonschema does. Either way each error becomes a `SchemaError`, which `explain.py` turns
into findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from .format_patterns import SURELY_VALID
from .formats import format_checker, known_formats, schema_validator
from .linear import Matcher, pattern_search

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One JSON Schema error, whichever library found it: the keyword that failed, the path of
    the value, the value, and what the keyword expected (for `required`, the missing names;
    for `additionalProperties`, the unexpected ones)."""

    keyword: str
    path: tuple[str | int, ...]
    instance: Any
    expected: Any
    message: str


def _from_python(error: ValidationError) -> SchemaError:
    keyword = str(error.validator)
    expected: Any = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        expected = [name for name in expected if name not in instance]
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        planned = (
            set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        )
        expected = [name for name in instance if name not in planned]
    elif keyword == "anyOf" and _only_formats(expected):
        keyword, expected = "format", " or ".join(option["format"] for option in expected)
    return SchemaError(keyword, tuple(error.absolute_path), instance, expected, error.message)


def _only_formats(options: Any) -> bool:
    """Whether an `anyOf` is the one `tp compile` writes for several formats."""
    return isinstance(options, list) and all(
        isinstance(option, dict) and list(option) == ["format"] for option in options
    )


def _from_rust(patterns: dict[str, str], error: Any) -> SchemaError:
    """`patterns` maps the custom formats that stand in for `pattern` back to their regex."""
    kind = error.kind
    keyword = str(kind.name)
    expected: Any = kind.value
    instance = error.instance
    message = error.message
    if keyword == "required":
        expected = [kind.property]
    elif keyword == "additionalProperties":
        expected = list(kind.unexpected)
    elif keyword == "format" and expected in patterns:
        keyword = "pattern"
        expected = patterns[expected]
        message = f"{instance!r} does not match {expected!r}"
    elif keyword == "anyOf":
        branches = [_from_rust(patterns, e) for branch in expected for e in branch]
        if len(branches) == len(expected) and all(b.keyword == "format" for b in branches):
            keyword, expected = "format", " or ".join(str(b.expected) for b in branches)
    return SchemaError(keyword, tuple(error.instance_path), instance, expected, message)


class Checker:
    """A compiled schema that lists its errors, run by jsonschema-rs when it is installed (about
    20x faster) with Python jsonschema's own format checks plugged in and each `pattern` turned
    into a format checked by Python `re`, so both give the same verdicts; else by Python
    jsonschema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._rust: Any = None
        self._python: Any = None
        rust: Any
        try:
            import jsonschema_rs as rust
        except ImportError:
            rust = None
        stand_ins = PatternFormats()
        rewritten = None if rust is None else stand_ins.rewrite(schema)
        if rewritten is None or _differs_in_rust(rewritten):
            self._python = schema_validator(schema)
            return
        formats = {**_python_formats(), **stand_ins.checks}
        self._rust = rust.validator_for(rewritten, validate_formats=True, formats=formats)
        self._from_rust = partial(_from_rust, stand_ins.patterns)

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        if self._rust is not None:
            return map(self._from_rust, self._rust.iter_errors(instance))
        assert self._python is not None
        return (_from_python(e) for e in self._python.iter_errors(instance))

    def is_valid(self, instance: Any) -> bool:
        """Cheaper than `errors` when the instance is valid (no error objects are prepared)."""
        if self._rust is not None:
            return bool(self._rust.is_valid(instance))
        assert self._python is not None
        return bool(self._python.is_valid(instance))


_SUBSCHEMAS = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "allOf",
        "anyOf",
        "contains",
        "contentSchema",
        "else",
        "if",
        "items",
        "not",
        "oneOf",
        "prefixItems",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
"""Keywords whose value is a schema or a list of schemas."""
_SUBSCHEMA_MAPS = frozenset(
    {"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"}
)


class _Unsupported(Exception):
    """A `pattern` that is not a string Python `re` compiles: left to Python jsonschema."""


class PatternFormats:
    """Rewrites a schema so that each `pattern` is a custom format (`tp-pattern-<n>`) checked
    by Python `re.search`, as Python jsonschema does: jsonschema-rs then runs it with Python's
    regex semantics (`$` before a final newline, Unicode `\\d`, look-behind, ...)."""

    def __init__(self) -> None:
        self.patterns: dict[str, str] = {}
        """Format name -> the pattern it checks."""
        self.checks: dict[str, Callable[[Any], bool]] = {}
        """Format name -> its check, for `jsonschema_rs.validator_for(formats=...)`."""
        self._names: dict[str, str] = {}
        self._taken: set[str] = set()

    def rewrite(self, schema: Any) -> Any:
        """A rewritten copy of `schema`, or None when a pattern is not a valid Python regex (so
        Python jsonschema keeps its own behaviour for it: `re.error` when a string is checked)."""
        self._taken.update(known_formats(), _formats_in(schema))
        try:
            return self._schema(schema)
        except _Unsupported:
            return None

    def _schema(self, schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _SUBSCHEMAS:
                value = self._schema_or_list(value)
            elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                value = {name: self._schema(sub) for name, sub in value.items()}
            out[key] = value
        if "pattern" in out:
            self._move_pattern(out)
        return out

    def _schema_or_list(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._schema(v) for v in value]
        return self._schema(value)

    def _move_pattern(self, schema: dict[str, Any]) -> None:
        """Replace `pattern` by its format; a schema that has a format already gets it in an
        `allOf` (checked after the other format, as Python checks `format` before `pattern`)."""
        name = self._format_for(schema.pop("pattern"))
        if "format" not in schema:
            schema["format"] = name
            return
        others = schema.get("allOf", [])
        if not isinstance(others, list):
            raise _Unsupported(others)
        schema["allOf"] = [*others, {"format": name}]

    def _format_for(self, pattern: Any) -> str:
        if not isinstance(pattern, str):
            raise _Unsupported(pattern)
        name = self._names.get(pattern)
        if name is not None:
            return name
        try:
            search = pattern_search(pattern)
        except re.error as error:
            raise _Unsupported(pattern) from error
        name = _unused_name(len(self._names), self._taken)
        self._names[pattern] = name
        self.patterns[name] = pattern
        self.checks[name] = partial(_found, search)
        return name


def _unused_name(start: int, taken: set[str]) -> str:
    number = start
    while f"tp-pattern-{number}" in taken:
        number += 1
    taken.add(f"tp-pattern-{number}")
    return f"tp-pattern-{number}"


def _formats_in(schema: Any) -> set[str]:
    """Every string value of a `format` key anywhere in `schema` (names a stand-in must avoid)."""
    if isinstance(schema, dict):
        found = {v for k, v in schema.items() if k == "format" and isinstance(v, str)}
        return found.union(*(_formats_in(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_formats_in(v) for v in schema))
    return set()


def _found(search: Matcher, value: Any) -> bool:
    return not isinstance(value, str) or search(value)


def _differs_in_rust(schema: Any) -> bool:
    """Keywords where jsonschema-rs and Python jsonschema disagree: a `pattern` left in place
    (ECMA 262 vs Python `re`; `PatternFormats` moves those it finds where a schema can be) and
    a `multipleOf` given as a float (different arithmetic)."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            return True
        if isinstance(schema.get("multipleOf"), float):
            return True
        return any(_differs_in_rust(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_differs_in_rust(v) for v in schema)
    return False


@cache
def _python_formats() -> dict[str, Callable[[Any], bool]]:
    """Python jsonschema's format checks, for `jsonschema_rs.validator_for(formats=...)`."""
    formats: dict[str, Callable[[Any], bool]] = {}
    for name in known_formats():
        sure = SURELY_VALID.get(name)
        formats[name] = partial(_conforms, name, None if sure is None else re.compile(sure).match)
    return formats


def _conforms(
    name: str, surely_valid: Callable[[str], re.Match[str] | None] | None, value: Any
) -> bool:
    """`format_checker().conforms(value, name)` without its two layers of calls; a string
    `surely_valid` matches passes without it, and without importing jsonschema."""
    if surely_valid is not None and isinstance(value, str) and surely_valid(value) is not None:
        return True
    check, raises = format_checker().checkers[name]
    try:
        return bool(check(value))
    except raises:
        return False


def checker(schema: dict[str, Any]) -> Checker:
    return Checker(schema)
