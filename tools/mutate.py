"""Mutation testing for the validation paths: would the tests notice an off-by-one?

    .venv/bin/python tools/mutate.py [--only c|python] [--jobs N] [--timeout S] [--list]
                                     [--match TEXT] [--examples-scale X]

Each mutant changes one comparison or bound in the code that decides whether a record is valid,
on a copy of the tree in a temporary folder (the work tree is only read): the copy's C extension
is rebuilt for a mutant of `_scan.c`, then the boundary table and the equivalence tests run
(`tests/test_boundaries.py`, then `tests/test_validate_equivalence.py` with a small hypothesis
budget: TP_EXAMPLES_SCALE, a fixed seed) and stop at the first failure. A mutant is killed when
a test fails, crashes or runs past `--timeout`; it survives when they all pass. The script
prints each survivor (file:line, function, original -> mutated) and the kill rate, and exits 1
when a mutant survives that EQUIVALENT does not explain.

How mutants are chosen:

- C (`tracking_plan/validate/_scan.c`): every `<`, `<=`, `>`, `>=`, `==`, `!=` in the functions
  that judge a record (C_FUNCTIONS: reading strings and numbers, checking values against the
  plan's nodes, the envelope, routing). A relational operator is flipped at its boundary
  (`<` <-> `<=`, `>` <-> `>=`) and, separately, its right operand moved one step the other
  way, so that the pair moves the bound by one in each direction (`a > b` gives `a >= b` and
  `a > b + 1`; `a < b` gives `a <= b` and `a < b - 1`); an equality is negated. Left out:
  comparisons of a position in the record's bytes with another (`p < e`, `q + 6 > end`: where
  the reader stands, which the byte after each line keeps in bounds, not a bound the plan sets;
  the malformed-input tests of test_native.py cover them), and functions that do not decide a
  verdict (the duplicate-messageId window, signatures, loading the tables, splitting lines).
- Python (`fastpath.py`, the msgspec fast path and the format patterns it shares with the
  scanner; `native.py`, which compiles the plan into the scanner's tables): in the functions of
  PY_FUNCTIONS, every comparison (`<`, `<=`, `>`, `>=` as above; `==`/`!=`, `is`/`is not`,
  `in`/`not in` negated); every bound handed to msgspec (`ge` <-> `gt`, `le` <-> `lt`, and the
  value moved one step the way the swap does not go: `ge=x - 1`, `gt=x + 1`, ...; lengths
  `min_length`, `max_length`, `min_items`, `max_items` and the scanner's `min_len`/`max_len`
  one up and one down); the scanner's numeric bounds swapped with their exclusive twins; and
  in the format patterns, every digit range (`[0-5]`) and repeat count (`{4}`) moved one up
  and one down.

An equivalent mutant (it cannot change what any record gets) is listed in EQUIVALENT with the
reason; it still runs, and the summary counts it apart.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCAN_C = "tracking_plan/validate/_scan.c"
FASTPATH = "tracking_plan/validate/fastpath.py"
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
    FASTPATH: frozenset({"_DAY", "_TIME", "_OFFSET", "_YEAR", "UUID_PATTERN"}),
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


# -- C ------------------------------------------------------------------------------------------

_C_TOKEN = re.compile(
    r"""
    (?P<skip>/\*.*?\*/|//[^\n]*|^[ \t]*\#(?:[^\n]*\\\n)*[^\n]*|\s+)
  | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<number>\d[\w.]*)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op><<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>=!&|^~?:;,.(){}\[\]])
    """,
    re.S | re.M | re.X,
)
_RELATIONAL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
_STEP = {"<": "-", "<=": "+", ">": "+", ">=": "-"}
_NEGATED = {"==": "!=", "!=": "=="}
# Tokens that end an operand of a comparison (at its own nesting level).
_C_OPERAND_ENDS = frozenset(
    {",", ";", "&&", "||", "?", ":", "=", "==", "!=", "<", "<=", ">", ">=", "&", "|", "^", "{"}
    | {"}", "return", "+=", "-=", "*=", "/=", "|=", "&="}
)
_C_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "<<", ">>"})


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _c_tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _C_TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind != "skip":
            tokens.append(_Token(kind, match.group(), match.start(), match.end()))
    return tokens


def _operand(tokens: list[_Token], at: int, step: int) -> tuple[int, int]:
    """The token range [first, last] of the operand next to the operator at `at`, looking
    left (step -1) or right (+1)."""
    opening, closing = ("(", "["), (")", "]")
    if step < 0:
        opening, closing = closing, opening
    depth = 0
    i = at + step
    edge = i
    while 0 <= i < len(tokens):
        text = tokens[i].text
        if text in opening:
            depth += 1
        elif text in closing:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and text in _C_OPERAND_ENDS:
            break
        edge = i
        i += step
    return (edge, at - 1) if step < 0 else (at + 1, edge)


def _c_skip_reason(function: str, original: str, left: str, right: str) -> str | None:
    if left.startswith("'") or right.startswith("'"):
        return C_GRAMMAR
    if C_POSITION_RE.fullmatch(left) and C_POSITION_RE.fullmatch(right):
        return C_POSITION
    for where, pattern, reason in C_SKIP:
        if where == function and re.search(pattern, original):
            return reason
    return None


def c_mutants(path: str, text: str, skipped: list[Skipped]) -> Iterator[Mutant]:
    tokens = _c_tokens(text)
    function = None
    depth = 0
    last_name = ""
    for index, token in enumerate(tokens):
        if token.text == "{":
            if depth == 0 and index and tokens[index - 1].text == ")":
                function = last_name
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                function = None
        elif depth == 0 and token.text == "(" and index and tokens[index - 1].kind == "name":
            last_name = tokens[index - 1].text
        if function not in C_FUNCTIONS or token.kind != "op":
            continue
        if token.text not in _RELATIONAL and token.text not in _NEGATED:
            continue
        left = _operand(tokens, index, -1)
        right = _operand(tokens, index, 1)
        left_text = text[tokens[left[0]].start : tokens[left[1]].end]
        right_text = text[tokens[right[0]].start : tokens[right[1]].end]
        line = text.count("\n", 0, token.start) + 1
        original = f"{left_text} {token.text} {right_text}"
        assert function is not None
        reason = _c_skip_reason(function, original, left_text, right_text)
        if reason is not None:
            skipped.append(Skipped(f"{path}:{line} {function}: {original}", reason))
            continue
        flipped = _RELATIONAL.get(token.text) or _NEGATED[token.text]
        yield Mutant(
            path,
            line,
            function,
            token.start,
            token.end,
            flipped,
            original,
            f"{left_text} {flipped} {right_text}",
        )
        if token.text in _RELATIONAL:
            operand = tokens[right[0] : right[1] + 1]
            compound = any(t.text in _C_ARITHMETIC and i > 0 for i, t in enumerate(operand)) or any(
                t.text == "?" for t in operand
            )
            moved = f"({right_text})" if compound else right_text
            moved += f" {_STEP[token.text]} 1"
            end = tokens[right[1]].end
            yield Mutant(
                path,
                line,
                function,
                tokens[right[0]].start,
                end,
                moved,
                original,
                f"{left_text} {token.text} {moved}",
            )


# -- Python -------------------------------------------------------------------------------------

_PY_FLIPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], str, str]] = {
    ast.Lt: (ast.LtE, "<", "<="),
    ast.LtE: (ast.Lt, "<=", "<"),
    ast.Gt: (ast.GtE, ">", ">="),
    ast.GtE: (ast.Gt, ">=", ">"),
    ast.Eq: (ast.NotEq, "==", "!="),
    ast.NotEq: (ast.Eq, "!=", "=="),
    ast.Is: (ast.IsNot, "is", "is not"),
    ast.IsNot: (ast.Is, "is not", "is"),
    ast.In: (ast.NotIn, "in", "not in"),
    ast.NotIn: (ast.In, "not in", "in"),
}
_PY_STEP = {ast.Lt: "-", ast.LtE: "+", ast.Gt: "+", ast.GtE: "-"}


class _Scopes(ast.NodeVisitor):
    """Each node's enclosing function, as `Class.method` or `function`, and module-level
    assignments by target name."""

    def __init__(self) -> None:
        self.function: dict[int, str] = {}
        self.assigned: dict[int, str] = {}
        self._stack: list[str] = []

    def generic_visit(self, node: ast.AST) -> None:
        if self._stack:
            self.function[id(node)] = ".".join(self._stack)
        super().generic_visit(node)

    def _scoped(self, node: ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) -> None:
        self._stack.append(node.name)
        self.generic_visit(node)
        self._stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Assign(self, node: ast.Assign) -> None:
        if not self._stack:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    for child in ast.walk(node.value):
                        self.assigned[id(child)] = target.id
        self.generic_visit(node)


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0]
        for number, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(number + 1)

    def offset(self, line: int, column: int) -> int:
        # ast columns count UTF-8 bytes
        start = self.line_starts[line - 1]
        line_text = self.text[start : self.text.find("\n", start)]
        return start + len(line_text.encode()[:column].decode())

    def span(self, node: ast.expr | ast.keyword) -> tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def segment(self, node: ast.expr | ast.keyword) -> str:
        start, end = self.span(node)
        return self.text[start:end]


def _stepped(keyword: str, expression: str, sign: str) -> tuple[str, str]:
    """`keyword=expression` moved one step: the code (None stays None), and how it reads."""
    if expression.isdigit():
        moved = str(int(expression) + (1 if sign == "+" else -1))
        return f"{keyword}={moved}", f"{keyword}={moved}"
    code = f"{keyword}=(None if ({expression}) is None else ({expression}) {sign} 1)"
    return code, f"{keyword}={expression} {sign} 1"


def py_mutants(path: str, text: str, skipped: list[Skipped]) -> Iterator[Mutant]:
    tree = ast.parse(text)
    scopes = _Scopes()
    scopes.visit(tree)
    source = _Source(text)
    functions = PY_FUNCTIONS[path]
    for node in ast.walk(tree):
        function = scopes.function.get(id(node), "")
        if function in functions:
            for mutant in _compare_mutants(path, source, node, function):
                reason = next(
                    (
                        why
                        for where, pattern, why in PY_SKIP
                        if where == function and re.search(pattern, mutant.original)
                    ),
                    None,
                )
                if reason is None:
                    yield mutant
                elif mutant.replacement.strip() not in ("+", "-"):
                    skipped.append(Skipped(mutant.describe().split(" -> ")[0], reason))
            yield from _bound_mutants(path, source, node, function)
        elif scopes.assigned.get(id(node)) in PATTERN_NAMES[path]:
            yield from _pattern_mutants(path, source, node, scopes.assigned[id(node)])
        elif function == "" and isinstance(node, ast.keyword):
            yield from _bound_mutants(path, source, node, "<module>")  # NonEmpty


def _compare_mutants(path: str, source: _Source, node: ast.AST, function: str) -> Iterator[Mutant]:
    if not isinstance(node, ast.Compare):
        return
    original = source.segment(node)
    operands = [node.left, *node.comparators]
    for position, op in enumerate(node.ops):
        flipped, before, after = _PY_FLIPS[type(op)]
        left, right = operands[position], operands[position + 1]
        start = source.span(left)[1]
        end = source.span(right)[0]
        between = source.text[start:end]
        replacement = between.replace(f" {before} ", f" {after} ", 1)
        assert replacement != between, (path, node.lineno, between)
        mutated = source.text[source.span(node)[0] : start] + replacement
        mutated += source.text[end : source.span(node)[1]]
        yield Mutant(path, node.lineno, function, start, end, replacement, original, mutated)
        step = _PY_STEP.get(type(op))
        if step is not None:
            right_start, right_end = source.span(right)
            moved = f"({source.segment(right)}) {step} 1"
            mutated = source.text[source.span(node)[0] : right_start] + moved
            mutated += source.text[right_end : source.span(node)[1]]
            yield Mutant(
                path, node.lineno, function, right_start, right_end, moved, original, mutated
            )
        del flipped


def _bound_mutants(path: str, source: _Source, node: ast.AST, function: str) -> Iterator[Mutant]:
    if isinstance(node, ast.keyword) and node.arg is not None:
        value = source.segment(node.value)
        start, end = source.span(node)
        original = source.segment(node)
        if node.arg in SWAPS:
            twin, sign = SWAPS[node.arg]
            swapped = f"{twin}={value}"
            yield Mutant(path, node.lineno, function, start, end, swapped, original, swapped)
            code, reads = _stepped(node.arg, value, sign)
            yield Mutant(path, node.lineno, function, start, end, code, original, reads)
        elif node.arg in LENGTHS:
            for sign in "+-":
                code, reads = _stepped(node.arg, value, sign)
                yield Mutant(path, node.lineno, function, start, end, code, original, reads)
    elif (
        isinstance(node, ast.Attribute)
        and node.attr in EXCLUSIVE_TWINS
        and path == NATIVE
        and isinstance(node.value, ast.Name)
    ):
        start, end = source.span(node)
        original = source.segment(node)
        swapped = f"{node.value.id}.{EXCLUSIVE_TWINS[node.attr]}"
        yield Mutant(path, node.lineno, function, start, end, swapped, original, swapped)


_CLASS = re.compile(r"(?<!\\)\[([^\]]*)\]|\{([0-9]+)\}")
_DIGIT_RANGE = re.compile(r"([0-9])-([0-9])")


def _pattern_mutants(path: str, source: _Source, node: ast.AST, name: str) -> Iterator[Mutant]:
    """The bounds of a format pattern moved one step each way: digit ranges (`[0-5]`), sets of
    digits (`[01]`: one digit more, the largest one less) and repeat counts (`{4}`)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return
    start, end = source.span(node)
    literal = source.text[start:end]
    for match in _CLASS.finditer(literal):
        body, count = match.group(1), match.group(2)
        variants: list[str] = []
        if count is not None:
            variants = [f"{{{n}}}" for n in (int(count) - 1, int(count) + 1) if n >= 1]
        elif body.isdigit() and len(body) > 1:
            largest = max(body)
            if largest < "9":
                variants.append(f"[{body}{int(largest) + 1}]")
            variants.append(f"[{body.replace(largest, '')}]")
        else:
            # a bound at 0 or 9 is the digits' own, not the format's
            for found in _DIGIT_RANGE.finditer(body):
                low, high = int(found.group(1)), int(found.group(2))
                moves = [(low + d, high) for d in (-1, 1) if low > 0]
                moves += [(low, high + d) for d in (-1, 1) if high < 9]
                for new_low, new_high in moves:
                    if new_low <= new_high:
                        moved = f"{new_low}-{new_high}"
                        variants.append(f"[{body[: found.start()]}{moved}{body[found.end() :]}]")
        for variant in variants:
            yield _literal_mutant(path, source, node, name, start, match, variant)


def _literal_mutant(
    path: str,
    source: _Source,
    node: ast.AST,
    name: str,
    literal_start: int,
    match: re.Match[str],
    replacement: str,
) -> Mutant:
    start = literal_start + match.start()
    end = literal_start + match.end()
    line = source.text.count("\n", 0, start) + 1
    context = re.search(r"[^\n\"]{0,4}$", source.text[literal_start:start])
    prefix = context.group() if context else ""
    original = prefix + match.group()
    return Mutant(path, line, name, start, end, replacement, original, prefix + replacement)


def all_mutants(only: str | None, skipped: list[Skipped]) -> list[Mutant]:
    found: list[Mutant] = []
    if only in (None, "c"):
        found += c_mutants(SCAN_C, (REPO / SCAN_C).read_text(), skipped)
    if only in (None, "python"):
        for path in (FASTPATH, NATIVE):
            found += py_mutants(path, (REPO / path).read_text(), skipped)
    unique: dict[tuple[str, int, int, str], Mutant] = {}
    for mutant in found:
        unique.setdefault((mutant.path, mutant.start, mutant.end, mutant.replacement), mutant)
    mutants = sorted(unique.values(), key=lambda m: (m.path, m.start, m.replacement))
    # the same change twice in one function: number them (#2, #3, ...) in the file's order
    seen: dict[str, int] = {}
    numbered = []
    for mutant in mutants:
        seen[mutant.key] = seen.get(mutant.key, 0) + 1
        if seen[mutant.key] > 1:
            mutant = dataclasses.replace(mutant, occurrence=seen[mutant.key])
        numbered.append(mutant)
    return numbered


