"""What tools/mutate.py mutates: the files and functions, what it leaves out and why, the
mutants known to be equivalent, and the `Mutant` itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCAN_C = "tracking_plan/validate/_scan.c"
FASTPATH = "tracking_plan/validate/fastpath.py"
FORMAT_PATTERNS = "tracking_plan/validate/format_patterns.py"
NATIVE = "tracking_plan/validate/native.py"
TESTS = ("tests/test_boundaries.py", "tests/test_validate_equivalence.py")

# The C functions whose comparisons decide a record's verdict.
C_FUNCTIONS = frozenset(
    {
        "scan_string",
        "scan_number",
        "skip_value",
        "run_dfa",
        "unplanned_key",
        "violation",
        "check_object",
        "bounds_failed",
        "string_in_enum",
        "int_in_enum",
        "check_value",
        "envelope_field",
        "span_string",
        "nonempty_string_or_absent",
        "identity",
        "object_or_absent",
        "is_date_time",
        "find_route",
        "message_kind",
        "message_route",
        "payload_field",
        "route_name",
        "accept_line",
    }
)
# A position in the record's bytes: `p`, `e`, `q + 6`, ...
C_POSITION_RE = re.compile(r"(?:p|q|d|e|end)(?: [-+] \w+)?")
C_GRAMMAR = (
    "which character comes next (the JSON grammar, or a value's kind read from its first byte):"
    " a flip breaks every record"
)
C_POSITION = (
    "where the reader stands in the record's bytes (the byte after each line keeps it in bounds)"
)
# (function, pattern of the comparison, why it is not mutated)
C_SKIP = (
    (
        "accept_line",
        r"sc->window|sc->ring_count|seen_|field == F_MESSAGE_ID",
        "the duplicate-messageId window (a warning)",
    ),
    ("accept_line", r"\bts\.len|\bsent\.len|\border\b|memcmp\(sent", "clock skew (a warning)"),
    ("accept_line", r"^i < r->n_fields", "drift counts of the records taken (statistics)"),
    ("check_object", r"0x7FFFFFFF", "a key over 2 GB: a record has at most 32 KB"),
)

PY_FUNCTIONS = {
    FASTPATH: frozenset(
        {
            "checked_formats",
            "format_pattern",
            "_track_union",
            "track_ok",
            "has_identity",
            "route_key",
            "envelope_ok",
            "_route",
            "_struct",
            "_annotation",
            "_union",
            "_has_constraints",
            "_string",
            "_number",
            "_object",
            "_array",
            "_enum",
            "_meta",
            "FastPath.__init__",
            "Envelope",
        }
    ),
    NATIVE: frozenset(
        {
            "NativeScanner.__init__",
            "_Tables.route",
            "_Tables.object_node",
            "_Tables.node",
            "_bound",
            "_multiple_of",
            "_enum",
        }
    ),
}
# (function, pattern of the comparison, why it is not mutated)
PY_SKIP = (("_route", r"kind is None", "which fields' kinds drift statistics count"),)
# The format patterns (module-level strings) whose digit ranges and repeat counts are bounds.
PATTERN_NAMES = {
    FORMAT_PATTERNS: frozenset({"_DAY", "_TIME", "_OFFSET", "_YEAR", "UUID_PATTERN"}),
    NATIVE: frozenset({"_FORMAT_OUTER"}),
}
# msgspec's bound keywords: each swap, and the step the swap does not make.
SWAPS = {"ge": ("gt", "-"), "gt": ("ge", "+"), "le": ("lt", "+"), "lt": ("le", "-")}
LENGTHS = frozenset({"min_length", "max_length", "min_items", "max_items", "min_len", "max_len"})
EXCLUSIVE_TWINS = {
    "minimum": "exclusive_minimum",
    "exclusive_minimum": "minimum",
    "maximum": "exclusive_maximum",
    "exclusive_maximum": "maximum",
}

# "file:function: original -> mutated" -> why no record can tell the mutant from the original.
_AFTER_PLAIN = "bytes of plain text (0x20-0x7F but the quote and backslash) are passed over before"
_NEVER_NEGATIVE = (
    "a count or length is never negative: comparing it with a bound of 0 or -1 never fails"
)
_LATER_CHILD = "a node's children are added after it, so a child's index is never 0"
_EARLY = (
    "the payload or context is checked while it is read when its route is known by then, else "
    "after the envelope: the same check either way"
)
_SAME_ROUTE = (
    "the route found early comes from the same type and event (or name) as the final one, so the "
    "two never differ"
)
EQUIVALENT: dict[str, str] = {
    "_scan.c:scan_string: c < 0x20 -> c <= 0x20": f"{_AFTER_PLAIN}: c is never 0x20 here",
    "_scan.c:scan_string: c < 0x80 -> c < 0x80 - 1": f"{_AFTER_PLAIN}: c is never 0x7F here",
    "_scan.c:scan_string: v <= 0xDBFF -> v <= 0xDBFF + 1": (
        "0xDC00 is refused as a lone low surrogate on the line before"
    ),
    "_scan.c:scan_string: c >= 0xE1 -> c >= 0xE1 - 1": "0xE0 is taken by the branch before",
    "_scan.c:scan_string: c >= 0xEE -> c >= 0xEE - 1": "0xED is taken by the branch before",
    "_scan.c:scan_string: c >= 0xF1 -> c >= 0xF1 - 1": "0xF0 is taken by the branch before",
    "_scan.c:check_object: depth > MAX_DEPTH -> depth > MAX_DEPTH + 1": (
        "check_value, which calls check_object, refuses that depth first"
    ),
    "_scan.c:check_object: i < n->n_fields -> i <= n->n_fields": (
        "the extra entry past the fields is zeroed (a key of length 0 at node 0): the lookup "
        "ends on it or past it, both read as an unplanned key"
    ),
    "_scan.c:check_value: n->min_len < 0 -> n->min_len <= 0": (
        "min_length 0 cannot fail: skipping the string checks when it is the only keyword only "
        "lets escaped strings through instead of handing them back"
    ),
    "_scan.c:check_value: n->min_len >= 0 -> n->min_len > 0": _NEVER_NEGATIVE,
    "_scan.c:check_value: n->min_len >= 0 -> n->min_len >= 0 - 1": _NEVER_NEGATIVE,
    "_scan.c:check_value: n->min_items >= 0 -> n->min_items > 0": _NEVER_NEGATIVE,
    "_scan.c:check_value: n->min_items >= 0 -> n->min_items >= 0 - 1": _NEVER_NEGATIVE,
    "_scan.c:check_value: n->format_outer >= 0 -> n->format_outer > 0": (
        "the outer format DFA is added after the node's format DFA, so it is never DFA 0"
    ),
    "_scan.c:check_value: n->items >= 0 -> n->items > 0": _LATER_CHILD,
    "_scan.c:envelope_field: key->len < 4 -> key->len < 4 - 1": "no envelope key has 3 letters",
    "_scan.c:envelope_field: key->len > 17 -> key->len > 17 + 1": "no envelope key has 18 letters",
    "_scan.c:message_route: kind == K_TRACK -> kind != K_TRACK": _EARLY,
    "_scan.c:message_route: kind == K_PAGE -> kind != K_PAGE": _EARLY,
    "_scan.c:message_route: kind == K_SCREEN -> kind != K_SCREEN": _EARLY,
    "_scan.c:accept_line: field == F_PROPERTIES -> field != F_PROPERTIES": _EARLY,
    "_scan.c:accept_line: field == F_TRAITS -> field != F_TRAITS": _EARLY,
    "_scan.c:accept_line: field == F_CONTEXT -> field != F_CONTEXT": _EARLY,
    "_scan.c:accept_line: early_route < 0 -> early_route <= 0": _EARLY,
    "_scan.c:accept_line: early_route < 0 -> early_route < 0 - 1": _EARLY,
    "_scan.c:accept_line: kind >= 0 -> kind > 0": _EARLY,
    "_scan.c:accept_line: kind >= 0 -> kind >= 0 - 1": _EARLY,
    "_scan.c:accept_line: early_route >= 0 -> early_route > 0": _EARLY,
    "_scan.c:accept_line: r->payload >= 0 -> r->payload > 0": _EARLY,
    "_scan.c:accept_line: r->context >= 0 -> r->context > 0": _EARLY,
    "_scan.c:accept_line: early_route >= 0 -> early_route > 0 #2": _SAME_ROUTE,
    "_scan.c:unplanned_key: i < v->count -> i <= v->count": (
        "the entry past this record's violations is unwritten (stale at worst): matching it "
        "only hands the record back to Python"
    ),
    "native.py:_Tables.route: len(definition.properties) > MAX_FIELDS -> "
    "len(definition.properties) > (MAX_FIELDS) + 1": (
        "object_node, which builds the payload's node, refuses more than MAX_FIELDS too"
    ),
    "native.py:_multiple_of: 0 < value < _INT64 -> 0 <= value < _INT64": (
        "the loader refuses multiple_of 0 (TP002): a plan never holds it"
    ),
}


@dataclass(frozen=True)
class Skipped:
    comparison: str
    reason: str


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the repository
    line: int
    function: str
    start: int  # the replaced span of the file's text
    end: int
    replacement: str
    original: str  # the expression, for people
    mutated: str
    occurrence: int = 1  # the same change in the same function: its place

    @property
    def key(self) -> str:
        """How EQUIVALENT names the mutant: no line number, so that edits elsewhere keep it."""
        key = f"{Path(self.path).name}:{self.function}: {self.original} -> {self.mutated}"
        return key if self.occurrence == 1 else f"{key} #{self.occurrence}"

    @property
    def is_c(self) -> bool:
        return self.path.endswith(".c")

    def describe(self) -> str:
        return f"{self.path}:{self.line} {self.function}: {self.original} -> {self.mutated}"

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]
