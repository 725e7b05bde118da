"""Python clients for `segment-analytics-python` (Python 3.11+).

The client is a package, `<dir>/`:

- `__init__.py`: a `TypedDict` per payload and per nested object (the functional form, so any
  wire name is a key; `total=False` with `Required[...]` keeps required-ness exact), and a
  function per call: `order_completed(properties, *, user_id=None, ...)`, `identify(traits)`,
  `group(traits, *, group_id)`, `page_home(properties={}, *, category=None, ...)`,
  `screen_settings()`; a payload without required fields defaults to `{}`. `bind(client)` sends
  through a `segment.analytics.Client`; unbound, calls go through the `segment.analytics`
  module's default client. Each call merges `context.tracking_plan` (the plan's name and
  version) into the caller's context and sends the wire names unchanged. Deprecated calls
  warn with a DeprecationWarning.
- `py.typed`: the PEP 561 marker, so mypy checks the app against the types.
- with runtime checks only, `_checks.py` (a jsonschema validator per call, violations to a
  handler the app sets; `codegen/runtime/_checks.py.txt`, named so that no tool takes it for a
  module of tp) and `_schemas.py` (the compiled JSON Schemas, embedded as JSON).

Functions (`Style.SNAKE`, `page_`/`screen_` prefixed) and types (`Style.PASCAL`, from the
payload's path: `OrderCompletedProductsItem`, `HomePage`, `IdentifyTraits`) share the module's
namespace; both avoid Python keywords, the builtins and the names the client itself uses.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator

from ..model import CallType
from ..printable import printable, spell
from .common import CodegenOptions, Language, header, runtime_file
from .ir import STAMP_KEY, Call, Client, Field, Shape, Type
from .names import Scope, Style

# Reserved in both scopes: keywords (3.11 and the soft ones), builtins a generated name would
# shadow, and what the generated module imports or defines.
_KEYWORDS = """False None True and as assert async await break case class continue def del elif
else except finally for from global if import in is lambda match nonlocal not or pass raise
return try type while with yield _""".split()
_BUILTINS = """abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr
classmethod compile complex copyright credits delattr dict dir divmod enumerate eval exec exit
filter float format frozenset getattr globals hasattr hash help hex id input int isinstance
issubclass iter len license list locals map max memoryview min next object oct open ord pow print
property quit range repr reversed round set setattr slice sorted staticmethod str sum super tuple
vars zip DeprecationWarning""".split()
_OWN = """annotations importlib warnings datetime cast bind set_violation_handler raise_violation
warn_violation Any Literal Mapping Protocol Required TypedDict Analytics PlanViolation
PlanViolationWarning ViolationHandler""".split()
RESERVED = frozenset(_KEYWORDS + _BUILTINS + _OWN)

_COMMON = ("user_id", "anonymous_id", "context", "timestamp", "integrations", "message_id")


def generate(client: Client, options: CodegenOptions) -> dict[str, str]:
    names = _Names(client)
    files = {
        "__init__.py": _init_module(client, names, options.runtime_checks),
        "py.typed": header(client, "#"),
    }
    if options.runtime_checks:
        files["_checks.py"] = header(client, "#") + runtime_file("_checks.py.txt")
        files["_schemas.py"] = _schemas_module(client)
    return files


LANGUAGE = Language(
    name="python", generate=generate, sdks=("segment-analytics-python",), runtime_checks=True
)


class _Names:
    """Function names (identify and group first, so an event cannot take them), then type
    names (payload before nested ones), distinct from each other and from RESERVED."""

    def __init__(self, client: Client) -> None:
        functions = Scope(Style.SNAKE, RESERVED)
        keys: set[str] = set()
        ordered = sorted(client.calls, key=lambda c: c.call not in _FIXED)
        self.function = {id(c): _name(functions, _function_words(c), keys) for c in ordered}
        # Only a function named after digits (`_1st`) can spell a type name exactly.
        digits = [name for name in self.function.values() if name.startswith("_")]
        types = Scope(Style.PASCAL, RESERVED, taken=digits)
        self.type: dict[int, str] = {}
        keys = set()
        for call in client.calls:
            for shape in (call.payload, *call.payload.nested()):
                self.type[id(shape)] = _name(types, " ".join(shape.path), keys)


_FIXED = (CallType.IDENTIFY, CallType.GROUP)


def _function_words(call: Call) -> str:
    if call.call in (CallType.PAGE, CallType.SCREEN):
        return f"{call.call.value} {call.name}"
    return call.name or call.call.value


def _name(scope: Scope, text: str, keys: set[str]) -> str:
    # Scope remembers names by text; NUL (not part of any word) keeps equal texts apart.
    while text in keys:
        text += "\0"
    keys.add(text)
    return scope.name(text)


# -- __init__.py ---------------------------------------------------------------------------------


def _init_module(client: Client, names: _Names, checks: bool) -> str:
    shapes = [(s, c) for c in client.calls for s in (*c.payload.nested(), c.payload)]
    types = [_typed_dict(shape, call, names) for shape, call in shapes]
    functions = [_function(c, names, checks) for c in client.calls]
    body = "\n\n".join(types) + "\n\n\n" + "\n\n\n".join(functions)
    fields = [f for shape, _ in shapes for f in shape.fields]
    typing = ["Any", "Protocol", "TypedDict", "cast"]
    if any(k.kind == "enum" for f in fields for k in _deep_kinds(f.type)):
        typing.append("Literal")
    if any(f.required for f in fields):
        typing.append("Required")
    imports = ["import importlib"]
    if any(c.deprecated for c in client.calls):
        imports.append("import warnings")
    imports += [
        "from collections.abc import Mapping",
        "from datetime import datetime",
        f"from typing import {', '.join(sorted(typing))}",
    ]
    if checks:
        exported = ["PlanViolation", "PlanViolationWarning", "ViolationHandler"]
        exported += ["raise_violation", "set_violation_handler", "warn_violation"]
        imports += ["", "from . import _checks"]
        imports += [f"from ._checks import {n} as {n}" for n in exported]
    stamp = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in client.stamp.items())
    return (
        header(client, "#")
        + _docstring(_module_doc(client, checks), "")
        + "\n\nfrom __future__ import annotations\n\n"
        + "\n".join(imports)
        + f"\n\n_STAMP_KEY = {_literal(STAMP_KEY)}\n_STAMP: dict[str, str] = {{{stamp}}}\n"
        + _runtime(checks)
        + "\n\n"
        + body
        + "\n"
    )


def _deep_kinds(type_: Type) -> Iterator[Type]:
    for kind in type_.kinds():
        yield kind
        if kind.item is not None:
            yield from _deep_kinds(kind.item)


def _module_doc(client: Client, checks: bool) -> list[str]:
    lines = [
        f"Typed analytics client for the tracking plan {client.plan!r}, "
        f"version {printable(client.version)}.",
        "",
        "One function per planned call; each sends the planned wire names unchanged and adds",
        f"`context.{STAMP_KEY}` (the plan's name and version) to the caller's context. Calls go",
        "through the `segment.analytics` module's default client, or the client given to",
        "`bind()`.",
    ]
    if checks:
        lines += [
            "",
            "Runtime checks: each call validates its message against the plan's JSON Schema",
            "before sending it and hands violations to the handler set with",
            "`set_violation_handler()` (default: a PlanViolationWarning).",
        ]
    return lines


def _runtime(checks: bool) -> str:
    check_args = ("\n    schema: str,\n    label: str," if checks else "") + "\n    *,"
    check_call = (
        "\n    _checks.check(schema, label, _message(method, {**fields, **common}))"
        if checks
        else ""
    )
    text = _RUNTIME.replace("<check_args>", check_args).replace("<check_call>", check_call)
    return text + (_MESSAGE if checks else "")


def _typed_dict(shape: Shape, call: Call, names: _Names) -> str:
    name = names.type[id(shape)]
    if shape is call.payload:
        about = f"The {'traits' if call.call in _FIXED else 'properties'} of {call.label}."
    else:
        about = " > ".join(shape.path) + (f": {shape.description}" if shape.description else "")
    comment = _comment([about], "")
    if not shape.fields:
        return f'{comment}{name} = TypedDict("{name}", {{}}, total=False)'
    entries = "".join(_entry(f, names) for f in shape.fields)
    opening = f'{comment}{name} = TypedDict(\n    "{name}",\n    {{\n'
    return f"{opening}{entries}    }},\n    total=False,\n)"


def _entry(field: Field, names: _Names) -> str:
    annotation = _annotation(field.type, field.nullable, names)
    if field.required:
        annotation = f"Required[{annotation}]"
    comment = _comment([field.description], " " * 8) if field.description else ""
    return f"{comment}        {_literal(field.wire)}: {annotation},\n"


def _annotation(type_: Type, nullable: bool, names: _Names) -> str:
    parts = list(dict.fromkeys(_kind(k, names) for k in type_.kinds()))
    if "Any" in parts:
        return "Any"
    return " | ".join(parts + (["None"] if nullable else []))


def _kind(kind: Type, names: _Names) -> str:
    if kind.kind == "enum":
        return f"Literal[{', '.join(_literal(v) for v in kind.literals)}]"
    if kind.kind == "object":
        return "dict[str, Any]" if kind.shape is None else names.type[id(kind.shape)]
    if kind.kind == "array":
        return f"list[{'Any' if kind.item is None else _annotation(kind.item, False, names)}]"
    simple = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
    return simple.get(kind.kind, "None" if kind.kind == "null" else "Any")


def _function(call: Call, names: _Names, checks: bool) -> str:
    payload = "traits" if call.call in _FIXED else "properties"
    type_name = names.type[id(call.payload)]
    # `= {}`, not `| None`: mypy names the wrong key only when the type is not a union. The
    # default is never changed (calls send a copy).
    first = f"{payload}: {type_name}" + ("" if call.required_payload else " = {}")
    params = [first, "*"]
    fields = (
        {}
        if call.call in _FIXED
        else {"event" if call.call is CallType.TRACK else "name": _literal(call.name)}
    )
    if call.call is CallType.GROUP:
        params.append("group_id: str")
        fields["group_id"] = "group_id"
    if call.call in (CallType.PAGE, CallType.SCREEN):
        params.append("category: str | None = None")
        fields["category"] = "category"
    params += [
        "user_id: str | None = None",
        "anonymous_id: str | None = None",
        "context: Mapping[str, Any] | None = None",
        "timestamp: datetime | None = None",
        "integrations: Mapping[str, Any] | None = None",
        "message_id: str | None = None",
    ]
    fields[payload] = f"dict({payload})"
    args = [
        _literal(call.call.value),
        "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}",
    ]
    if checks:
        args += [_literal(call.schema_path), _literal(call.label)]
    args += [f"{c}={c}" for c in _COMMON]
    lines = [f"def {names.function[id(call)]}(", *(f"    {p}," for p in params), ") -> None:"]
    lines.append(_docstring(_function_doc(call), "    "))
    if call.deprecated:
        message = _literal(f"{call.label} is deprecated in the tracking plan")
        lines += ["    warnings.warn(", f"        {message},", "        DeprecationWarning,"]
        lines += ["        stacklevel=2,", "    )"]
    lines += ["    _send(", *(f"        {a}," for a in args), "    )"]
    return "\n".join(lines)


def _function_doc(call: Call) -> list[str]:
    summary = {
        CallType.IDENTIFY: "Sends an identify call.",
        CallType.GROUP: "Sends a group call.",
    }.get(call.call, f'Sends the {call.call.value} call "{call.name}".')
    lines = [summary]
    if call.description:
        lines += ["", *call.description.splitlines()]
    notes = []
    if call.owner:
        notes.append(f"Owner: {call.owner}")
    if call.where:
        notes.append(f"Where: {', '.join(dict.fromkeys(call.where))}")
    if call.deprecated:
        notes.append("Deprecated: the plan marks this call deprecated; it warns when called.")
    return lines + (["", *notes] if notes else [])


# -- _schemas.py ---------------------------------------------------------------------------------


def _schemas_module(client: Client) -> str:
    text = json.dumps(client.schemas, indent=1, ensure_ascii=False)
    # split("\n"), not splitlines(): U+2028 and the like stay inside their JSON strings.
    literals = "".join(f"    {_literal(line + chr(10))}\n" for line in text.split("\n"))
    return (
        header(client, "#")
        + '"""The compiled JSON Schemas of the plan, by definition path (`tp compile` output)."""'
        + "\n\nfrom __future__ import annotations\n\nimport json\nfrom typing import Any\n\n"
        + f"SCHEMAS: dict[str, Any] = json.loads(\n{literals})\n"
    )


# -- text ----------------------------------------------------------------------------------------


_WIDTH = 100


def _spelled(ch: str) -> str:
    """A backslash or a character that is not printable (a control, a line or paragraph
    separator, a bidirectional override, a lone surrogate) as an escape."""
    return "\\\\" if ch == "\\" else spell(ch)


def _literal(value: str | int) -> str:
    """A Python literal: double quotes unless the text has only the other kind (as ruff format
    would write it); readable non-ASCII kept, hidden characters spelled as escapes."""
    if isinstance(value, int):
        return str(value)
    quote = "'" if '"' in value and "'" not in value else '"'
    return quote + "".join(_in_literal(ch, quote) for ch in value) + quote


def _in_literal(ch: str, quote: str) -> str:
    if ch == quote:
        return "\\" + ch
    if ch == "\\" or not ch.isprintable():
        return _spelled(ch)
    return ch


def _wrapped(lines: Iterable[str | None], width: int) -> list[str]:
    """Lines of plan text wrapped to `width`; white space (tabs, form feeds, ...) becomes spaces."""
    out: list[str] = []
    for line in lines:
        for part in (line or "").splitlines() or [""]:
            out += textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False)
            out += [] if part.strip() else [""]
    return out


def _docstring(lines: Iterable[str], indent: str) -> str:
    """A docstring that any text keeps intact: backslashes doubled, triple quotes and a final
    quote escaped, hidden characters spelled."""
    text = "\n".join(_wrapped(lines, _WIDTH - len(indent)))
    text = "".join(
        _spelled(ch) if ch == "\\" or not (ch.isprintable() or ch == "\n") else ch for ch in text
    )
    # A quote just before the closing `"""` would close it early; escaped before the triple
    # quotes are, it cannot be escaped twice.
    final_quote = '\\"' if text.endswith('"') else ""
    text = text.removesuffix('"').replace('"""', '\\"\\"\\"') + final_quote
    body = "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    closing = f"\n{indent}" if "\n" in text else ""
    return f'{indent}"""{body.lstrip()}{closing}"""'


def _comment(lines: Iterable[str | None], indent: str) -> str:
    return "".join(
        f"{indent}# {_visible(line)}".rstrip() + "\n"
        for line in _wrapped(lines, _WIDTH - len(indent) - 2)
    )


def _visible(line: str) -> str:
    return "".join(ch for ch in line if ch.isprintable())


# -- fixed parts of the generated code -----------------------------------------------------------

_RUNTIME = '''

class Analytics(Protocol):
    """What the client sends through: a `segment.analytics.Client`, or anything with its methods
    (only keyword arguments are passed)."""

    def track(self, *, event: str, properties: dict[str, Any], **common: Any) -> object: ...
    def identify(self, *, traits: dict[str, Any], **common: Any) -> object: ...
    def group(self, *, group_id: str, traits: dict[str, Any], **common: Any) -> object: ...
    def page(self, *, name: str, properties: dict[str, Any], **common: Any) -> object: ...
    def screen(self, *, name: str, properties: dict[str, Any], **common: Any) -> object: ...


_bound: Analytics | None = None


def bind(analytics: Analytics | None) -> None:
    """Send every call through `analytics` (a `segment.analytics.Client`); None: through the
    `segment.analytics` module's default client (configure its `write_key` and so on)."""
    global _bound
    _bound = analytics


def _analytics() -> Analytics:
    if _bound is not None:
        return _bound
    return cast(Analytics, importlib.import_module("segment.analytics"))


def _send(
    method: str,
    fields: dict[str, Any],<check_args>
    user_id: str | None,
    anonymous_id: str | None,
    context: Mapping[str, Any] | None,
    timestamp: datetime | None,
    integrations: Mapping[str, Any] | None,
    message_id: str | None,
) -> None:
    stamped = {**(context or {}), _STAMP_KEY: dict(_STAMP)}
    common: dict[str, Any] = {
        "user_id": user_id,
        "anonymous_id": anonymous_id,
        "context": stamped,
        "timestamp": timestamp,
        "integrations": dict(integrations or {}),
        "message_id": message_id,
    }<check_call>
    getattr(_analytics(), method)(**fields, **common)
'''

_MESSAGE = '''

_WIRE = {
    "group_id": "groupId",
    "user_id": "userId",
    "anonymous_id": "anonymousId",
    "message_id": "messageId",
}


def _message(method: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The message as Segment will receive it, for the schema (minus what the SDK adds)."""
    message: dict[str, Any] = {"type": method}
    for key, value in arguments.items():
        if value is not None:
            message[_WIRE.get(key, key)] = value
    if isinstance(message.get("timestamp"), datetime):
        message["timestamp"] = message["timestamp"].isoformat()
    return message
'''
