"""The mutants of the Python fast path and the scanner's tables: comparisons, the bounds handed
to msgspec, the scanner's numeric bounds, and the digit ranges and counts of format patterns."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from mutation_targets import (
    EXCLUSIVE_TWINS,
    LENGTHS,
    NATIVE,
    PATTERN_NAMES,
    PY_FUNCTIONS,
    PY_SKIP,
    SWAPS,
    Mutant,
    Skipped,
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
    functions = PY_FUNCTIONS.get(path, frozenset())
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
        elif scopes.assigned.get(id(node)) in PATTERN_NAMES.get(path, frozenset()):
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
