"""Typed reads from a YAML node tree that report, rather than raise, every shape problem."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import Any

import yaml

from ..diagnostics import Diagnostic, Location
from ..pointers import join_pointer
from .codes import load_error
from .yaml_source import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MERGE_TAG,
    NULL_TAG,
    STR_TAG,
    describe,
    node_value,
    number_value,
)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


INVALID: Any = object()
"""What `NodeReader.json_value` returns for a value it reported as wrong."""


class Entry:
    """A mapping entry: its key node, value node and JSON pointer."""

    __slots__ = ("key", "key_node", "node", "pointer")

    def __init__(self, key: str, key_node: yaml.Node, node: yaml.Node, pointer: str) -> None:
        self.key = key
        self.key_node = key_node
        self.node = node
        self.pointer = pointer


class NodeReader:
    """Reads values from the nodes of one file and collects diagnostics with file:line:col."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    # -- locations and reporting -------------------------------------------------------------

    def location(self, node: yaml.Node, pointer: str | None = None) -> Location:
        mark = node.start_mark
        return Location(file=self.file, line=mark.line + 1, column=mark.column + 1, pointer=pointer)

    def error(
        self,
        node: yaml.Node,
        pointer: str | None,
        message: str,
        *,
        code: str = "TP002",
        suggestion: str | None = None,
    ) -> None:
        location = self.location(node, pointer)
        self.diagnostics.append(load_error(code, message, location, suggestion=suggestion))

    def expected(self, node: yaml.Node, pointer: str, what: str, name: str) -> None:
        self.error(node, pointer, f"{name} must be {what}, not {describe(node)}")

    # -- containers --------------------------------------------------------------------------

    def entries(self, node: yaml.Node, pointer: str, name: str) -> list[Entry] | None:
        """The entries of a mapping node, with duplicate keys reported (the last one wins)."""
        if is_null(node):
            return []
        if not isinstance(node, yaml.MappingNode):
            self.expected(node, pointer, "a mapping", name)
            return None
        seen: dict[str, yaml.Node] = {}
        result: dict[str, Entry] = {}
        for key_node, value_node in self._flatten(node):
            if not isinstance(key_node, yaml.ScalarNode) or is_null(key_node):
                self.error(key_node, pointer, f"keys of {name} must be strings")
                continue
            key = key_node.value
            child = join_pointer(pointer, key)
            if key in seen:
                first = seen[key].start_mark
                self.error(
                    key_node,
                    child,
                    f"duplicate key {key!r} in {name} (first defined at line {first.line + 1})",
                    code="TP003",
                )
            seen[key] = key_node
            result[key] = Entry(key, key_node, value_node, child)
        return list(result.values())

    def fields(
        self, node: yaml.Node, pointer: str, name: str, allowed: Collection[str]
    ) -> dict[str, Entry] | None:
        """A mapping whose keys must come from `allowed`; unknown keys get a suggestion."""
        entries = self.entries(node, pointer, name)
        if entries is None:
            return None
        result: dict[str, Entry] = {}
        for entry in entries:
            if entry.key not in allowed:
                guess = did_you_mean(entry.key, allowed)
                hint = f"; did you mean {guess!r}?" if guess else ""
                known = ", ".join(sorted(allowed))
                self.error(
                    entry.key_node,
                    entry.pointer,
                    f"unknown key {entry.key!r} in {name}{hint} (allowed: {known})",
                    suggestion=guess,
                )
                continue
            result[entry.key] = entry
        return result

    def items(self, node: yaml.Node, pointer: str, name: str) -> list[tuple[yaml.Node, str]] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.expected(node, pointer, "a list", name)
            return None
        return [(item, join_pointer(pointer, i)) for i, item in enumerate(node.value)]

    def _flatten(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """Apply YAML merge keys (`<<: *defaults`): explicit keys win over merged ones."""
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        own: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != MERGE_TAG:
                own.append((key_node, value_node))
                continue
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    explicit = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
                    merged.extend(
                        (k, v) for k, v in self._flatten(source) if k.value not in explicit
                    )
                else:
                    self.error(source, None, "a merge key (<<) needs a mapping or list of mappings")
        return merged + own

    # -- scalars -----------------------------------------------------------------------------

    def string(self, entry: Entry, name: str | None = None) -> str | None:
        node = entry.node
        scalar_tags = (STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG)
        if isinstance(node, yaml.ScalarNode) and node.tag in scalar_tags:
            return str(node.value)
        if is_null(node):
            return None
        self.expected(node, entry.pointer, "a string", name or repr(entry.key))
        return None

    def strings(self, entry: Entry, name: str | None = None) -> tuple[str, ...] | None:
        """A list of strings; a single string is taken as a list of one."""
        located = self.located_strings(entry, name)
        return None if located is None else tuple(text for text, _ in located)

    def located_strings(
        self, entry: Entry, name: str | None = None
    ) -> tuple[tuple[str, Location], ...] | None:
        """Like `strings`, with the location of each item (to point at the one that is wrong)."""
        label = name or repr(entry.key)
        node = entry.node
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            return ((node.value, self.location(node, entry.pointer)),)
        items = self.items(node, entry.pointer, label)
        if items is None:
            return None
        values: list[tuple[str, Location]] = []
        for item, pointer in items:
            if isinstance(item, yaml.ScalarNode) and item.tag in (STR_TAG, INT_TAG):
                values.append((str(item.value), self.location(item, pointer)))
            else:
                self.expected(item, pointer, "a string", f"each item of {label}")
        return tuple(values)

    def boolean(self, entry: Entry) -> bool | None:
        node = entry.node
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(node_value(node))
        self.expected(node, entry.pointer, "true or false", repr(entry.key))
        return None

    def integer(self, entry: Entry, *, minimum: int | None = None) -> int | None:
        what = "an integer" if minimum is None else f"an integer >= {minimum}"
        value = self._number(entry, what)
        if value is None:
            return None
        if isinstance(value, int) and (minimum is None or value >= minimum):
            return value
        self.expected(entry.node, entry.pointer, what, repr(entry.key))
        return None

    def number(self, entry: Entry) -> float | None:
        return self._number(entry, "a number")

    def _number(self, entry: Entry, what: str) -> int | float | None:
        node = entry.node
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG)):
            self.expected(node, entry.pointer, what, repr(entry.key))
            return None
        try:
            return number_value(node)
        except ValueError as problem:
            finite = what.replace("a number", "a finite number")
            self.error(node, entry.pointer, f"{entry.key!r} must be {finite}, not {problem}")
            return None

    def json_value(self, node: yaml.Node, pointer: str, name: str) -> Any:
        """The JSON value a node holds (enum, const and example values), or INVALID after
        reporting, at the item, a number that is not finite or a mapping key that is not text."""
        if isinstance(node, yaml.SequenceNode):
            items = [
                self.json_value(item, join_pointer(pointer, index), name)
                for index, item in enumerate(node.value)
            ]
            return INVALID if INVALID in items else items
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key, value in self._flatten(node):
                if not isinstance(key, yaml.ScalarNode) or is_null(key):
                    self.error(key, pointer, f"keys of a mapping in {name} must be text")
                    return INVALID
                result[key.value] = self.json_value(value, join_pointer(pointer, key.value), name)
            return INVALID if INVALID in result.values() else result
        if isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG):
            try:
                return number_value(node)
            except ValueError as problem:
                self.error(node, pointer, f"numbers in {name} must be finite, not {problem}")
                return INVALID
        return node_value(node)

    def choice(self, entry: Entry, choices: Collection[str], name: str | None = None) -> str | None:
        text = self.string(entry, name)
        if text is None:
            return None
        if text in choices:
            return text
        guess = did_you_mean(text, choices)
        hint = f"; did you mean {guess!r}?" if guess else ""
        self.error(
            entry.node,
            entry.pointer,
            f"{name or repr(entry.key)} must be one of {', '.join(choices)}, not {text!r}{hint}",
            suggestion=guess,
        )
        return None


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG
