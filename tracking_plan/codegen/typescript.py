"""TypeScript clients for `@segment/analytics-next` (browsers) and `@segment/analytics-node`.

`index.ts` holds an exported interface per payload (nested objects as named types, enums as
literal unions), a `TrackingClient` interface with a documented function per call, and
`createTrackingClient(analytics)` that binds those functions to an SDK instance. With
`--runtime-checks`, `runtime.ts` adds a small JSON Schema validator (`codegen/runtime/`) and
the plan's payload schemas; without it no validator code is generated. The comment at the top
of `index.ts` tells the app developer how to use the client and why it is shaped the way it is.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from ..model import CallType
from ..printable import printable
from .common import CodegenOptions, Language, header, runtime_file
from .ir import STAMP_KEY, Call, Client, Shape, Type
from .names import Scope, Style

NEXT = "analytics-next"
NODE = "analytics-node"
WIDTH = 100  # doc comments are wrapped, long signatures broken, at this width

# Reserved words of JavaScript and TypeScript: never a generated function name (an object key
# may be one, but then it cannot be destructured).
RESERVED = frozenset(
    """abstract any as async await boolean break case catch class const constructor continue
    debugger declare default delete do else enum export extends false finally for from function
    get if implements import in infer instanceof interface is keyof let module namespace never new
    null number object of package private protected public readonly require return satisfies set
    static string super switch symbol this throw true try type typeof undefined unique unknown
    var void while with yield""".split()
)

# Type names index.ts declares, imports or uses from the standard library: a payload type of
# the same name gets a numeric suffix instead of shadowing them.
TAKEN_TYPES = frozenset(
    """Array Boolean CallContext Context Date Error GroupOptions GroupParams IdentifyOptions
    IdentifyParams JSON Map Math NonNullable Number Object Omit Options PageOptions PageParams
    Partial Pick Promise PropertyKey ReadonlyArray Record RegExp SegmentAnalytics Set String
    Symbol TrackOptions TrackParams TrackingClient Violation ViolationHandler Without""".split()
)

# The JSON Schema keywords the runtime validator understands; others are left out of the
# embedded schemas (descriptions and examples are documentation, not checks).
CHECKED_KEYWORDS = frozenset(
    """type enum const required properties additionalProperties items minimum maximum
    exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern format anyOf
    minItems maxItems uniqueItems""".split()
)


@dataclass(frozen=True, slots=True)
class Identifiers:
    """The names generated code uses: `functions[i]` is the `TrackingClient` member of
    `client.calls[i]`; `types` maps a `Shape.path` to its exported type name."""

    functions: tuple[str, ...]
    types: dict[tuple[str, ...], str]


def identifiers(client: Client) -> Identifiers:
    """Names in plan order, so adding a call never renames an earlier one. `identify` and
    `group` are always kept for those calls; a track event named "Identify" gets `identify2`."""
    fixed = {CallType.IDENTIFY: "identify", CallType.GROUP: "group"}
    functions = Scope(Style.CAMEL, reserved=RESERVED, taken=fixed.values())
    types = Scope(Style.PASCAL, reserved=RESERVED, taken=TAKEN_TYPES)
    function_names: list[str] = []
    type_names: dict[tuple[str, ...], str] = {}
    for call in client.calls:
        if call.call in fixed:
            function_names.append(fixed[call.call])
        else:
            words = [call.name] if call.call is CallType.TRACK else [call.name, call.call.value]
            function_names.append(functions.name(json.dumps(words, ensure_ascii=False)))
        for shape in (call.payload, *call.payload.nested()):
            # The JSON of the path keys the scope: distinct paths never share a name.
            type_names[shape.path] = types.name(json.dumps(shape.path, ensure_ascii=False))
    return Identifiers(tuple(function_names), type_names)


def generate(client: Client, options: CodegenOptions) -> dict[str, str]:
    sdk = NODE if options.sdk == NODE else NEXT
    names = identifiers(client)
    files = {"index.ts": _index(client, names, sdk, options.runtime_checks)}
    if options.runtime_checks:
        files["runtime.ts"] = header(client, "//") + "\n" + _runtime(client)
    return files


LANGUAGE = Language(name="typescript", generate=generate, sdks=(NEXT, NODE), runtime_checks=True)


# -- literals, keys and comments ------------------------------------------------------------------


def literal(value: str | int) -> str:
    """A TypeScript literal: JSON escaping, which TypeScript reads back unchanged (no HTML
    escaping; `${x}` is literal inside double quotes)."""
    return _json(value)


def _json(value: Any, indent: int | None = None) -> str:
    """`value` as JSON that is also TypeScript source with the same value: readable non-ASCII
    kept, characters that are not printable (U+2028 ends a line in older engines, U+202E reorders
    what a reader sees) escaped as `\\uXXXX`, and a `__proto__` key computed, which an object
    literal would take for the object's prototype. JSON escapes the characters below U+0020 in
    strings, so a raw line break is one that `indent` put between values."""
    text = _PROTO_KEY.sub('["__proto__"]:', json.dumps(value, ensure_ascii=False, indent=indent))
    if text.isascii():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _utf16_escape(ch) for ch in text)


# A key's opening quote follows `{` or white space; a quote inside a string follows `\`.
_PROTO_KEY = re.compile(r'(?<=[{\s])"__proto__":')


def _utf16_escape(ch: str) -> str:
    data = ch.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{data[i]:02x}{data[i + 1]:02x}" for i in range(0, len(data), 2))


def _key(wire: str) -> str:
    """A property key: the wire name itself when it is a plain identifier, else quoted."""
    plain = wire.isascii() and wire.replace("_", "a").replace("$", "a").isalnum()
    return wire if plain and not wire[0].isdigit() else literal(wire)


def _comment_lines(text: str, width: int) -> list[str]:
    """Doc comment lines of `text`: split at its line breaks, without the characters that are not
    printable (bidirectional overrides, controls)."""
    lines = ["".join(ch for ch in line if ch.isprintable()) for line in text.strip().splitlines()]
    if not text.startswith("```"):  # prose is wrapped, code blocks keep their lines
        lines = [
            part
            for line in lines
            for part in textwrap.wrap(line, width, break_on_hyphens=False) or [""]
        ]
    # `*/` would end the comment early; `*\/` reads the same in a doc popup.
    return [line.rstrip().replace("*/", "*\\/") for line in lines]


def _doc(paragraphs: list[str], indent: str) -> str:
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines and not paragraph.startswith("@"):
            lines.append("")
        lines.extend(_comment_lines(paragraph, WIDTH - len(indent) - 3))
    if not lines:
        return ""
    if len(lines) == 1 and len(lines[0]) <= WIDTH - len(indent) - 7:
        return f"{indent}/** {lines[0]} */\n"
    body = "".join(f"{indent} *{' ' + line if line else ''}\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


# -- types ---------------------------------------------------------------------------------------


def _type(kind: Type, names: Identifiers) -> str:
    parts = [_single(k, names) for k in kind.kinds()]
    return " | ".join(dict.fromkeys(parts))


def _single(kind: Type, names: Identifiers) -> str:
    if kind.kind == "enum":
        return " | ".join(literal(v) for v in kind.literals)
    if kind.kind == "object":
        return "Record<string, unknown>" if kind.shape is None else names.types[kind.shape.path]
    if kind.kind == "array":
        if kind.item is None:
            return "unknown[]"
        item = _type(kind.item, names)
        return f"({item})[]" if " " in item else f"{item}[]"
    if kind.kind == "integer":
        return "number"
    if kind.kind == "any":
        return "unknown"
    return kind.kind  # string, number, boolean, null


def _interface(shape: Shape, doc: list[str], names: Identifiers) -> str:
    lines = [_doc(doc, ""), f"export interface {names.types[shape.path]} {{\n"]
    if not shape.fields:
        # Nothing may be sent: `{}` would accept any object (no excess-property check) and
        # even a string.
        lines.append("  [key: string]: never;\n")
    for field in shape.fields:
        text = _type(field.type, names)
        if field.nullable and text != "unknown":
            text += " | null"
        notes = [field.description or ""]
        if field.type.formats:
            notes.append(f"Format: {' or '.join(field.type.formats)}.")
        lines.append(_doc([n for n in notes if n], "  "))
        optional = "" if field.required else "?"
        lines.append(f"  {_key(field.wire)}{optional}: {text};\n")
    lines.append("}\n")
    return "".join(lines)


def _payload_doc(call: Call) -> list[str]:
    what = "Traits" if call.payload_field == "traits" else "Properties"
    target = f" {literal(call.name)}" if call.name else ""
    return [f"{what} of `{call.call.value}`{target}.", call.description or ""]


def _types(client: Client, names: Identifiers) -> str:
    blocks = []
    for call in client.calls:
        blocks.append(_interface(call.payload, [d for d in _payload_doc(call) if d], names))
        for shape in call.payload.nested():
            blocks.append(_interface(shape, [shape.description or ""], names))
    return "\n".join(blocks)


# -- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Function:
    """One `TrackingClient` member: its parameters, the payload it sends and how."""

    parameters: str
    returns: str
    arguments: str  # the parameter names, for the implementation
    payload: str  # the payload expression, sent and checked
    send: str


def _function(call: Call, payload_type: str, sdk: str) -> _Function:
    name = literal(call.name)
    value = call.payload_field  # the parameter: `properties` or `traits`
    if sdk == NEXT:
        optional = "" if call.required_payload else "?"
        payload = value if call.required_payload else f"{value} ?? {{}}"
        head, args = f"{value}{optional}: {payload_type}", value
        if call.call is CallType.TRACK:
            send = f"analytics.track({name}, {payload}, withStamp(options))"
        elif call.call in (CallType.PAGE, CallType.SCREEN):
            send = f"analytics.{call.call.value}(null, {name}, {payload}, withStamp(options))"
        else:
            who = "userId" if call.call is CallType.IDENTIFY else "groupId"
            who_type = "string | null" if call.call is CallType.IDENTIFY else "string"
            head, args = f"{who}: {who_type}, {head}", f"{who}, {value}"
            send = f"analytics.{call.call.value}({who}, {payload}, withStamp(options))"
        return _Function(
            f"{head}, options?: Options", "Promise<Context>", f"{args}, options", payload, send
        )
    # analytics-node takes one message object; its identity makes `options` required.
    option_type = {
        CallType.TRACK: "TrackOptions",
        CallType.IDENTIFY: "IdentifyOptions",
        CallType.GROUP: "GroupOptions",
    }.get(call.call, "PageOptions")
    route = {CallType.TRACK: "event", CallType.PAGE: "name", CallType.SCREEN: "name"}
    fields = ["...options"]
    if call.call in route:
        fields.append(f"{route[call.call]}: {name}")
    fields += [value, "context: stamp(options.context)"]
    message = "".join(f"        {field},\n" for field in fields)
    return _Function(
        f"{value}: {payload_type}, options: {option_type}",
        "void",
        f"{value}, options",
        value,
        f"analytics.{call.call.value}({{\n{message}      }})",
    )


def _call_doc(call: Call) -> list[str]:
    facts = [f"Sends `{call.call.value}`" + (f" {literal(call.name)}" if call.name else "")]
    if call.owner:
        facts.append(f"owner: {call.owner}")
    if call.where:  # platforms, then the side, which may repeat one ("server")
        facts.append(f"fired from: {', '.join(dict.fromkeys(call.where))}")
    doc = [call.description or "", "; ".join(facts) + "."]
    if call.deprecated:
        doc.append("@deprecated The tracking plan marks this call as deprecated.")
    return [d for d in doc if d]


def _client(client: Client, names: Identifiers, sdk: str, runtime_checks: bool) -> str:
    members, bodies = [], []
    for call, function_name in zip(client.calls, names.functions, strict=True):
        spec = _function(call, names.types[call.payload.path], sdk)
        signature = f"  {function_name}({spec.parameters}): {spec.returns};\n"
        if len(signature) > WIDTH:
            parameters = "".join(f"    {p},\n" for p in spec.parameters.split(", "))
            signature = f"  {function_name}(\n{parameters}  ): {spec.returns};\n"
        members.append(_doc(_call_doc(call), "  ") + signature)
        check = f"      check({literal(call.schema_path)}, {spec.payload});\n"
        bodies.append(
            f"    {function_name}: ({spec.arguments}) => {{\n"
            f"{check if runtime_checks else ''}      return {spec.send};\n    }},\n"
        )
    return (
        "/** A typed function per call of the tracking plan. */\n"
        "export interface TrackingClient {\n"
        + "\n".join(members)
        + "}\n\n"
        + "/** Binds the tracking plan's functions to an analytics instance. */\n"
        + "export function createTrackingClient(analytics: SegmentAnalytics): TrackingClient {\n"
        + "  return {\n"
        + "".join(bodies)
        + "  };\n}\n"
    )


def _example(client: Client, names: Identifiers, sdk: str) -> list[str]:
    """A few lines that bind the client and make its first call."""
    if sdk == NEXT:
        lines = [
            f'import {{ AnalyticsBrowser }} from "@segment/{NEXT}";',
            'import { createTrackingClient } from "./tracking";',
            "",
            'const analytics = AnalyticsBrowser.load({ writeKey: "..." });',
        ]
        identity = ""
    else:
        lines = [
            f'import {{ Analytics }} from "@segment/{NODE}";',
            'import { createTrackingClient } from "./tracking";',
            "",
            'const analytics = new Analytics({ writeKey: "..." });',
        ]
        identity = ', { userId: "..." }'
    lines.append("export const tracking = createTrackingClient(analytics);")
    if client.calls and client.calls[0].call is CallType.TRACK:
        lines.append(f"tracking.{names.functions[0]}({{ ... }}{identity});")
    return ["```ts", *lines, "```"]


def _overview(client: Client, names: Identifiers, sdk: str) -> str:
    package = f"@segment/{sdk}"
    if sdk == NEXT:
        sdk_notes = (
            "Any instance with analytics-next's track, identify, group, page and screen works: "
            "`AnalyticsBrowser` or the `Analytics` it resolves to. Functions return the SDK's "
            "`Promise<Context>`. `identify(null, traits)` keeps the current user id. Pages and "
            "screens are sent with a `null` category: the plan names them and has no categories."
        )
    else:
        sdk_notes = (
            "Functions take the payload, then the rest of analytics-node's parameters: "
            "`userId` or `anonymousId`, and `timestamp`, `context`, `integrations`, "
            "`messageId`; `groupId` for group, `category` for pages and screens."
        )
    paragraphs = [
        f"A typed client for the tracking plan {literal(client.plan)} "
        f"{printable(client.version)}, "
        f"for `{package}`. Bind it to your analytics instance once and call its functions:",
        "\n".join(_example(client, names, sdk)),
        sdk_notes,
        'Wire names are sent exactly as planned (`"order id"` stays a quoted key). Every call '
        f"puts the plan's `{{ name, version }}` in `context.{STAMP_KEY}`, over any context "
        "you pass.",
        "Payload types have no index signature, also where the plan lets unplanned properties "
        "through: an index signature would switch off TypeScript's excess-property check, the "
        "check that catches a misspelled optional property in an object literal. To send an "
        "unplanned property, pass an object variable (it may carry extra keys) instead of a "
        "literal.",
    ]
    return _doc(paragraphs, "")


def _preamble(client: Client, sdk: str, runtime_checks: bool) -> str:
    stamp = ", ".join(f"{key}: {literal(value)}" for key, value in client.stamp.items())
    lines = [f'import type {{ Context, Options }} from "@segment/{NEXT}";\n']
    context_of = "Options"
    if sdk == NODE:
        lines = [
            "import type { GroupParams, IdentifyParams, PageParams, TrackParams } "
            f'from "@segment/{NODE}";\n'
        ]
        context_of = "TrackParams"
    if runtime_checks:
        lines.append('import { check } from "./runtime.js";\n')
        lines.append('\nexport { setViolationHandler } from "./runtime.js";\n')
        lines.append('export type { Violation, ViolationHandler } from "./runtime.js";\n')
    lines.append(
        "\n/** The plan this client was generated from, sent as "
        f"`context.{STAMP_KEY}` by every call. */\n"
        f"export const TRACKING_PLAN = {{ {stamp} }} as const;\n\n"
        f'type CallContext = NonNullable<{context_of}["context"]>;\n\n'
        "function stamp(context: CallContext | undefined): CallContext {\n"
        f"  return {{ ...context, {_key(STAMP_KEY)}: TRACKING_PLAN }};\n}}\n"
    )
    if not runtime_checks:
        lines.append(_NO_CHECKS)
    lines.append(_NEXT_SDK if sdk == NEXT else _NODE_SDK)
    return "".join(lines)


_NO_CHECKS = """
/** What a runtime check reports; this build has no runtime checks (`tp codegen
 * --runtime-checks` generates them), so nothing is ever reported. */
