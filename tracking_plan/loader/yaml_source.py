"""Parse YAML text into PyYAML's node tree, which keeps a line and column on every node.

We compose nodes with libyaml's C parser when it is there (about 7x faster than ruamel.yaml's
round-trip loader on large plans) and fall back to the pure-Python composer.

Plain scalars are resolved with YAML 1.2 rules, not PyYAML's YAML 1.1 ones: only `true`/`false`
are booleans (so `enum: [SE, NO, DK]` stays three strings), there are no implicit timestamps,
and `1e3` is a number. Explicit tags are held to the same core schema: `!!int 1.5` and
`!!bool maybe` are errors, and tags outside it (`!!binary`, `!!timestamp`, `!!set`, `!custom`)
are refused, since a plan only holds JSON values.

The tree is checked before anyone walks it: nesting depth, aliases that contain themselves,
and aliases that expand the document far beyond what is written (a "billion laughs" file of
a few lines can stand for 10**9 nodes), so later stages can recurse and expand safely.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from typing import Any, ClassVar

import yaml

from ..diagnostics import Diagnostic, Location
from .codes import load_error
from .source_file import WITHOUT_BYTE_ORDER_MARK, looks_like_wide_text

_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CORE = "tag:yaml.org,2002:"
STR_TAG = CORE + "str"
INT_TAG = CORE + "int"
FLOAT_TAG = CORE + "float"
BOOL_TAG = CORE + "bool"
NULL_TAG = CORE + "null"
MERGE_TAG = CORE + "merge"
MAP_TAG = CORE + "map"
SEQ_TAG = CORE + "seq"

MAX_DEPTH = 100
"""Nesting levels, counted through aliases: 32 levels of nested properties take about 70."""
MIN_EXPANSION_BUDGET = 100_000
EXPANSION_FACTOR = 4
"""Aliases may make the document at most this many times its written size (or the budget)."""

_BOOLEANS = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NULLS = frozenset({"~", "null", "Null", "NULL", ""})
_INT = re.compile(r"[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_CORE_SCALARS = (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", [*"tTfF"]),
    ("null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", [*"-+0123456789"]),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        [*"-+0123456789."],
    ),
    ("merge", r"^<<$", ["<"]),
)
_SCALAR_SYNTAX: dict[str, tuple[str, Callable[[str], object] | None]] = {
    BOOL_TAG: ("true or false", _BOOLEANS.__contains__),
    NULL_TAG: ("null (~, null or nothing)", _NULLS.__contains__),
    INT_TAG: ("an integer (digits, 0o octal or 0x hexadecimal)", _INT.fullmatch),
    FLOAT_TAG: ("a number", _FLOAT.fullmatch),
    STR_TAG: ("text", None),
    MERGE_TAG: ("a merge key", None),
}
# What YAML allows in a file: tab, line breaks and printable characters (YAML 1.1, 5.1).
_FORBIDDEN_CHARACTER = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_DIGITS_OF_LARGEST_FLOAT = len(str(int(sys.float_info.max)))
# Where a tag may start: `!` at the start of a node (false alarms only cost time).
_TAG_TOKEN = re.compile(r"(?:^|[\s\[{,:?-])!", re.MULTILINE)
_TOO_DEEP = (
    f"the document is nested more than {MAX_DEPTH} levels deep here (counting what aliases "
    "stand for); flatten it"
)


class PlanYamlLoader(_BASE_LOADER):  # type: ignore[misc]
    """The fastest available safe loader, with YAML 1.2 core-schema scalar resolution."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


for _tag, _pattern, _first in _CORE_SCALARS:
    PlanYamlLoader.add_implicit_resolver(CORE + _tag, re.compile(_pattern), _first)


