"""`re.search` in time linear in the text, for the patterns of a plan that could backtrack.

Python's `re` backtracks: `(x+x+)+y` takes seconds on 26 x's and doubles with each one more, so
one hostile value in a dump could stop `tp validate`. Patterns with a nested or alternated
repeat (`backtracks`) are therefore decided by a Thompson NFA simulation instead (the NFA of
`dfa.py`), which keeps a set of states per character and gives `re.search`'s answer for any
text: each character leaf is tested as `re` itself tests it (a bit mask for ASCII, the compiled
leaf for anything else), and anchors are decided where they stand in the text, line breaks
included. Patterns the NFA cannot express (backreferences, lookarounds, `\\b`) keep `re`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from ..memo import remembered
from .dfa import (
    LEAF_OPS,
    REPEAT_OPS,
    Nfa,
    Refused,
    search_dfa,
    sre,
    sre_compiler,
    sre_parser,
)

Matcher = Callable[[str], bool]

# Conditions of the anchors' epsilon edges (0 is the NFA's unconditional edge).
_TEXT_START, _LINE_START, _END, _LINE_END, _TEXT_END = 10, 11, 12, 13, 14
_ANCHORS = {
    sre.AT_BEGINNING: (_TEXT_START, _LINE_START),  # `^`, and `^` under MULTILINE
    sre.AT_BEGINNING_STRING: (_TEXT_START, _TEXT_START),  # `\A`
    sre.AT_END: (_END, _LINE_END),  # `$`
    sre.AT_END_STRING: (_TEXT_END, _TEXT_END),  # `\Z`
}


class _AnchoredNfa(Nfa):
    """The NFA of `dfa.py`, keeping what a text with line breaks needs: the kind of each
    anchor (an epsilon edge's condition is the anchor's `re` code) and each leaf's pattern."""

    def __init__(self) -> None:
        super().__init__()
        self.leaves: dict[int, re.Pattern[str]] = {}

    def node(self, op: Any, av: Any, flags: int) -> tuple[int, int]:
        if op is sre.AT:
            if av not in _ANCHORS:
                raise Refused  # word boundaries
            start, end = self.new_state(), self.new_state()
            self.link(start, end, _ANCHORS[av][1 if flags & re.MULTILINE else 0])
            return start, end
        start, end = super().node(op, av, flags)
        if op in LEAF_OPS:
            state = sre_parser.State()
            state.flags = flags
            self.leaves[start] = sre_compiler.compile(sre_parser.SubPattern(state, [(op, av)]), 0)
        return start, end


def _anchor_holds(anchor: int, text: str, at: int) -> bool:
    if anchor == _TEXT_START:
        return at == 0
    if anchor == _LINE_START:
        return at == 0 or text[at - 1] == "\n"
    if anchor == _END:  # `$`: the end, or just before a line break that ends the text
        return at == len(text) or (at == len(text) - 1 and text[at] == "\n")
    if anchor == _LINE_END:
        return at == len(text) or text[at] == "\n"
    return at == len(text)


class _Simulation:
    def __init__(self, nfa: _AnchoredNfa, start: int, final: int) -> None:
        self.nfa = nfa
        self.start = start
        self.final = final
        self.accepted: dict[tuple[int, str], bool] = {}

    def closure(self, states: set[int], text: str, at: int) -> set[int]:
        epsilon = self.nfa.epsilon
        seen = set(states)
        stack = list(seen)
        while stack:
            for condition, target in epsilon[stack.pop()]:
                if target in seen:
                    continue
                if condition == 0 or _anchor_holds(condition, text, at):
                    seen.add(target)
                    stack.append(target)
        return seen

    def accepts(self, state: int, char: str) -> bool:
        code = ord(char)
        if code < 128:
            return bool(self.nfa.mask[state] >> code & 1)
        key = (state, char)
        found = self.accepted.get(key)
        if found is None:
            if len(self.accepted) > 100_000:
                self.accepted.clear()
            found = self.accepted[key] = self.nfa.leaves[state].fullmatch(char) is not None
        return found

    def search(self, text: str) -> bool:
        target = self.nfa.target
        current = self.closure({self.start}, text, 0)
        for at, char in enumerate(text):
            if self.final in current:
                return True
            following = {self.start}  # a match may also begin at the next character
            for state in current:
                if target[state] >= 0 and self.accepts(state, char):
                    following.add(target[state])
            current = self.closure(following, text, at + 1)
        return self.final in current


def backtracks(pattern: str) -> bool:
    """Whether `re` may take more than linear time on the pattern: a repeat of at most one
    character class is linear; one holding another repeat or an alternation is not."""
    answer: bool = remembered("backtracks", pattern, _backtracks)
    return answer


def _backtracks(pattern: str) -> bool:
    try:
        return _nested(sre_parser.parse(pattern, 0), inside_repeat=False)
    except (re.error, RecursionError, OverflowError):
        return False


def _nested(items: Any, *, inside_repeat: bool) -> bool:
    for op, av in items:
        if op in REPEAT_OPS:
            low, high, body = av
            if inside_repeat and high != low:
                return True
            if _nested(body, inside_repeat=inside_repeat or high > 1):
                return True
        elif op is sre.BRANCH:
            if inside_repeat or any(_nested(b, inside_repeat=False) for b in av[1]):
                return True
        elif op is sre.SUBPATTERN or op in (sre.ASSERT, sre.ASSERT_NOT):
            body = av[3] if op is sre.SUBPATTERN else av[1]
            if _nested(body, inside_repeat=inside_repeat):
                return True
    return False


@lru_cache(maxsize=1024)
def pattern_search(pattern: str) -> Matcher:
    """`re.search(pattern, text) is not None` as a function of text: by NFA simulation when the
    pattern backtracks and the NFA can express it, else by `re` (raises `re.error`)."""
    compiled = re.compile(pattern)
    simulation = _simulation(pattern) if backtracks(pattern) else None
    if simulation is None:
        return lambda text: compiled.search(text) is not None
    dfa = search_dfa(pattern)
    if dfa is None:
        return simulation.search
    table = dfa.matches  # exact, and faster, for ASCII text without line breaks

    def search(text: str) -> bool:
        if text.isascii() and "\n" not in text:
            return table(text)
        return simulation.search(text)

    return search


def _simulation(pattern: str) -> _Simulation | None:
    nfa = _AnchoredNfa()
    try:
        start, final = nfa.build(pattern)
    except (Refused, re.error, RecursionError, OverflowError):
        return None
    return _Simulation(nfa, start, final)


def pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's `pattern`, by `pattern_search` (see `formats.schema_validator`)."""
    from jsonschema import ValidationError

    if isinstance(instance, str) and not pattern_search(pattern)(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
