"""Compile a Python regular expression into a DFA over ASCII bytes, for the native validator.

The C validator cannot call `re` per value, so it runs a table: `state = start`, then
`state = T[state * 128 + byte]` for each byte (-1 = no match), and at the end the string
matches iff `accepting[state]`. The table decides `re.search(pattern, s)` for every string of
ASCII characters other than "\\n"; without "\\n" every anchor is decided by position alone.

Pipeline: Python's own parser -> Thompson NFA over byte masks, with anchors as conditional
epsilon edges -> subset construction over byte classes -> pruning and Moore minimisation.
The membership of each byte in a character leaf (literal, class, `.`, `\\d`...) is found by
compiling that leaf alone with `re` and trying all 128 characters, so flags such as `(?i)` and
Unicode categories mean exactly what they mean to `re`. Anything else (lookarounds, backrefs,
`\\b`, conditionals, atomic groups, possessive repeats) is refused: a wrong table would accept
invalid events, so "don't know" is always the safe answer.
"""

from __future__ import annotations

import importlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any


def _module(name: str, fallback: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:  # Python < 3.11 names the same modules sre_*
        return importlib.import_module(fallback)


sre_parser = _module("re._parser", "sre_parse")
sre_compiler = _module("re._compiler", "sre_compile")
sre = _module("re._constants", "sre_constants")

_ALPHABET = 128
# Flags that mean the same here as in `re.search`: the leaves are compiled with them, and
# MULTILINE only adds matches next to "\n", which the input never contains.
ALLOWED_FLAGS = int(re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.UNICODE)
# Expanded bounded repeats can be huge (`(a{1000}){1000}`); refuse rather than build them.
_MAX_NFA_STATES = 20_000
# Subsets of long bounded repeats grow with the DFA (`.{0,5000}x`); cap the total size of the
# subsets expanded, per allowed DFA state, so such patterns are refused in well under a second.
_WORK_PER_STATE = 256

LEAF_OPS = frozenset((sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN))
REPEAT_OPS = frozenset((sre.MAX_REPEAT, sre.MIN_REPEAT))
_START_ANCHORS = frozenset((sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_BEGINNING_LINE))
_END_ANCHORS = frozenset((sre.AT_END, sre.AT_END_STRING, sre.AT_END_LINE))

# Conditions on NFA epsilon edges.
_FREE, _AT_START, _AT_END = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Dfa:
    """A search automaton over bytes 0-127; see the module docstring for how to run it."""

    transitions: bytes  # array('i').tobytes(): states * 128 int32, native order; -1 = dead
    accepting: bytes  # one byte per state: 1 where the state accepts, else 0
    start: int

    @property
    def states(self) -> int:
        return len(self.accepting)

    def matches(self, text: str) -> bool:
        """Run the table exactly as the C validator does (for tests)."""
        table = memoryview(self.transitions).cast("i")
        state = self.start
        for char in text:
            code = ord(char)
            if code >= _ALPHABET:
                raise ValueError(f"not ASCII: {char!r}")
            state = table[state * _ALPHABET + code]
            if state < 0:
                return False
        return self.accepting[state] == 1


class Refused(Exception):
    """The pattern needs something this compiler does not translate exactly."""


class Nfa:
    """Thompson NFA: each state has at most one byte edge, plus conditional epsilon edges."""

    def __init__(self) -> None:
        self.mask: list[int] = []  # bit b set: the state's byte edge accepts byte b
        self.target: list[int] = []  # where the byte edge goes (-1: no byte edge)
        self.epsilon: list[list[tuple[int, int]]] = []  # (condition, target)
        self._leaf_masks: dict[tuple[str, str, int], int] = {}

    def build(self, pattern: str) -> tuple[int, int]:
        """The start and final states of the whole pattern (raises Refused, re.error)."""
        parsed = sre_parser.parse(pattern, 0)
        flags = int(parsed.state.flags)
        if flags & ~ALLOWED_FLAGS:
            raise Refused
        return self.sequence(parsed, flags)

    def new_state(self) -> int:
        if len(self.mask) >= _MAX_NFA_STATES:
            raise Refused
        self.mask.append(0)
        self.target.append(-1)
        self.epsilon.append([])
        return len(self.mask) - 1

    def link(self, source: int, target: int, condition: int = _FREE) -> None:
        self.epsilon[source].append((condition, target))

    def sequence(self, items: Iterable[Any], flags: int) -> tuple[int, int]:
        start = end = self.new_state()
        for op, av in items:
            first, last = self.node(op, av, flags)
            self.link(end, first)
            end = last
        return start, end

    def node(self, op: Any, av: Any, flags: int) -> tuple[int, int]:
        if op in LEAF_OPS:
            start, end = self.new_state(), self.new_state()
            self.mask[start] = self.leaf_mask(op, av, flags)
            self.target[start] = end
            return start, end
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            inner = int(sre_compiler._combine_flags(flags, add_flags, del_flags))
            if inner & ~ALLOWED_FLAGS:
                raise Refused
            return self.sequence(body, inner)
        if op is sre.BRANCH:
            start, end = self.new_state(), self.new_state()
            for alternative in av[1]:
                first, last = self.sequence(alternative, flags)
                self.link(start, first)
                self.link(last, end)
            return start, end
        if op in REPEAT_OPS:  # lazy or greedy: the same for a yes/no search
            low, high, body = av
            return self.repeat(int(low), None if high == sre.MAXREPEAT else int(high), body, flags)
        if op is sre.AT and (av in _START_ANCHORS or av in _END_ANCHORS):
            start, end = self.new_state(), self.new_state()
            self.link(start, end, _AT_START if av in _START_ANCHORS else _AT_END)
            return start, end
        raise Refused

    def repeat(self, low: int, high: int | None, body: Any, flags: int) -> tuple[int, int]:
        start = end = self.new_state()
        for _ in range(low):
            first, last = self.sequence(body, flags)
            self.link(end, first)
            end = last
        if high is None:
            first, last = self.sequence(body, flags)
            loop = self.new_state()
            self.link(end, loop)
            self.link(loop, first)
            self.link(last, loop)
            return start, loop
        exit_ = self.new_state()
        for _ in range(high - low):
            first, last = self.sequence(body, flags)
            self.link(end, first)
            self.link(end, exit_)
            end = last
        self.link(end, exit_)
        return start, exit_

    def leaf_mask(self, op: Any, av: Any, flags: int) -> int:
        """The bytes one character leaf accepts, as `re` itself decides them."""
        key = (str(op), repr(av), flags)
        mask = self._leaf_masks.get(key)
        if mask is None:
            state = sre_parser.State()
            state.flags = flags
            leaf = sre_compiler.compile(sre_parser.SubPattern(state, [(op, av)]), 0)
            mask = sum(1 << code for code in range(_ALPHABET) if leaf.fullmatch(chr(code)))
            self._leaf_masks[key] = mask
        return mask

    def reach(self, sources: Iterable[int], conditions: frozenset[int]) -> set[int]:
        """States reachable from `sources` over epsilon edges whose condition holds."""
        seen = set(sources)
        stack = list(seen)
        while stack:
            for condition, target in self.epsilon[stack.pop()]:
                if condition in conditions and target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen


_FREE_ONLY = frozenset((_FREE,))
_FREE_OR_START = frozenset((_FREE, _AT_START))
_FREE_OR_END = frozenset((_FREE, _AT_END))
_ANY_CONDITION = frozenset((_FREE, _AT_START, _AT_END))


def _byte_classes(masks: Iterable[int]) -> list[int]:
    """Class of each byte; bytes of one class are accepted by exactly the same edges."""
    distinct = sorted({mask for mask in masks if mask})
    ids: dict[tuple[int, ...], int] = {}
    return [
        ids.setdefault(tuple(mask >> code & 1 for mask in distinct), len(ids))
        for code in range(_ALPHABET)
    ]


# A subset state: the byte-edge states it holds and whether it accepts at the end of input.
# Those two decide everything about it, so they are its identity. None is the accepting sink.
_Key = tuple[frozenset[int], bool] | None


class _SubsetBuilder:
    """Subset construction with an implicit `.*` in front (search) and an accepting sink."""

    def __init__(self, nfa: Nfa, start: int, final: int, max_states: int) -> None:
        self.nfa = nfa
        self.final = final
        self.max_states = max_states
        self.class_of = _byte_classes(nfa.mask)
        self.classes = max(self.class_of) + 1
        self.edge_classes = [
            sorted({self.class_of[code] for code in range(_ALPHABET) if mask >> code & 1})
            for mask in nfa.mask
        ]
        # States from which the end of input (where $ and \Z hold) reaches the final state.
        backward: list[list[int]] = [[] for _ in nfa.mask]
        for source, edges in enumerate(nfa.epsilon):
            for condition, target in edges:
                if condition in _FREE_OR_END:
                    backward[target].append(source)
        self.end_accepts = _reach_over(backward, [final])
        self.closures: dict[int, tuple[frozenset[int], bool, bool]] = {}
        # The implicit `.*` puts the pattern's start in every state after the first.
        self.restart = self.summary(nfa.reach([start], _FREE_ONLY))
        initial = nfa.reach([start], _FREE_OR_START)
        if final in initial:
            self.initial: _Key = None
        else:
            accepts_empty = final in nfa.reach(initial, _ANY_CONDITION)
            self.initial = (self.summary(initial)[0], accepts_empty)
        self.ids: dict[_Key, int] = {}
        self.keys: list[_Key] = []
        self.rows: list[list[int]] = []

    def summary(self, closure: set[int]) -> tuple[frozenset[int], bool, bool]:
        """Byte-edge states, "final reached", "accepts at end" of an epsilon closure."""
        nfa = self.nfa
        return (
            frozenset(state for state in closure if nfa.target[state] >= 0),
            self.final in closure,
            not self.end_accepts.isdisjoint(closure),
        )

    def closure_of(self, state: int) -> tuple[frozenset[int], bool, bool]:
        found = self.closures.get(state)
        if found is None:
            found = self.closures[state] = self.summary(self.nfa.reach([state], _FREE_ONLY))
        return found

    def state_id(self, key: _Key) -> int:
        found = self.ids.get(key)
        if found is None:
            if len(self.keys) >= self.max_states:
                raise Refused
            found = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return found

    def step(self, targets: frozenset[int]) -> _Key:
        edges, final, at_end = self.restart
        parts = [edges]
        for target in targets:
            target_edges, target_final, target_at_end = self.closure_of(target)
            parts.append(target_edges)
            final = final or target_final
            at_end = at_end or target_at_end
        return None if final else (frozenset().union(*parts), at_end)

    def build(self) -> tuple[list[list[int]], list[bool]]:
        self.state_id(self.initial)
        nfa = self.nfa
        budget = _WORK_PER_STATE * self.max_states
        while len(self.rows) < len(self.keys):
            key = self.keys[len(self.rows)]
            if key is None:
                self.rows.append([self.state_id(None)] * self.classes)
                continue
            budget -= len(key[0])
            if budget < 0:
                raise Refused
            by_class: list[set[int]] = [set() for _ in range(self.classes)]
            for state in key[0]:
                for byte_class in self.edge_classes[state]:
                    by_class[byte_class].add(nfa.target[state])
            memo: dict[frozenset[int], int] = {}
            row = []
            for targets in map(frozenset, by_class):
                found = memo.get(targets)
                if found is None:
                    found = memo[targets] = self.state_id(self.step(targets))
                row.append(found)
            self.rows.append(row)
        accepting = [key is None or key[1] for key in self.keys]
        return self.rows, accepting


def _reach_over(graph: list[list[int]], sources: Iterable[int]) -> set[int]:
    seen = set(sources)
    stack = list(seen)
    while stack:
        for target in graph[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _minimise(rows: list[list[int]], accepting: list[bool]) -> tuple[list[list[int]], list[bool]]:
    """Drop states that cannot reach acceptance (-1), merge equivalent ones, number from 0.

    State 0 is the start, in both the input and the output.
    """
    backward: list[list[int]] = [[] for _ in rows]
    for source, row in enumerate(rows):
        for target in set(row):
            backward[target].append(source)
    live = _reach_over(backward, [state for state, accepts in enumerate(accepting) if accepts])
    if 0 not in live:
        return [[-1] * len(rows[0])], [False]
    # Every state that cannot reach acceptance becomes one dead state, `dead`, which Hopcroft
    # keeps in a block of its own (every other state accepts some suffix).
    dead = len(rows)
    pruned = {state: [t if t in live else dead for t in rows[state]] for state in live}
    pruned[dead] = [dead] * len(rows[0])
    block_of = _coarsest_partition(pruned, accepting)
    # Number blocks in breadth-first order from the start, so output is deterministic.
    representative = {block_of[state]: state for state in sorted(pruned, reverse=True)}
    order = {block_of[0]: 0, block_of[dead]: -1}
    queue = [block_of[0]]
    for current in queue:
        for target in pruned[representative[current]]:
            if block_of[target] not in order:
                order[block_of[target]] = len(queue)
                queue.append(block_of[target])
    out_rows = [[order[block_of[t]] for t in pruned[representative[b]]] for b in queue]
    return out_rows, [accepting[representative[b]] for b in queue]


def _coarsest_partition(rows: dict[int, list[int]], accepting: list[bool]) -> dict[int, int]:
    """Hopcroft's algorithm: the block of each state in the coarsest stable partition."""
    inverse: list[dict[int, list[int]]] = [{} for _ in next(iter(rows.values()))]
    for source, row in rows.items():
        for byte_class, target in enumerate(row):
            inverse[byte_class].setdefault(target, []).append(source)
    first = {state for state in rows if state < len(accepting) and accepting[state]}
    blocks = [block for block in (first, set(rows) - first) if block]
    block_of = {state: index for index, block in enumerate(blocks) for state in block}
    pending = set(range(len(blocks)))
    while pending:
        splitter = list(blocks[pending.pop()])
        for edges in inverse:
            touched: dict[int, set[int]] = {}
            for target in splitter:
                for source in edges.get(target, ()):
                    touched.setdefault(block_of[source], set()).add(source)
            for index, inside in touched.items():
                if len(inside) == len(blocks[index]):
                    continue
                blocks[index] -= inside
                blocks.append(inside)
                for state in inside:
                    block_of[state] = len(blocks) - 1
                # Refining by the smaller half is enough unless the block was still pending.
                if index in pending or len(inside) <= len(blocks[index]):
                    pending.add(len(blocks) - 1)
                else:
                    pending.add(index)
    return block_of


def search_dfa(pattern: str, *, max_states: int = 2048) -> Dfa | None:
    """A DFA that decides `re.search(pattern, s) is not None` for every string s made only of
    ASCII characters other than "\\n" (code points 0-127 except 10), or None when the pattern
    uses something this compiler does not handle, or the DFA would exceed max_states.

    The limit applies to the subset construction, before minimisation; patterns whose NFA or
    subsets are very large (long bounded repeats) are refused too.
    """
    try:
        re.compile(pattern)
        nfa = Nfa()
        start, final = nfa.build(pattern)
        subsets = _SubsetBuilder(nfa, start, final, max_states)
        rows, accepting = _minimise(*subsets.build())
    except (Refused, re.error, RecursionError, OverflowError):
        return None
    class_of = subsets.class_of
    table = array("i", (row[class_of[code]] for row in rows for code in range(_ALPHABET)))
    return Dfa(
        transitions=table.tobytes(),
        accepting=bytes(int(accepts) for accepts in accepting),
        start=0,
    )