def compose(text: str, file: str) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """The document's root node, or TP001 diagnostics: a syntax error, a character YAML does
    not allow, a tag outside the core schema, nesting or aliases past the limits."""
    bad_character = _character_problem(text, file)
    if bad_character is not None:
        return None, [bad_character]
    try:
        root = yaml.compose(text, Loader=PlanYamlLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        return None, [_syntax_error(_explain(error, text), location)]
    except yaml.YAMLError as error:
        return None, [_syntax_error(f"YAML error: {error}", Location(file=file))]
    except RecursionError:  # the pure-Python composer, on nesting libyaml would refuse
        message = f"YAML error: the document is nested more than {MAX_DEPTH} levels deep"
        return None, [_syntax_error(message, Location(file=file))]
    problems = [] if root is None else _TreeCheck(file).run(root, text)
    return (None, problems) if problems else (root, [])


def _character_problem(text: str, file: str) -> Diagnostic | None:
    found = _FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return None
    before = text[: found.start()]
    line, column = before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1
    code = ord(found.group())
    message = (
        f"YAML syntax error: control character U+{code:04X} at line {line}, column {column}; "
        "YAML allows only tabs, line breaks and printable characters"
    )
    if code == 0 and looks_like_wide_text(text.count("\0"), len(text)):
        message += f"; {WITHOUT_BYTE_ORDER_MARK}"
    else:
        escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        message += f": delete it, or write it as the escape {escape} inside double quotes"
    return _syntax_error(message, Location(file=file, line=line, column=column))


def _explain(error: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's problem, plus where the construct it was parsing started, plus tab advice."""
    problem = error.problem or error.context or "invalid YAML"
    context, start = error.context, error.context_mark
    if context and error.problem:
        if start is not None and start != error.problem_mark:
            context = f"{context} started at line {start.line + 1}, column {start.column + 1}"
        problem = f"{problem} ({context})"
    mark = error.problem_mark
    if mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: mark.column + 1]:
            problem += "; a tab was found: YAML indentation must use spaces, not tabs"
    return f"YAML syntax error: {problem}"


def _syntax_error(message: str, location: Location) -> Diagnostic:
    return load_error("TP001", message, location)


def show_tag(tag: str) -> str:
    """A tag as it is written: `!!binary`, `!local`, `!<tag:example.com,2000:x>`."""
    if tag.startswith(CORE):
        return "!!" + tag[len(CORE) :]
    return tag if tag.startswith("!") else f"!<{tag}>"


def show_text(text: str, limit: int = 40) -> str:
    """A scalar's text for a message: quoted, escaped and cut short."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


class _TreeCheck:
    """Tags and scalar syntax, nesting depth, alias cycles, and the size of the document once
    aliases are expanded, in one walk over the graph of collections (aliases make it a graph).

    Scalars are only counted, unless the text has something that may be a tag: implicit tags
    are valid by construction, so most plans skip the per-scalar check.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []

    def run(self, root: yaml.Node, text: str) -> list[Diagnostic]:
        check_scalars = "!" in text and _TAG_TOKEN.search(text) is not None
        self._check_tag(root)
        if isinstance(root, yaml.ScalarNode):
            return self.problems
        # Per collection: its child collections, its scalar count, whether it is done, and,
        # once done, its depth and size with aliases expanded.
        info: dict[int, list[Any]] = {}
        written = 0

        def enter(node: yaml.Node) -> list[Any]:
            nonlocal written
            kids, scalars = self._split(node, check_scalars)
            record = [kids, scalars, False, 0, 0]
            info[id(node)] = record
            written += 1 + scalars
            return [node, record, 0]

        stack = [enter(root)]
        while stack:
            top = stack[-1]
            node, record, index = top
            kids = record[0]
            if index == len(kids):
                stack.pop()
                done = [info[id(k)] for k in kids]
                record[2] = True
                record[3] = 1 + max((r[3] for r in done), default=1 if record[1] else 0)
                record[4] = 1 + record[1] + sum(r[4] for r in done)
                continue
            top[2] = index + 1
            child = kids[index]
            seen = info.get(id(child))
            if seen is None:
                self._check_tag(child)
                stack.append(enter(child))
                levels = len(stack) + (1 if stack[-1][1][1] else 0)
            elif not seen[2]:
                return self._fail(
                    node,
                    "an alias refers to a node that contains it (a recursive alias, anchored "
                    f"at line {child.start_mark.line + 1}); a plan must be a finite tree",
                )
            else:
                levels = len(stack) + seen[3]
            if levels > MAX_DEPTH:
                return self._fail(child if seen is None else node, _TOO_DEEP)
        budget = max(MIN_EXPANSION_BUDGET, EXPANSION_FACTOR * written)
        if info[id(root)][4] > budget:
            node = root
            while True:  # down to the smallest value that is over the budget on its own
                largest = max(info[id(node)][0], key=lambda k: info[id(k)][4], default=None)
                if largest is None or info[id(largest)][4] <= budget:
                    break
                node = largest
            return self._fail(
                node,
                f"aliases expand this value to more than {budget:,} nodes ({written:,} are "
                "written); write the values out instead",
            )
        return self.problems

    def _split(self, node: yaml.Node, check_scalars: bool) -> tuple[list[yaml.Node], int]:
        """A collection's child collections, and how many scalars it holds (checked when
        asked)."""
        items = node.value
        if isinstance(node, yaml.MappingNode):
            items = [part for pair in items for part in pair]
        kids = [item for item in items if not isinstance(item, yaml.ScalarNode)]
        if check_scalars:
            for item in items:
                if isinstance(item, yaml.ScalarNode):
                    self._check_tag(item)
        return kids, len(items) - len(kids)

    def _check_tag(self, node: yaml.Node) -> None:
        tag = node.tag
        if isinstance(node, yaml.ScalarNode) and tag in _SCALAR_SYNTAX:
            what, valid = _SCALAR_SYNTAX[tag]
            if valid is None or valid(node.value):
                return
            self._report(node, f"{show_tag(tag)} {show_text(node.value)} is not {what}")
            return
        if tag in (MAP_TAG, SEQ_TAG) and not isinstance(node, yaml.ScalarNode):
            return
        self._report(
            node,
            f"unsupported YAML tag {show_tag(tag)}: a plan holds only text, numbers, true/false, "
            "null, lists and mappings; remove the tag (quote the value to keep it as text)",
        )

    def _report(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        location = Location(file=self.file, line=mark.line + 1, column=mark.column + 1)
        self.problems.append(_syntax_error(f"YAML error: {message}", location))

    def _fail(self, node: yaml.Node, message: str) -> list[Diagnostic]:
        self._report(node, message)
        return self.problems


def number_value(node: yaml.Node) -> int | float:
    """The number an int or float scalar holds. ValueError names what was found instead (a
    noun phrase: "message ... not {reason}") when it is not a finite number within a 64-bit
    float's range, what every JSON reader can hold."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (INT_TAG, FLOAT_TAG):
        raise ValueError(describe(node))
    text = node.value
    too_large = f"{show_text(text)}, which is too large for a 64-bit float"
    if node.tag == INT_TAG:
        if not _INT.fullmatch(text):
            raise ValueError(f"{show_text(text)}, which is not an integer")
        digits = text.lstrip("+-")
        if digits[:2] in ("0x", "0o"):
            value = int(digits[2:], 16 if digits[1] == "x" else 8)
        elif len(digits.lstrip("0")) > _DIGITS_OF_LARGEST_FLOAT:
            raise ValueError(f"an integer of {len(digits):,} digits, too large for a 64-bit float")
        else:
            value = int(digits)
        if value > sys.float_info.max:
            raise ValueError(too_large)
        return -value if text.startswith("-") else value
    if not _FLOAT.fullmatch(text):
        raise ValueError(f"{show_text(text)}, which is not a number")
    special = text.lower().lstrip("+-")
    if special in (".nan", ".inf"):
        raise ValueError(f"{text} ({'not a number' if special == '.nan' else 'infinity'})")
    number = float(text)
    if math.isinf(number):
        raise ValueError(too_large)
    return number


_KINDS = {
    STR_TAG: "a string",
    INT_TAG: "an integer",
    FLOAT_TAG: "a number",
    BOOL_TAG: "a boolean",
    NULL_TAG: "null",
}


def kind(node: yaml.Node) -> str:
    """What sort of value a node holds, without its text: a mapping, a list, a string, ..."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _KINDS.get(node.tag, f"a value tagged {show_tag(node.tag)}")


def describe(node: yaml.Node) -> str:
    """What a node holds, for "must be X, not {describe}" messages: its kind, with the text
    of a scalar (`the number 1.5`, `the string 'abc'`)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in _KINDS or node.tag == NULL_TAG:
        return kind(node)
    return f"the {kind(node).split(' ', 1)[1]} {show_scalar(node)}"


def show_scalar(node: yaml.Node) -> str:
    """A scalar's text for a message: numbers and booleans as written, strings quoted, long
    text cut short."""
    text = str(node.value)
    return text if node.tag != STR_TAG and len(text) <= 40 else show_text(text)


def node_value(node: yaml.Node) -> Any:
    """The plain JSON value of a node; never raises.

    Numbers that are not usable (see `number_value`) are kept as their text. Call only on a
    tree that `compose` returned: it is finite, shallow and checked.
    """
    if isinstance(node, yaml.MappingNode):
        return {
            str(node_value(key)): node_value(value)
            for key, value in node.value
            if key.tag != MERGE_TAG
        }
    if isinstance(node, yaml.SequenceNode):
        return [node_value(item) for item in node.value]
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == BOOL_TAG:
        return _BOOLEANS.get(node.value, node.value)
    if node.tag == NULL_TAG:
        return None
    if node.tag in (INT_TAG, FLOAT_TAG):
        try:
            return number_value(node)
        except ValueError:
            return node.value
    return node.value
