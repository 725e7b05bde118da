"""Write plan data (plain dicts and lists) as readable YAML that the loader reads back exactly.

Used where tp writes a new plan (imports): block style, short scalar lists inline, a blank line
between definitions, and only the quoting that is needed.
"""

from __future__ import annotations

import io
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .loader.yaml_source import PlanYamlLoader

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (yaml.resolver.Resolver(), PlanYamlLoader(""))
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SPACED = ("context:", "events:", "identify:", "group:", "pages:", "screens:")
_NAMED = ("events:", "pages:", "screens:")


def dump_plan(plan: dict[str, Any], header: str) -> str:
    """Block-style YAML that the plan loader reads back as exactly `plan`.

    The text is read back with the loader's own YAML rules; should a wrapped line not read back
    the same, it is written again without wrapping. Raises ValueError if it still differs.
    """
    header = " ".join(header.split())
    for width in (100, 1_000_000):
        writer = YAML()
        writer.width = width
        writer.indent(mapping=2, sequence=4, offset=2)
        writer.representer.add_representer(float, _represent_float)
        root = _yamlify(plan)
        root.yaml_set_start_comment(header)
        buffer = io.StringIO()
        writer.dump(root, buffer)
        text = _space_out(buffer.getvalue())
        if _reads_back(text, plan):
            return text
    raise ValueError("the YAML written does not read back as the same plan")


def _reads_back(text: str, plan: dict[str, Any]) -> bool:
    try:
        return bool(yaml.load(text, Loader=PlanYamlLoader) == plan)
    except yaml.YAMLError:
        return False


def _yamlify(value: Any) -> Any:
    """Plain data to ruamel nodes: lists of simple scalars in flow style, others in block
    style; strings that YAML 1.1 or 1.2 could read as something else double-quoted."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[_quoted(str(key))] = _yamlify(item)
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_yamlify(v) for v in value)
        if all(_flow_safe(v) for v in value):
            seq.fa.set_flow_style()
        return seq
    return _quoted(value) if isinstance(value, str) else value


def _plain_safe(text: str) -> bool:
    """A string that reads back as a string when written plain, under YAML 1.1 and 1.2 rules."""
    return (
        text.isprintable()
        and text == text.strip()
        and text[:1] not in _INDICATORS
        and "  " not in text
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and all(r.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG for r in _RESOLVERS)
    )


def _flow_safe(value: Any) -> bool:
    if isinstance(value, str):
        return _plain_safe(value) and not any(c in value for c in ",[]{}?")
    return not isinstance(value, dict | list | tuple)


def _quoted(text: str) -> str:
    """Double-quote what a YAML reader could take for something else (`yes`, `1e3`, ...)."""
    return text if _plain_safe(text) else DoubleQuotedScalarString(text)


def _represent_float(representer: Any, value: float) -> Any:
    """`1e-05` is a string to YAML 1.1; write `1.0e-05`."""
    if value != value or value in (float("inf"), float("-inf")):
        text = ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    else:
        text = repr(value)
        mantissa, exp, power = text.partition("e")
        if exp:
            text = f"{mantissa if '.' in mantissa else mantissa + '.0'}e{power}"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _space_out(text: str) -> str:
    """A blank line before each section and between the definitions of a section; no trailing
    blanks (where ruamel wraps a long scalar they are folding white space, not content)."""
    out: list[str] = []
    section = ""
    first = False
    for line in text.splitlines():
        if line[:1] not in ("", " ", "#"):
            section = line
            first = True
            if line.startswith(_SPACED):
                out.append("")
        elif section.startswith(_NAMED) and line[:2] == "  " and line[2:3] not in " -#:?":
            if not first:
                out.append("")
            first = False
        out.append(line.rstrip())
    return "\n".join(out) + "\n"
