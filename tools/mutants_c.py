"""The mutants of `_scan.c`: each relational comparison of a function that judges a record,
flipped at its boundary and moved one step; each equality negated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mutation_targets import (
    C_FUNCTIONS,
    C_GRAMMAR,
    C_POSITION,
    C_POSITION_RE,
    C_SKIP,
    Mutant,
    Skipped,
)

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