export interface Violation {
  readonly call: string;
  readonly name: string;
  readonly schema: string;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

export type ViolationHandler = (violation: Violation) => void;

/** Does nothing in this build: it has no runtime checks. Kept so that app code compiles
 * against both builds. */
export function setViolationHandler(_handler: ViolationHandler | null): void {}
"""

_NEXT_SDK = """
/** What the client needs of an analytics-next instance (`AnalyticsBrowser` or `Analytics`).
 * Payloads are typed by the plan, not by Segment's reserved traits, hence `object`. */
export interface SegmentAnalytics {
  track(event: string, properties?: object, options?: Options): Promise<Context>;
  identify(userId: string | null, traits?: object, options?: Options): Promise<Context>;
  group(groupId: string, traits?: object, options?: Options): Promise<Context>;
  page(
    category: string | null,
    name: string,
    properties?: object,
    options?: Options,
  ): Promise<Context>;
  screen(
    category: string | null,
    name: string,
    properties?: object,
    options?: Options,
  ): Promise<Context>;
}

function withStamp(options: Options | undefined): Options {
  return { ...options, context: stamp(options?.context) };
}
"""

_NODE_SDK = """
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** analytics-node's track parameters but the event and its properties. */
export type TrackOptions = Without<TrackParams, "event" | "properties">;
/** analytics-node's identify parameters but the traits. */
export type IdentifyOptions = Without<IdentifyParams, "traits">;
/** analytics-node's group parameters (with `groupId`) but the traits. */
export type GroupOptions = Without<GroupParams, "traits">;
/** analytics-node's page and screen parameters but the name and properties. */
export type PageOptions = Without<PageParams, "name" | "properties">;

/** What the client needs of an analytics-node `Analytics` instance. Payloads are typed by the
 * plan, not by Segment's reserved traits, hence `object`. */
export interface SegmentAnalytics {
  track(message: TrackOptions & { event: string; properties: object }): void;
  identify(message: IdentifyOptions & { traits: object }): void;
  group(message: GroupOptions & { traits: object }): void;
  page(message: PageOptions & { name: string; properties: object }): void;
  screen(message: PageOptions & { name: string; properties: object }): void;
}
"""


def _index(client: Client, names: Identifiers, sdk: str, runtime_checks: bool) -> str:
    return "\n".join(
        [
            header(client, "//") + "\n" + _overview(client, names, sdk),
            _preamble(client, sdk, runtime_checks),
            _types(client, names),
            _client(client, names, sdk, runtime_checks),
        ]
    )


# -- runtime checks ------------------------------------------------------------------------------


def _checked(schema: Any) -> Any:
    """`schema` with only the keywords the validator understands."""
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in CHECKED_KEYWORDS:
            continue
        if key == "properties":
            kept[key] = {name: _checked(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties"):
            kept[key] = _checked(value)
        elif key == "anyOf":
            kept[key] = [_checked(option) for option in value]
        else:
            kept[key] = value
    return kept


def _runtime(client: Client) -> str:
    entries = []
    for call in client.calls:
        payload = client.schemas[call.schema_path]["properties"][call.payload_field]
        entry = {
            "call": call.call.value,
            "name": call.name,
            "field": call.payload_field,
            "schema": _checked(payload),
        }
        text = _json(entry, indent=2).replace("\n", "\n  ")
        entries.append(f"  {literal(call.schema_path)}: {text},\n")
    return runtime_file("runtime.ts").replace("__PAYLOADS__", "".join(entries))