# -- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    mutant: Mutant
    status: str  # killed, crashed, timeout, survived, not built
    seconds: float
    detail: str  # the first failing test, or why it did not build

    @property
    def killed(self) -> bool:
        return self.status in ("killed", "crashed", "timeout")


EXTENSION = "tracking_plan/validate/_scan" + str(sysconfig.get_config_var("EXT_SUFFIX"))


class Worker:
    """A copy of the tree in a temporary folder, with its own build of the extension."""

    def __init__(self, root: Path, tests: list[str], scale: float, timeout: float) -> None:
        self.root = root
        self.tests = tests
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self.env = {k: v for k, v in os.environ.items() if k not in ("TP_NATIVE", "PYTHONPATH")}
        self.env.update(
            PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", TP_EXAMPLES_SCALE=str(scale)
        )
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = REPO / name
            if source.is_file():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, root / name)
        # the package maps rules/ to tracking_plan.rules; keep imports inside the copy
        (root / "tracking_plan" / "rules").symlink_to(root / "rules", target_is_directory=True)
        self.originals: dict[str, str] = {}
        problem = self.build()
        if problem:
            raise RuntimeError(f"the extension does not build in {root}:\n{problem}")
        self.built = (root / EXTENSION).read_bytes()
        found = subprocess.run(
            [sys.executable, "-c", _WHERE],
            cwd=root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode != 0:
            raise RuntimeError(f"the copy does not import:\n{found.stderr}")
        where = found.stdout.split()
        if not all(Path(path).is_relative_to(root) for path in where):
            raise RuntimeError(f"the copy imports code from outside it: {where}")

    def build(self) -> str:
        """Build the extension; what went wrong, or ''."""
        (self.root / EXTENSION).unlink(missing_ok=True)
        command = [sys.executable, "setup.py", "-q", "build_ext", "--inplace", "--force"]
        done = subprocess.run(
            command, cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or not (self.root / EXTENSION).is_file():
            errors = [line for line in done.stderr.splitlines() if "error" in line]
            return "\n".join(errors[:5]) or done.stderr[-2000:]
        return ""

    def stop(self) -> None:
        """End the tests under way, if any (their process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)

    def run_tests(self) -> tuple[str, str]:
        shutil.rmtree(self.root / ".hypothesis", ignore_errors=True)
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        command += ["--hypothesis-seed=0", *self.tests]
        process = self.process = subprocess.Popen(
            command,
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return "timeout", f"still running after {self.timeout:.0f} s"
        if process.returncode == 0:
            return "survived", ""
        failed = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
        if failed:
            return "killed", failed[0].split(" - ")[0]
        if process.returncode < 0 or "Fatal Python error" in output:
            return "crashed", f"exit code {process.returncode}"
        return "killed", output.strip().splitlines()[-1] if output.strip() else ""

    def run(self, mutant: Mutant) -> Result:
        started = time.monotonic()
        target = self.root / mutant.path
        original = self.originals.setdefault(mutant.path, target.read_text())
        target.write_text(mutant.apply(original))
        try:
            if mutant.is_c:
                problem = self.build()
                if problem:
                    return Result(mutant, "not built", time.monotonic() - started, problem)
            status, detail = self.run_tests()
        finally:
            target.write_text(original)
            if mutant.is_c:
                (self.root / EXTENSION).write_bytes(self.built)
        return Result(mutant, status, time.monotonic() - started, detail)


_WHERE = """
import tracking_plan.rules, tracking_plan.validate._scan, tracking_plan.validate.fastpath
for module in (tracking_plan.validate._scan, tracking_plan.validate.fastpath, tracking_plan.rules):
    print(module.__file__)
"""


def run_all(mutants: list[Mutant], args: argparse.Namespace) -> list[Result]:
    work: queue.Queue[Mutant] = queue.Queue()
    for mutant in mutants:
        work.put(mutant)
    results: list[Result] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    workers: list[Worker] = []
    stopping = threading.Event()

    def serve(root: Path) -> None:
        try:
            worker = Worker(root, args.tests, args.examples_scale, args.timeout)
            workers.append(worker)
            status, detail = worker.run_tests()
            if status != "survived":
                raise RuntimeError(f"the tests fail on the unchanged copy: {status} {detail}")
        except BaseException as error:
            failures.append(error)
            return
        while not stopping.is_set():
            try:
                mutant = work.get_nowait()
            except queue.Empty:
                return
            result = worker.run(mutant)
            with lock:
                results.append(result)
                _print_result(len(results), len(mutants), result)

    with tempfile.TemporaryDirectory(prefix="tp-mutate-") as temporary:
        threads = []
        for number in range(args.jobs):
            root = Path(temporary) / f"tree{number}"
            root.mkdir()
            threads.append(threading.Thread(target=serve, args=(root,), daemon=True))
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:  # or SIGTERM: stop the tests, then the copies are removed
            stopping.set()
            for worker in workers:
                worker.stop()
            raise
    if failures and not results:
        raise failures[0]
    return results


def _print_result(number: int, total: int, result: Result) -> None:
    note = f" ({result.detail})" if result.detail and result.status != "survived" else ""
    print(
        f"[{number}/{total}] {result.status:9} {result.mutant.describe()}"
        f"  {result.seconds:.0f} s{note}",
        flush=True,
    )


def summarise(results: list[Result], seconds: float) -> int:
    built = [r for r in results if r.status != "not built"]
    killed = [r for r in built if r.killed]
    survivors = [r for r in built if not r.killed]
    equivalent = [r for r in survivors if r.mutant.key in EQUIVALENT]
    unexplained = [r for r in survivors if r.mutant.key not in EQUIVALENT]
    stale = [r for r in killed if r.mutant.key in EQUIVALENT]
    print()
    print(f"{len(results)} mutants in {seconds / 60:.0f} min: {len(killed)} killed", end="")
    statuses = ("crashed", "timeout")
    extra = [f"{sum(r.status == s for r in killed)} {s}" for s in statuses]
    print(f" ({', '.join(extra)}), {len(survivors)} survived", end="")
    print(f", {len(results) - len(built)} did not build")
    if built:
        rate = len(killed) / len(built)
        print(f"kill rate {rate:.1%}", end="")
        if len(built) > len(equivalent):
            rate = len(killed) / (len(built) - len(equivalent))
            print(f"; {rate:.1%} without the {len(equivalent)} equivalent ones", end="")
        print()
    for title, group in (
        ("survived, not explained", unexplained),
        ("survived, equivalent", equivalent),
        ("killed but listed in EQUIVALENT (drop the entry)", stale),
        ("did not build", [r for r in results if r.status == "not built"]),
    ):
        if group:
            print(f"\n{title}:")
            for result in sorted(group, key=lambda r: (r.mutant.path, r.mutant.start)):
                print(f"  {result.mutant.describe()}")
                reason = EQUIVALENT.get(result.mutant.key)
                if reason:
                    print(f"      {reason}")
    return 1 if unexplained else 0


_SURVIVED = re.compile(r"^\[\d+/\d+\] survived +(.+?)  \d+ s$", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Flip each comparison and bound of the validation paths, one at a time, "
        "and run the tests against each (see the module docstring)."
    )
    parser.add_argument("--only", choices=["c", "python"], help="mutate only this side")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--match", help="only mutants whose description contains this text")
    parser.add_argument(
        "--rerun", type=Path, help="only the mutants that survived in this earlier output"
    )
    parser.add_argument("--jobs", type=int, default=1, help="trees tested at once (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds per mutant's tests (default 300)"
    )
    parser.add_argument(
        "--examples-scale",
        type=float,
        default=0.05,
        help="TP_EXAMPLES_SCALE for the property-based tests (default 0.05)",
    )
    parser.add_argument(
        "--tests", nargs="+", default=list(TESTS), help="test files to run (default: %(default)s)"
    )
    args = parser.parse_args()
    skipped: list[Skipped] = []
    mutants = all_mutants(args.only, skipped)
    if args.match:
        mutants = [m for m in mutants if args.match in m.describe()]
    if args.rerun:
        survived = set(_SURVIVED.findall(args.rerun.read_text()))
        mutants = [m for m in mutants if m.describe() in survived]
    if args.list:
        for mutant in mutants:
            print(mutant.describe())
        print(f"{len(mutants)} mutants")
        for item in skipped:
            print(f"not mutated: {item.comparison} ({item.reason})")
        return 0
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"{len(mutants)} mutants, {args.jobs} at a time; tests: {' '.join(args.tests)}")
    started = time.monotonic()
    try:
        results = run_all(mutants, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return summarise(results, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
