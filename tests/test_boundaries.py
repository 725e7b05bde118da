"""Every keyword at its bound, one step inside and one step past, through every validation path.

A fixed table, run in every CI run. The property-based tests (test_validate_equivalence.py) also
generate values near bounds, but planted off-by-ones hid from them: `value >= xmin` for
`value > xmin` and `points > max_len + 1` in the scanner passed every test, and `max_length + 1`
in the fast path failed only for a lucky seed. Here each case is a property with a keyword (or a
few) and values with the verdict Draft 2020-12 gives them (plans have no `const`: `enum` is
their only way to say it). Each case is planned in five places, which the scanner and the fast
path reach by different code: a track property, a property of a nested object, the items of an
array, an identify trait, a context field.

For every value the table's verdict must be the reference's (`jsonschema` with format checking,
on the compiled bundle) and each path's:

- the native scanner (`NativeScanner`): it accepts the valid values and explains the invalid
  ones, except the values a row says it hands back to Python (non-ASCII text against a pattern,
  integers beyond 2**53 against a bound, ...); `native_verdict` (its verdict, the engine's for
  what it hands back or explains) must be right too;
- the fast path (`EventValidator` with TP_NATIVE=0, msgspec decoders built from the plan): it
  decides the valid values without the schema path, except those a row says it leaves to it;
  the engine's verdict must be right;
- the schema path (`SchemaPath`), with jsonschema-rs and with Python jsonschema (this one, like
  the reference, slow and blind to where the property sits, in two of the five places).

Deciding more or less than the table says is a failure too, not only a slower run: a scanner
that explains a valid value gives its signature the report "valid", and `tp validate` then
counts the later records with that signature, the invalid ones too, as valid without looking
(`NativeRun._explained`). Text values are sent as UTF-8 and again with `\\u` escapes.

Then the bounds outside the plan: messageId lengths, the 32 KB message, 64 payload properties,
what is text (UTF-8 and escapes), nesting depth and the number of violations a signature names.

`tools/mutate.py` checks that these tests notice off-by-ones: it flips each comparison of the
scanner and the fast path, one at a time, and runs them (see bench/README.md).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from test_native import scan_one
from test_validate_equivalence import (
    describe,
    engine_verdict,
    native_verdict,
    needs_native,
    reference,
    schema_verdict,
    without_jsonschema_rs,
)

from tracking_plan.model import CallType, Definition, Plan, Policy, Property
from tracking_plan.validate.engine import EventValidator, ValidateOptions
from tracking_plan.validate.explain import SchemaPath
from tracking_plan.validate.native import NativeScanner
from tracking_plan.validate.native import available as native_available

NATIVE = frozenset({"native"})
FAST = frozenset({"fast"})
BOTH = NATIVE | FAST
NATIVE_IN_ITEMS = frozenset({"native@items"})  # at that position only
NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Raw:
    """A JSON number written as given (`1e2`, `-0`), not as json.dumps would write it."""

    text: str


@dataclass(frozen=True)
class Row:
    value: Any
    valid: bool
    # the paths that leave this value to the next one: "native", "fast", or "native@items" for
    # the scanner at that position only
    leaves: frozenset[str]

    def left_by(self, path: str, position: str) -> bool:
        return path in self.leaves or f"{path}@{position}" in self.leaves


def ok(value: Any, leaves: frozenset[str] = NONE) -> Row:
    return Row(value, True, leaves)


def no(value: Any, leaves: frozenset[str] = NONE) -> Row:
    # The fast path never says "invalid": whatever it does not accept goes to the schema path.
    assert "fast" not in leaves
    return Row(value, False, leaves)


@dataclass(frozen=True)
class Case:
    name: str
    prop: Property
    rows: tuple[Row, ...]
    fast: bool  # the fast path decides the definition (else the schema path has every record)
    native: bool  # the scanner judges the definition (else it hands every record back)


def case(
    name: str, rows: list[Row], *, fast: bool = True, native: bool = True, **fields: Any
) -> Case:
    return Case(name, Property(name="v", **fields), tuple(rows), fast, native)


def after(x: float) -> float:
    return math.nextafter(x, math.inf)


def before(x: float) -> float:
    return math.nextafter(x, -math.inf)


STRING = ("string",)
INTEGER = ("integer",)
NUMBER = ("number",)
ARRAY = ("array",)
UUID = "123e4567-e89b-12d3-a456-426614174000"
DIGITS_18 = 123456789012345678  # the longest integer the scanner reads itself (a multiple of 3)
DIGITS_19 = 9999999999999999999  # fits in 64 bits unsigned, not signed (a multiple of 3)
UTF8_EDGES = ("\x7f", "\x80", "\u07ff", "\u0800", "\u0fff", "\u1000", "\ucfff", "\ud000")
UTF8_EDGES += ("\ud7ff", "\ue000", "\uffff", "\U00010000", "\U0003ffff", "\U00040000")
UTF8_EDGES += ("\U000fffff", "\U00100000", "\U0010ffff", "a\x00\x1f b")
MONTH_DAYS = [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30)]
MONTH_DAYS += [(7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)]
# the longest number literal the scanner reads itself (63 characters), and one longer
NUMBER_63 = Raw("0." + "0" * 60 + "1")
NUMBER_64 = Raw("0." + "0" * 61 + "1")
FIELDS_64 = tuple(Property(name=f"p{i}", types=INTEGER, required=i == 63) for i in range(64))
ALL_64 = {f"p{i}": i for i in range(64)}

CASES = [
    # -- string lengths count code points: 'é' is 2 bytes in UTF-8, '注' 3, '😀' 4 (2 in UTF-16)
    case(
        "min_length",
        [
            *(ok("ab"), ok("abc"), no("a"), no("")),
            *(ok("éé"), no("é"), ok("注注"), no("注"), ok("😀😀"), no("😀"), ok("a😀")),
        ],
        types=STRING,
        min_length=2,
    ),
    case("min_length-1", [ok("a"), ok("😀"), no("")], types=STRING, min_length=1),
    case(
        "max_length",
        [
            *(ok("abc"), ok("ab"), ok(""), no("abcd")),
            *(ok("ééé"), no("éééé"), ok("注注注"), no("注注注注"), ok("😀😀😀"), no("😀😀😀😀")),
            no("é😀注a"),
            ok("a\nb", NATIVE),  # an escape is one character; the scanner leaves escapes
        ],
        types=STRING,
        max_length=3,
    ),
    case("max_length-0", [ok(""), no("a"), no("é")], types=STRING, max_length=0),
    case(
        "string",  # each end of each UTF-8 length and of the surrogates (escaped: \ud800\udc00)
        [*(ok(text) for text in UTF8_EDGES), no(1), no(None)],
        types=STRING,
    ),
    case(
        "min_length-max_length",
        [ok("ab"), ok("é😀"), no("a"), no("abc"), no("😀"), no("😀😀😀")],
        types=STRING,
        min_length=2,
        max_length=2,
    ),
    # -- patterns (`re.search`: `$` also matches before a final line break) and formats
    case(
        "pattern-quantifier",
        [
            *(ok("ab"), ok("abc"), no("a"), no("abcd"), no("aB"), no("ab1"), no("")),
            ok("abc\n", NATIVE),
            no("éé", NATIVE),  # non-ASCII text is matched by Python
        ],
        types=STRING,
        pattern="^[a-z]{2,3}$",
    ),
    case(
        "pattern-unanchored",
        [ok("abba"), ok("bb"), ok("bbb"), no("b"), no("bab"), no(""), ok("ébb", NATIVE)],
        types=STRING,
        pattern="b{2}",
    ),
    case(
        "pattern-max_length",
        [ok("abc"), ok("a"), no("abcd"), no("ab1"), no("é", NATIVE)],
        types=STRING,
        pattern="^[a-z]+$",
        max_length=3,
    ),
    case(
        "date-time",
        [
            *(ok("2024-03-01T12:34:56Z"), ok("2024-03-01t12:34:56z"), ok("2024-12-31T23:59:59Z")),
            *(ok("2024-01-31T00:00:00Z"), ok("2024-04-30T00:00:00Z"), ok("0001-01-01T00:00:00Z")),
            *(ok("2024-03-01T12:34:56.1Z"), ok("2024-03-01T12:34:56.9Z")),
            *(ok("2024-03-01T12:34:56+23:59"), ok("2024-03-01T12:34:56-23:59")),
            *(ok("2024-03-01T19:34:56+12:30"), ok("2024-03-01T09:00:00-09:00")),
            ok("2024-02-29T00:00:00Z", BOTH),  # a leap day: Python knows the calendar
            no("2023-02-29T00:00:00Z", NATIVE),
            *(no("2024-13-01T00:00:00Z", NATIVE), no("2024-00-01T00:00:00Z", NATIVE)),
            *(no("2024-01-32T00:00:00Z", NATIVE), no("2024-04-31T00:00:00Z", NATIVE)),
            *(no("2024-01-00T00:00:00Z", NATIVE), no("0000-01-01T00:00:00Z", NATIVE)),
            *(no("2024-03-01T24:00:00Z", NATIVE), no("2024-03-01T23:60:00Z", NATIVE)),
            *(no("2024-03-01T23:59:60Z", NATIVE), no("2024-03-01T12:34:56+24:00", NATIVE)),
            no("2024-03-01T12:34:56+23:60", NATIVE),
            *(no("2024-03-01T12:34:56.Z"), no("2024-03-01T12:34:56"), no("2024-03-01")),
            *(no("2024-03-01 12:34:56Z"), no("2024-03-01T12:34:56+0100")),
        ],
        types=STRING,
        formats=("date-time",),
    ),
    case(
        "date",
        [
            # the last day of each month and the day after it (no pattern that every valid
            # date matches: the scanner hands back what its pattern refuses)
            *(ok(f"2023-{month:02}-{days:02}") for month, days in MONTH_DAYS),
            *(no(f"2023-{month:02}-{days + 1:02}", NATIVE) for month, days in MONTH_DAYS),
            # the first day of each month, the day before it, and each run of the day's digits
            *(ok(f"2023-{month:02}-01") for month, _days in MONTH_DAYS),
            *(no(f"2023-{month:02}-00", NATIVE) for month, _days in MONTH_DAYS),
            *(
                ok(f"2023-{month:02}-{day:02}")
                for month, _ in MONTH_DAYS
                for day in (9, 10, 19, 20)
            ),
            *(ok("2024-02-29", BOTH), no("2024-01-00", NATIVE), no("2024-12-00", NATIVE)),
            *(no("2024-13-01", NATIVE), no("2024-00-10", NATIVE)),
            *(ok(f"{year}-01-01") for year in ("0001", "0010", "0100", "1000", "1999", "9999")),
            *(no("0000-01-01", NATIVE), no("2024-1-01", NATIVE), no("02024-01-01", NATIVE)),
            no("2024-01-01T00:00:00Z", NATIVE),
        ],
        types=STRING,
        formats=("date",),
    ),
    # msgspec mishandles a pattern- or format-checked string in a union with a container: the
    # fast path leaves such a definition to the schema path
    case(
        "pattern-string-or-array",
        [ok("ab"), no("b"), ok([]), ok(["b"]), no(1)],
        fast=False,
        types=("string", "array"),
        pattern="^a",
    ),
    case(
        "date-string-or-object",
        [ok("2024-02-28"), no("2024-02-30", NATIVE), ok({}), no(1)],
        fast=False,
        types=("string", "object"),
        formats=("date",),
    ),
    # msgspec's Literal holds 64-bit signed integers: an enum beyond them is left to the schema
    # path, by the fast path and the scanner
    case(
        "enum-integer-64-bits",
        [
            # the scanner hands back integers beyond 2**53 (not exact as doubles)
            *(ok(2**63 - 1, NATIVE), ok(-(2**63), NATIVE), ok(5), no(6)),
            *(no(2**63, NATIVE), no(-(2**63) - 1, NATIVE)),
        ],
        types=INTEGER,
        enum=(5, 2**63 - 1, -(2**63)),
    ),
    case(
        "enum-past-64-bits",
        [ok(5), ok(2**63), no(6)],
        fast=False,
        native=False,
        types=INTEGER,
        enum=(5, 2**63),
    ),
    case(
        "enum-before-64-bits",
        [ok(5), ok(-(2**63) - 1), no(6)],
        fast=False,
        native=False,
        types=INTEGER,
        enum=(5, -(2**63) - 1),
    ),
    case(
        "email",
        [ok("a@b"), ok("@"), ok("a@"), no("ab"), no(""), ok("é@", NATIVE), no("é", NATIVE)],
        types=STRING,
        formats=("email",),
    ),
    case(
        "uuid",
        [
            *(ok(UUID), ok(UUID.upper()), no(UUID.replace("-", ""), NATIVE)),
            *(no("g" + UUID[1:], NATIVE), no(UUID[:8] + "_" + UUID[9:], NATIVE)),
            # each group one digit shorter and one longer (no valid uuid is longer)
            *(no(UUID[:end] + UUID[end + 1 :], NATIVE) for end in (7, 12, 17, 22, 35)),
            *(no(UUID[:end] + "0" + UUID[end:], NATIVE) for end in (8, 13, 18, 23, 36)),
        ],
        types=STRING,
        formats=("uuid",),
    ),
    case(
        "date-or-date-time",
        [
            *(ok("2024-02-28"), ok("2024-02-28T00:00:00Z"), ok("2024-02-29", BOTH)),
            *(no("2024-02-30", NATIVE), no("2024-02-28T00:00:00", NATIVE), no("", NATIVE)),
        ],
        types=STRING,
        formats=("date", "date-time"),
    ),
    # -- integers
    case(
        "minimum",
        [ok(5), ok(6), no(4), ok(5.0, BOTH), no(4.0, NATIVE), no(Raw("4e0"), NATIVE)],
        types=INTEGER,
        minimum=5,
    ),
    case("minimum-negative", [ok(-5), ok(-4), no(-6)], types=INTEGER, minimum=-5),
    case("minimum-0", [ok(0), ok(Raw("-0")), ok(1), no(-1)], types=INTEGER, minimum=0),
    case("maximum", [ok(5), ok(4), no(6), no(6.0, NATIVE)], types=INTEGER, maximum=5),
    case("exclusive_minimum", [no(5), ok(6), no(4)], types=INTEGER, exclusive_minimum=5),
    case("exclusive_maximum", [no(5), ok(4), no(6)], types=INTEGER, exclusive_maximum=5),
    case(
        "exclusive-both",
        [ok(1), no(0), no(2)],
        types=INTEGER,
        exclusive_minimum=0,
        exclusive_maximum=2,
    ),
    case(
        "maximum-2**53",
        [ok(2**53), ok(2**53 - 1), no(2**53 + 1, NATIVE)],  # the scanner compares exact doubles
        types=INTEGER,
        maximum=2**53,
    ),
    case(
        "minimum-minus-2**53",
        [ok(-(2**53)), ok(-(2**53) + 1), no(-(2**53) - 1, NATIVE)],
        types=INTEGER,
        minimum=-(2**53),
    ),
    case(
        "minimum-2**53+1",  # not a double: the scanner leaves the definition to Python
        [no(2**53), ok(2**53 + 1), ok(2**53 + 2)],
        native=False,
        types=INTEGER,
        minimum=2**53 + 1,
    ),
    case("minimum-18-digits", [ok(DIGITS_18, NATIVE), no(-1)], types=INTEGER, minimum=0),
    case(
        "multiple_of",
        [
            *(ok(0), ok(3), ok(-3), ok(6), no(4), no(-4), no(1), no(2)),
            *(ok(3.0, BOTH), ok(DIGITS_18), no(DIGITS_18 + 1)),
            *(ok(DIGITS_19, NATIVE), no(DIGITS_19 + 1, NATIVE), no(10**20, NATIVE)),
        ],
        types=INTEGER,
        multiple_of=3,
    ),
    case("multiple_of-1", [ok(0), ok(7), ok(-7), no(1.5, NATIVE)], types=INTEGER, multiple_of=1),
    case(
        "multiple_of-2**63-1",  # the largest the scanner takes (a signed 64-bit integer)
        [ok(0), no(1), no(2**52), ok(2**63 - 1, NATIVE)],
        types=INTEGER,
        multiple_of=2**63 - 1,
    ),
    case(
        "multiple_of-2**63",
        [ok(0), no(1), no(2**63 - 1), ok(2**63)],
        fast=False,
        native=False,
        types=INTEGER,
        multiple_of=2**63,
    ),
    case(
        "integer-multiple_of-2.5",
        [ok(0), ok(5), ok(10), no(4), no(6)],
        fast=False,
        native=False,
        types=INTEGER,
        multiple_of=2.5,
    ),
    # -- numbers: float bounds (the fast path leaves them to the schema path), the doubles
    # either side of a bound, integers against them
    case(
        "minimum-1.5",
        [
            *(ok(1.5), ok(after(1.5)), no(before(1.5)), ok(2), no(1)),
            *(ok(Raw("1.5e0")), ok(Raw("15E-1")), no(Raw("14e-1"))),
        ],
        fast=False,
        types=NUMBER,
        minimum=1.5,
    ),
    case(
        "maximum-1.5",
        [ok(1.5), ok(before(1.5)), no(after(1.5)), ok(1), no(2)],
        fast=False,
        types=NUMBER,
        maximum=1.5,
    ),
    case(
        "exclusive_minimum-1.5",
        [no(1.5), ok(after(1.5)), no(before(1.5)), ok(2), no(1)],
        fast=False,
        types=NUMBER,
        exclusive_minimum=1.5,
    ),
    case(
        "exclusive_maximum-1.5",
        [no(1.5), ok(before(1.5)), no(after(1.5)), ok(1), no(2)],
        fast=False,
        types=NUMBER,
        exclusive_maximum=1.5,
    ),
    case(
        "number-minimum",
        [ok(5), ok(5.0), ok(5.5), ok(after(5.0)), no(before(5.0)), no(4)],
        types=NUMBER,
        minimum=5,
    ),
    case(
        "number-exclusive_maximum-0",
        [ok(-1), ok(-5e-324), no(0), no(0.0), no(Raw("-0.0")), no(Raw("-1e-400")), no(5e-324)],
        types=NUMBER,
        exclusive_maximum=0,
    ),
    case(
        "maximum-0.1",
        [ok(0.1), ok(before(0.1)), no(after(0.1)), ok(0), no(1)],
        fast=False,
        types=NUMBER,
        maximum=0.1,
    ),
    case(
        "multiple_of-0.1",
        # Python jsonschema divides in floats: 0.3 / 0.1 is 2.9999999999999996, not a whole number
        [ok(0), ok(0.2), ok(0.5), ok(1), ok(1.1), no(0.3), no(0.15), no(0.05)],
        fast=False,
        native=False,
        types=NUMBER,
        multiple_of=0.1,
    ),
    case(
        "multiple_of-2.5",
        [ok(0), ok(5), ok(7.5), ok(-2.5), no(6), no(2.4)],
        fast=False,
        native=False,
        types=NUMBER,
        multiple_of=2.5,
    ),
    case(
        "number-multiple_of",
        [ok(3), ok(-6), no(4), ok(4.5 * 2, NATIVE), no(1.5, NATIVE)],
        fast=False,
        types=NUMBER,
        multiple_of=3,
    ),
    # -- arrays
    case("min_items", [ok([1, 2]), ok([1, 2, 3]), no([1]), no([])], types=ARRAY, min_items=2),
    case("max_items", [ok([1, 2]), ok([1]), ok([]), no([1, 2, 3])], types=ARRAY, max_items=2),
    case("max_items-0", [ok([]), no([1])], types=ARRAY, max_items=0),
    case(
        "min_items-max_items",
        [ok(["a"]), no([]), no(["a", "a"])],
        types=ARRAY,
        min_items=1,
        max_items=1,
    ),
    case(
        "unique_items",
        [
            *(ok([]), ok([1, 2]), ok([1, True]), ok([0, False]), ok([{"a": 1}, {"a": 2}])),
            *(no([1, 1]), no([1, 1.0]), no(["a", "a"]), no([[1], [1]]), no([{"a": 1}, {"a": 1}])),
        ],
        fast=False,
        native=False,
        types=ARRAY,
        unique_items=True,
    ),
    # -- enums
    case(
        "enum-strings",
        [
            *(ok("a"), ok("bc"), ok("é"), no("b"), no("bcd"), no(""), no("A"), no("e")),
            *(no(1), no(None), no(["a"])),
        ],
        types=STRING,
        enum=("a", "bc", "é"),
    ),
    case(
        "enum-integers",
        [
            *(ok(1), ok(3), no(0), no(4), ok(1.0, BOTH), no(1.5), no("1"), no(True), no(None)),
            *(ok(DIGITS_18), ok(-DIGITS_18), no(DIGITS_18 + 1)),
        ],
        types=INTEGER,
        enum=(1, 2, 3, DIGITS_18, -DIGITS_18),
    ),
    case(
        "enum-int64",  # the scanner holds enum integers in 64 bits (it reads up to 18 digits)
        [ok(5), no(6), ok(-(2**63), NATIVE), ok(2**63 - 1, NATIVE), no(2**63, NATIVE)],
        types=INTEGER,
        enum=(5, -(2**63), 2**63 - 1),
    ),
    case(
        "enum-beyond-int64",
        [ok(5), no(6), ok(2**63), ok(-(2**63) - 1), no(2**63 + 1)],
        fast=False,
        native=False,
        types=INTEGER,
        enum=(5, 2**63, -(2**63) - 1),
    ),
    case(
        "enum-nullable",
        [ok("a"), ok(None, FAST), no("b"), no("")],  # the fast path's Literal lacks null
        types=STRING,
        nullable=True,
        enum=("a",),
    ),
    case(
        "enum-max_length",  # an enum value the other keywords refuse is not accepted
        [ok("a"), no("abc", NATIVE), no("ab", NATIVE)],
        types=STRING,
        enum=("a", "abc"),
        max_length=2,
    ),
    case(
        "enum-untyped",
        [ok("a"), ok(1), ok(None), no("1"), no(2), no(True), no([1])],
        fast=False,
        enum=("a", 1, None),
    ),
    # -- types
    case(
        "integer",
        [
            *(ok(0), ok(-1), ok(Raw("1e2"), BOTH), ok(Raw("1.0"), BOTH), no(1.5), no(Raw("1.5e0"))),
            *(no("1"), no(True), no(None), no([]), no({})),
        ],
        types=INTEGER,
    ),
    case(
        "number",
        [
            *(ok(1.5), ok(1), ok(Raw("-0")), ok(Raw("1E-2")), no("1.5"), no(True), no(None)),
            *(ok(NUMBER_63), ok(NUMBER_64, NATIVE)),
        ],
        types=NUMBER,
    ),
    case("boolean", [ok(True), ok(False), no(0), no("true"), no(None)], types=("boolean",)),
    case(
        "string-nullable-max_length",
        [ok(None), ok("ab"), no("abc"), no(1)],
        types=STRING,
        nullable=True,
        max_length=2,
    ),
    case(
        "string-or-integer",  # each keyword applies to its own kind of value
        [ok("ab"), no("abc"), ok(5), no(6), no(1.5), no(None)],
        types=("string", "integer"),
        max_length=2,
        maximum=5,
    ),
    case(
        "untyped-free",
        [ok("x"), ok(1), ok(1.5), ok(None), ok(True), ok([1]), ok({"a": 1})],
    ),
    case(
        "untyped",
        [ok("abc"), no("abcd"), ok(5), no(6), ok(True), ok(None), ok([1, 2, 3, 4])],
        fast=False,
        max_length=3,
        maximum=5,
    ),
    # -- objects
    case(
        "object-required-forbid",
        [
            *(ok({"k": 1}), no({}), no({"k": "1"}), no([])),
            # inside array items Python names the unplanned keys
            *(no({"k": 1, "x": 2}, NATIVE_IN_ITEMS), no({"K": 1}, NATIVE_IN_ITEMS)),
        ],
        types=("object",),
        properties=(Property(name="k", types=INTEGER, required=True),),
        unplanned_properties=Policy.FORBID,
    ),
    case(
        "object-closed-empty",  # `forbid` and no properties: only {}
        [ok({}), no({"x": 1}, NATIVE_IN_ITEMS), no({"": 1}, NATIVE_IN_ITEMS), no([])],
        fast=False,
        types=("object",),
        unplanned_properties=Policy.FORBID,
    ),
    case(
        "object-open-empty",  # no properties, and keys it does not plan are only a warning
        [ok({}), ok({"x": 1}), no([])],
        types=("object",),
        unplanned_properties=Policy.WARN,
    ),
    case(
        "object-64-fields",  # the scanner keeps an object's fields in 64 bits
        [ok(ALL_64), ok({"p63": 0}), ok({"p63": 0, "x": 1}), no({}), no({**ALL_64, "p63": "x"})],
        types=("object",),
        properties=FIELDS_64,
    ),
    case(
        "object-65-fields",
        [ok({"p64": 0}), no({}), no({"p64": "x"})],
        native=False,
        types=("object",),
        properties=tuple(
            Property(name=f"p{i}", types=INTEGER, required=i == 64) for i in range(65)
        ),
    ),
]
CASE_BY_NAME = {c.name: c for c in CASES}
assert len(CASE_BY_NAME) == len(CASES)

POSITIONS = ("properties", "nested", "items", "traits", "context")
CASE_IDS = [f"{c.name}@{position}" for c in CASES for position in POSITIONS]
# Python jsonschema is slow, and the nesting a position adds has no keyword of its own: the
# reference and the schema path without jsonschema-rs see two of the five places.
SCHEMA_CASE_IDS = [f"{c.name}@{position}" for c in CASES for position in ("properties", "items")]
TIMESTAMP = "2024-03-01T12:34:56Z"


def planned(prop: Property, position: str) -> Plan:
    """A plan with `prop` (named v) at `position`."""
    props: tuple[Property, ...] = (prop,)
    if position == "nested":
        props = (Property(name="o", types=("object",), properties=props),)
    elif position == "items":
        props = (Property(name="a", types=ARRAY, items=dataclasses.replace(prop, name="items")),)
    track = Definition(call=CallType.TRACK, name="Boundary", properties=props)
    identify = None
    if position == "traits":
        track = dataclasses.replace(track, properties=())
        identify = Definition(call=CallType.IDENTIFY, name="identify", properties=props)
    elif position == "context":
        # no payload to check: the context is the scanner's first node
        track = dataclasses.replace(
            track, properties=(), unplanned_properties=Policy.ALLOW, context=props
        )
    return Plan(name="boundaries", events=(track,), identify=identify)


def messages(
    value: Any, position: str, payload_first: bool = False, **envelope: Any
) -> Iterator[tuple[str, bytes]]:
    """The message carrying `value` at `position`, as UTF-8 and (if that differs) with every
    character outside ASCII escaped; with `payload_first`, also as UTF-8 with the payload before
    `type` (the scanner then checks it after the envelope, not while reading it)."""
    payload: Any = {"v": value}
    if position == "nested":
        payload = {"o": payload}
    elif position == "items":
        payload = {"a": [value]}
    message: dict[str, Any] = {"type": "track", "event": "Boundary"}
    if position == "traits":
        message = {"type": "identify"}
    message.update({"userId": "u1", "messageId": "m1", "timestamp": TIMESTAMP, **envelope})
    field = {"traits": "traits", "context": "context"}.get(position, "properties")
    message[field] = payload
    placeholder = "@raw@"

    def encode(ensure_ascii: bool, first: str | None = None) -> bytes:
        ordered = message if first is None else {first: message[first], **message}
        text = json.dumps(ordered, ensure_ascii=ensure_ascii, default=lambda raw: placeholder)
        if isinstance(value, Raw):
            text = text.replace(json.dumps(placeholder), value.text)
        return text.encode()

    plain = encode(ensure_ascii=False)
    yield "utf-8", plain
    escaped = encode(ensure_ascii=True)
    if escaped != plain:
        yield "escaped", escaped
    if payload_first:
        yield "payload first", encode(ensure_ascii=False, first=field)


@dataclass(frozen=True)
class Paths:
    """One case at one position, and what checks it."""

    case: Case
    position: str
    plan: Plan
    definition: Definition
    engine: EventValidator
    schema: SchemaPath
    schema_calls: list[int]  # how many times `engine` asked the schema path

    def rows(self, payload_first: bool) -> Iterator[tuple[Row, str, bytes]]:
        for row in self.case.rows:
            for encoding, data in messages(row.value, self.position, payload_first):
                yield row, encoding, data


@cache
def paths(case_id: str) -> Paths:
    name, position = case_id.rsplit("@", 1)
    c = CASE_BY_NAME[name]
    plan = planned(c.prop, position)
    definition = plan.identify if position == "traits" else plan.events[0]
    assert definition is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TP_NATIVE", "0")
        engine = EventValidator(plan, ValidateOptions(dedupe_window=0))
    assert engine.native is None
    calls: list[int] = []
    explain = engine.schema.explain

    def counted(message: Any) -> Any:
        calls.append(1)
        return explain(message)

    engine.schema.explain = counted  # type: ignore[method-assign]
    return Paths(c, position, plan, definition, engine, SchemaPath(plan), calls)


def reads_text(prop: Property) -> bool:
    """Whether the scanner reads the text of the property's strings (its length, pattern,
    format or enum)."""
    keywords = (prop.min_length, prop.max_length, prop.pattern, prop.enum)
    return bool(prop.formats) or any(k is not None for k in keywords)


def check_rows(
    p: Paths, verdict: Callable[[Row, str, bytes], str | None], payload_first: bool = False
) -> None:
    """Run `verdict` on every row; it returns what is wrong, or None."""
    wrong = []
    for row, encoding, data in p.rows(payload_first):
        problem = verdict(row, encoding, data)
        if problem is not None:
            wrong.append(
                f"{row.value!r} ({encoding}), {'valid' if row.valid else 'invalid'} in the "
                f"table: {problem}\n{describe(p.plan, data)}"
            )
    assert not wrong, f"{len(wrong)} wrong:\n\n" + "\n\n".join(wrong)


# -- the table against the reference ---------------------------------------------------------------


@pytest.mark.parametrize("case_id", SCHEMA_CASE_IDS)
def test_table_agrees_with_the_reference(case_id: str) -> None:
    p = paths(case_id)
    validator = reference(p.plan)

    def verdict(row: Row, _encoding: str, data: bytes) -> str | None:
        valid = validator.is_valid(json.loads(data))
        return None if valid == row.valid else f"the reference says valid={valid}"

    check_rows(p, verdict)


# -- each path ----------------------------------------------------------------------------------


@needs_native
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_native_scanner(case_id: str) -> None:
    p = paths(case_id)
    key = (p.definition.call.value, "" if p.position == "traits" else p.definition.name)
    assert NativeScanner(p.plan, window=0).supports(key) == p.case.native

    def verdict(row: Row, encoding: str, data: bytes) -> str | None:
        outcome = scan_one(data, p.plan)
        valid = native_verdict(p.plan, data, validator=p.engine)
        if valid != row.valid:
            return f"native_verdict says valid={valid} (the scanner {outcome})"
        if encoding == "escaped" and reads_text(p.case.prop):
            # the scanner hands back escaped text it has to measure or match
            allowed = {"accepted" if row.valid else "explained", "handed back"}
        elif not p.case.native or row.left_by("native", p.position):
            allowed = {"handed back"}
        else:
            allowed = {"accepted" if row.valid else "explained"}
        return None if outcome in allowed else f"the scanner {outcome}, expected {allowed}"

    check_rows(p, verdict, payload_first=True)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_fast_path(case_id: str) -> None:
    p = paths(case_id)
    assert p.engine.fast.supported(p.definition) == p.case.fast

    def verdict(row: Row, _encoding: str, data: bytes) -> str | None:
        before = len(p.schema_calls)
        valid = engine_verdict(p.plan, data, validator=p.engine)
        decided = len(p.schema_calls) == before
        if valid != row.valid:
            return f"the engine says valid={valid} (fast path decided: {decided})"
        expected = row.valid and p.case.fast and not row.left_by("fast", p.position)
        if decided != expected:
            return f"the fast path {'decided' if decided else 'left it to the schema path'}"
        return None

    check_rows(p, verdict)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_schema_path(case_id: str) -> None:
    p = paths(case_id)

    def verdict(row: Row, _encoding: str, data: bytes) -> str | None:
        valid = schema_verdict(p.plan, data, path=p.schema)
        return None if valid == row.valid else f"the schema path says valid={valid}"

    check_rows(p, verdict)


@pytest.mark.parametrize("case_id", SCHEMA_CASE_IDS)
def test_schema_path_without_jsonschema_rs(case_id: str) -> None:
    p = paths(case_id)
    with without_jsonschema_rs():
        path = SchemaPath(p.plan)

        def verdict(row: Row, _encoding: str, data: bytes) -> str | None:
            valid = schema_verdict(p.plan, data, path=path)
            return None if valid == row.valid else f"Python jsonschema says valid={valid}"

        check_rows(p, verdict)


# -- the envelope's bounds -------------------------------------------------------------------------

# (messageId, valid): 1 to 100 characters, counted as code points
MESSAGE_IDS = [
    ("x" * 100, True),
    ("x" * 101, False),
    ("😀" * 100, True),
    ("😀" * 101, False),
    ("é" * 100, True),
    ("m", True),
    ("", False),
]


@pytest.mark.parametrize(("message_id", "valid"), MESSAGE_IDS, ids=lambda v: repr(v)[:12])
def test_message_id_length(message_id: str, valid: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    p = paths("min_length@properties")
    careful: list[int] = []
    check_carefully = p.engine._check_carefully

    def counted(*args: Any, **kwargs: Any) -> Any:
        careful.append(1)
        return check_carefully(*args, **kwargs)

    monkeypatch.setattr(p.engine, "_check_carefully", counted)
    for encoding, data in messages("ab", "properties", messageId=message_id):
        assert reference(p.plan).is_valid(json.loads(data)) == valid
        before, careful_before = len(p.schema_calls), len(careful)
        assert engine_verdict(p.plan, data, validator=p.engine) == valid
        assert (len(p.schema_calls) == before) == valid  # the fast path decides the valid ones
        # a valid track is decided by the one-parse decoder of clean tracks, not the careful way
        assert (len(careful) == careful_before) == valid
        assert schema_verdict(p.plan, data, path=p.schema) == valid
        if native_available():
            # envelope faults are Python's to report, and so is an escaped messageId
            outcome = "accepted" if valid and encoding == "utf-8" else "handed back"
            assert scan_one(data, p.plan) == outcome
            assert native_verdict(p.plan, data, validator=p.engine) == valid


@pytest.mark.parametrize("position", ["properties", "traits"])  # a track, an identify
@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("messageId", "m", True),
        ("messageId", "", False),
        ("messageId", "x" * 100, True),
        ("messageId", "x" * 101, False),
        ("userId", "u", True),
        ("userId", "", False),
        ("anonymousId", "a", True),
        ("anonymousId", "", False),
    ],
)
def test_one_character_envelope_strings(position: str, field: str, value: str, valid: bool) -> None:
    """Identities and messageIds need one character: the fast path decides the valid ones
    (tracks and other calls go through different decoders)."""
    p = paths(f"min_length@{position}")
    for _encoding, data in messages("ab", position, **{field: value}):
        assert reference(p.plan).is_valid(json.loads(data)) == valid
        before = len(p.schema_calls)
        assert engine_verdict(p.plan, data, validator=p.engine) == valid
        assert (len(p.schema_calls) == before) == valid


def test_message_size() -> None:
    """Segment refuses messages over 32 KB (EN201), which no schema can say: the reference
    passes both; tp passes 32,768 bytes and fails one more."""
    p = paths("min_length@properties")
    base = next(messages("", "properties"))[1]
    for size, valid in ((32_768, True), (32_769, False)):
        data = next(messages("a" * (size - len(base)), "properties"))[1]
        assert len(data) == size
        assert reference(p.plan).is_valid(json.loads(data))
        assert engine_verdict(p.plan, data, validator=p.engine) == valid
        if native_available():
            assert scan_one(data, p.plan) == ("accepted" if valid else "handed back")
            assert native_verdict(p.plan, data, validator=p.engine) == valid


@pytest.mark.parametrize("count", [64, 65])
def test_payload_fields(count: int) -> None:
    """The scanner judges a payload of up to 64 planned properties (it keeps which it saw in
    64 bits), the last one required; beyond, it hands the records back."""
    props = tuple(
        Property(name=f"p{i}", types=INTEGER, required=i == count - 1) for i in range(count)
    )
    plan = Plan(
        name="boundaries",
        events=(Definition(call=CallType.TRACK, name="Boundary", properties=props),),
    )
    engine = EventValidator(plan, ValidateOptions(dedupe_window=0))
    every = {f"p{i}": i for i in range(count)}
    for payload, valid in ((every, True), ({"p0": 0}, False), ({**every, "p0": "x"}, False)):
        message = {"type": "track", "event": "Boundary", "userId": "u1", "messageId": "m1"}
        data = json.dumps({**message, "properties": payload}).encode()
        assert reference(plan).is_valid(json.loads(data)) == valid
        assert engine_verdict(plan, data, validator=engine) == valid
        assert schema_verdict(plan, data) == valid
        if native_available():
            decided = "accepted" if valid else "explained"
            assert scan_one(data, plan) == (decided if count <= 64 else "handed back")
            assert native_verdict(plan, data, validator=engine) == valid


@pytest.mark.parametrize("count", [64, 65])
@pytest.mark.parametrize("where", ["context", "nested"])
def test_object_fields(count: int, where: str) -> None:
    """Objects other than the payload hold up to 64 planned properties in the scanner too:
    the context and a nested object; beyond, the scanner hands their records back."""
    props = tuple(Property(name=f"p{i}", types=INTEGER) for i in range(count))
    if where == "context":
        track = Definition(call=CallType.TRACK, name="Boundary", context=props)
    else:
        nested = Property(name="o", types=("object",), properties=props)
        track = Definition(call=CallType.TRACK, name="Boundary", properties=(nested,))
    plan = Plan(name="boundaries", events=(track,))
    every = {f"p{i}": i for i in range(count)}
    for value, valid in ((every, True), ({**every, "p0": "x"}, False)):
        message = {"type": "track", "event": "Boundary", "userId": "u1", "messageId": "m1"}
        message.update({"context": value} if where == "context" else {"properties": {"o": value}})
        data = json.dumps(message).encode()
        assert reference(plan).is_valid(message) == valid
        assert engine_verdict(plan, data) == valid
        if native_available():
            decided = "accepted" if valid else "explained"
            assert scan_one(data, plan) == (decided if count <= 64 else "handed back")
            assert native_verdict(plan, data) == valid


# Not text: invalid UTF-8 next to the edges of UTF8_EDGES (overlong forms, surrogates, beyond
# U+10FFFF, a bad first or following byte), raw control characters, escapes of no character
# (a lone or unpaired surrogate: valid JSON to Python's json, but no text) or of nothing.
NOT_TEXT = [b"\xc0\x80", b"\xc1\xbf", b"\xc2\x7f", b"\xdf\xc0", b"\xe0\x9f\xbf"]
NOT_TEXT += [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xe1\x80\xc0", b"\xf0\x8f\xbf\xbf"]
NOT_TEXT += [b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\x80", b"\xbf", b"\xe1\x80"]
NOT_TEXT += [b"\xe1\x80\x7f", b"\xf1\x80\x80\x7f", b"\xf1\x80\x80\xc0"]
NOT_TEXT += [b"\x00", b"\x01", b"\x1f", b"\\ud800", b"\\udbff", b"\\udc00", b"\\udfff"]
NOT_TEXT += [b"\\ud800\\u0041", b"\\udbff\\ue000", b"\\ud800\\udbff", b"\\ud800x"]
NOT_TEXT += [b"\\u00g0", b"\\u12", b"\\x41", b"\\U0041", b"\\a", b"\\"]
# and escapes of characters, each next to one of those
ESCAPES = [b"\\/", b"\\b\\f\\n\\r\\t", b'\\"\\\\', b"\\u0000\\u001f", b"\\u0041\\u00e9"]
ESCAPES += [b"\\ud7ff\\ue000", b"\\ud800\\udc00", b"\\udbff\\udfff", b"\\uD83D\\uDE00", b"\x7f"]


@pytest.mark.parametrize("raw", NOT_TEXT, ids=lambda raw: raw.decode("latin-1"))
def test_not_text(raw: bytes) -> None:
    """Invalid for tp (EN200): the scanner hands the record back."""
    p = paths("string@properties")
    data = next(messages("@", "properties"))[1].replace(b"@", raw)
    assert not engine_verdict(p.plan, data, validator=p.engine)
    if native_available():
        assert scan_one(data, p.plan) == "handed back"


@pytest.mark.parametrize("raw", ESCAPES, ids=lambda raw: raw.decode("latin-1"))
def test_escapes(raw: bytes) -> None:
    p = paths("string@properties")
    data = next(messages("@", "properties"))[1].replace(b"@", raw)
    assert reference(p.plan).is_valid(json.loads(data))
    assert engine_verdict(p.plan, data, validator=p.engine)
    if native_available():
        assert scan_one(data, p.plan) == "accepted"


# The scanner reads values nested up to 64 deep counted from the message (the payload is 1, the
# property v 2), so v may hold 63 levels of arrays or objects (62 and a value in the last one).
# Deeper records go to Python, which gives the same verdict.
DEEPEST = 63


def _nested_items(levels: int) -> Property:
    prop = Property(name="items", types=INTEGER)
    for _ in range(levels):
        prop = Property(name="items", types=ARRAY, items=prop)
    return dataclasses.replace(prop, name="v")


def _nested_objects(levels: int) -> Property:
    prop = Property(name="k", types=INTEGER)
    for _ in range(levels):
        prop = Property(name="k", types=("object",), properties=(prop,))
    return dataclasses.replace(prop, name="v")


def _nested(levels: int, key: str | None, leaf: bool) -> Any:
    """`levels` arrays (or objects with `key`), the last holding 1, or empty."""
    value: Any = ([1] if key is None else {key: 1}) if leaf else [] if key is None else {}
    for _ in range(levels - 1):
        value = [value] if key is None else {key: value}
    return value


@pytest.mark.parametrize("leaf", [True, False], ids=["a value inside", "empty inside"])
@pytest.mark.parametrize(
    ("planned", "key"),
    [
        (lambda levels: Property(name="v"), None),
        (_nested_items, None),
        (_nested_objects, "k"),
    ],
    ids=["unplanned arrays", "planned arrays", "planned objects"],
)
def test_nesting_depth(planned: Callable[[int], Property], key: str | None, leaf: bool) -> None:
    deepest = DEEPEST - 1 if leaf else DEEPEST
    for levels in (deepest, deepest + 1):
        track = Definition(call=CallType.TRACK, name="Boundary", properties=(planned(levels),))
        plan = Plan(name="boundaries", events=(track,))
        data = next(messages(_nested(levels, key, leaf), "properties"))[1]
        assert reference(plan).is_valid(json.loads(data))
        assert engine_verdict(plan, data)
        if native_available():
            expected = "accepted" if levels == deepest else "handed back"
            assert scan_one(data, plan) == expected, levels


# The scanner names up to 16 violations in a signature (an unplanned key is one); with more, or
# with a key it cannot name once, the record goes to Python.
MANY = tuple(Property(name=f"p{i}", types=INTEGER) for i in range(17))


@pytest.mark.parametrize(
    ("payload", "outcome"),
    [
        ({f"x{i}": 1 for i in range(16)}, "explained"),
        ({f"x{i}": 1 for i in range(17)}, "handed back"),
        ({f"p{i}": "1" for i in range(16)}, "explained"),
        ({f"p{i}": "1" for i in range(17)}, "handed back"),
        ({**{f"p{i}": "1" for i in range(15)}, "x": 1}, "explained"),
        ({**{f"p{i}": "1" for i in range(16)}, "x": 1}, "handed back"),
        ({"ab": 1, "a": 1, "b": 1}, "explained"),
        ('{"x": 1, "x": 2}', "handed back"),  # one key twice
        ('{"x": 1, "y": 1, "x": 2}', "handed back"),
    ],
    ids=lambda x: x if isinstance(x, str) and not x.startswith("{") else None,
)
def test_violations_named(payload: dict[str, Any] | str, outcome: str) -> None:
    track = Definition(
        call=CallType.TRACK, name="Boundary", properties=MANY, unplanned_properties=Policy.FORBID
    )
    plan = Plan(name="boundaries", events=(track,))
    text = payload if isinstance(payload, str) else json.dumps(payload)
    data = next(messages("@", "properties"))[1].replace(b'{"v": "@"}', text.encode())
    assert not reference(plan).is_valid(json.loads(data))
    assert not engine_verdict(plan, data)
    if native_available():
        assert scan_one(data, plan) == outcome


# -- the envelope around the payload --------------------------------------------------------------

ENVELOPE_PLAN = Plan(
    name="boundaries",
    events=(
        Definition(
            call=CallType.TRACK,
            name="Boundary",
            properties=(Property(name="v", types=STRING, max_length=2),),
        ),
        Definition(
            call=CallType.TRACK,
            name="Other",
            properties=(Property(name="v", types=INTEGER),),
            context=(Property(name="app", types=("object",), required=True),),
        ),
    ),
    pages=(
        Definition(call=CallType.PAGE, name="Home", properties=(Property(name="v", types=STRING),)),
        Definition(
            call=CallType.PAGE, name="Away", properties=(Property(name="v", types=INTEGER),)
        ),
    ),
    group=Definition(call=CallType.GROUP, name="group"),
)
TRACK = {"type": "track", "event": "Boundary", "userId": "u1", "messageId": "m1"}
GROUP = {"type": "group", "groupId": "g", "userId": "u1", "messageId": "m1"}
PAGE = {"type": "page", "name": "Home", "userId": "u1", "messageId": "m1"}

# (message, valid, what the scanner does): it accepts only an envelope with nothing to report
# and leaves every fault, and fields it does not check, to Python
ENVELOPES: list[tuple[dict[str, Any], bool, str]] = [
    (TRACK, True, "accepted"),
    ({**TRACK, "properties": {"v": "abc"}}, False, "explained"),
    ({**TRACK, "originalTimestamp": TIMESTAMP}, True, "handed back"),
    ({**TRACK, "originalTimestamp": "2024-13-01T00:00:00Z"}, False, "handed back"),
    ({**TRACK, "receivedAt": TIMESTAMP}, True, "handed back"),
    ({**TRACK, "batch": []}, True, "handed back"),
    ({**TRACK, "userId": None, "anonymousId": "a"}, True, "accepted"),
    ({**TRACK, "anonymousId": None}, True, "accepted"),
    ({**TRACK, "userId": "", "anonymousId": "a"}, False, "handed back"),
    ({**TRACK, "anonymousId": ""}, False, "handed back"),
    ({**TRACK, "userId": ""}, False, "handed back"),
    ({**TRACK, "userId": None}, False, "handed back"),
    ({**TRACK, "event": ""}, False, "handed back"),
    ({k: v for k, v in TRACK.items() if k != "event"}, False, "handed back"),
    ({**TRACK, "previousId": "p"}, True, "accepted"),
    ({**TRACK, "previousId": ""}, False, "handed back"),
    ({**TRACK, "groupId": ""}, False, "handed back"),
    # the payload is checked as it is read, against the route of `event` (not `name`)
    ({**TRACK, "name": "Other", "properties": {"v": "ab"}}, True, "accepted"),
    ({**TRACK, "event": "Other", "name": "Boundary", "context": {"app": {}}}, True, "accepted"),
    ({**TRACK, "event": "Other", "context": {"app": {}}, "traits": {}}, True, "accepted"),
    ({**TRACK, "event": "Other", "context": {}}, False, "explained"),
    ({**TRACK, "event": "Other"}, False, "handed back"),
    ({**PAGE, "event": "Away", "properties": {"v": "x"}}, True, "accepted"),
    ({**PAGE, "name": "Away", "event": "Home", "properties": {"v": 1}}, True, "accepted"),
    ({**TRACK, "context": {"app": {"version": "1"}}, "integrations": {}}, True, "accepted"),
    ({**TRACK, "context": []}, False, "handed back"),
    ({**TRACK, "timestamp": TIMESTAMP, "sentAt": TIMESTAMP}, True, "accepted"),
    ({**TRACK, "timestamp": "2024-03-01T12:34:56+01:00"}, True, "handed back"),  # not UTC: a note
    ({**TRACK, "timestamp": "2024-03-01T24:00:00Z"}, False, "handed back"),
    ({**TRACK, "sentAt": "2024-02-30T00:00:00Z"}, False, "handed back"),
    ({**TRACK, "timestamp": 1709296496}, False, "handed back"),
    ({**TRACK, "channel": "server", "version": 2, "library": "x"}, True, "accepted"),
    ({**TRACK, "type": "alias", "previousId": "p"}, True, "handed back"),  # not routed here
    ({**TRACK, "type": "alias"}, False, "handed back"),
    ({**TRACK, "type": "nope"}, False, "handed back"),
    (GROUP, True, "accepted"),
    ({**GROUP, "groupId": ""}, False, "handed back"),
    ({k: v for k, v in GROUP.items() if k != "groupId"}, False, "handed back"),
]


@pytest.mark.parametrize(("message", "valid", "outcome"), ENVELOPES)
def test_envelope(message: dict[str, Any], valid: bool, outcome: str) -> None:
    data = json.dumps(message).encode()
    assert reference(ENVELOPE_PLAN).is_valid(message) == valid
    assert engine_verdict(ENVELOPE_PLAN, data) == valid
    assert schema_verdict(ENVELOPE_PLAN, data) == valid
    if native_available():
        assert scan_one(data, ENVELOPE_PLAN) == outcome
        assert native_verdict(ENVELOPE_PLAN, data) == valid


@pytest.mark.parametrize("policy", list(Policy), ids=lambda p: p.value)
def test_unplanned(policy: Policy) -> None:
    """An event the plan does not list, and keys an event without properties does not plan:
    valid unless the policy forbids them."""
    plan = Plan(
        name="boundaries",
        unplanned_events=policy,
        events=(Definition(call=CallType.TRACK, name="Empty", unplanned_properties=policy),),
        identify=Definition(
            call=CallType.IDENTIFY,
            name="identify",
            properties=(Property(name="v", types=INTEGER),),
        ),
    )
    valid = policy is not Policy.FORBID
    for message in (
        {**TRACK, "event": "Nope"},
        {**TRACK, "event": "identify", "properties": {"v": 1}},  # not the identify traits
        {**TRACK, "event": "Empty", "properties": {"x": 1}},
    ):
        data = json.dumps(message).encode()
        assert reference(plan).is_valid(message) == valid
        assert engine_verdict(plan, data) == valid
        assert schema_verdict(plan, data) == valid
        if native_available():
            quiet = policy is Policy.ALLOW and message["event"] == "Empty"
            assert scan_one(data, plan) == ("accepted" if quiet else "explained")
            assert native_verdict(plan, data) == valid


@pytest.mark.parametrize("position", POSITIONS)
def test_a_format_without_an_exact_pattern(position: str) -> None:
    """`uri` has no pattern that decides it: at the top level the fast path checks it with
    jsonschema's checker after decoding, deeper the definition is left to the schema path;
    either way an invalid value is invalid."""
    plan = planned(Property(name="v", types=STRING, formats=("uri",)), position)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TP_NATIVE", "0")
        engine = EventValidator(plan, ValidateOptions(dedupe_window=0))
    definition = plan.identify if position == "traits" else plan.events[0]
    assert definition is not None
    top_level = position in ("properties", "traits")
    assert engine.fast.supported(definition) == top_level
    calls: list[int] = []
    explain = engine.schema.explain

    def counted(message: Any) -> Any:
        calls.append(1)
        return explain(message)

    engine.schema.explain = counted  # type: ignore[method-assign]
    for value in ("https://example.com/a?b=c", "mailto:a@b", "not a uri", "", "//x"):
        for _encoding, data in messages(value, position):
            valid = reference(plan).is_valid(json.loads(data))
            before = len(calls)
            assert engine_verdict(plan, data, validator=engine) == valid, value
            assert (len(calls) == before) == (valid and top_level), value
            assert native_verdict(plan, data, validator=engine) == valid, value
