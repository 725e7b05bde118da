"""Swift client for analytics-swift (`import Segment`), in one file, `TrackingPlan.swift`.

Each payload is a `Codable` struct whose `CodingKeys` map Swift names to the planned wire names;
enums are `String`- or `Int`-backed with explicit raw values; nested objects are nested structs.
An `extension Analytics` has one method per call, and each method passes `TrackingPlan.stamp` as
the call's enrichment closure, which puts the plan's name and version in `context.tracking_plan`.

Required fields have no default; optional ones default to nil and are left out when nil; a
required nullable field is sent as null when nil. analytics-swift has no `page` call, so planned
pages get no method (the file lists them).
"""

from __future__ import annotations

from ..model import CallType
from . import docs
from .common import CodegenOptions, Language, header
from .ir import STAMP_KEY, Call, Client, Field, Shape, Type
from .names import Scope, Style

PATH = "TrackingPlan.swift"
PLAN_TYPE = "TrackingPlan"

KEYWORDS = frozenset(
    """associatedtype class deinit enum extension fileprivate func import init inout internal let
    open operator private precedencegroup protocol public rethrows static struct subscript
    typealias var break case catch continue default defer do else fallthrough for guard if in
    repeat return throw switch where while Any as await false is nil self Self super throws true
    try async actor some any get set willSet didSet mutating nonmutating override required
    convenience dynamic final lazy optional indirect unowned weak prefix postfix infix macro
    package consume copy borrowing consuming each Type Protocol""".split()
)
# Type names the generated code refers to: no generated type may shadow them.
USED_TYPES = frozenset(
    """Analytics Array Bool Codable CodingKey CodingKeys Decoder Dictionary Double Encodable
    Encoder Error Int JSON Never Optional RawEvent Segment String Swift Void""".split()
) | {PLAN_TYPE}
# Members of analytics-swift's `Analytics` and of the structs' own protocols: a generated method
# or property of the same name would overload or shadow them.
ANALYTICS_MEMBERS = frozenset(
    """add alias anonymousId apply configuration enabled find flush group identify log metric
    openURL pendingUploads process purgeStorage remove reset screen settings shared store storage
    timeline track traits userId version waitUntilStarted""".split()
)
MEMBER_NAMES = frozenset(
    "encode allCases debugDescription description hashValue intValue rawValue stringValue".split()
)

_SCALARS = {"string": "String", "integer": "Int", "number": "Double", "boolean": "Bool"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
_INT64 = range(-(2**63), 2**63)


def generate(client: Client, options: CodegenOptions) -> dict[str, str]:
    return {PATH: _Writer(client).source()}


def string_literal(text: str) -> str:
    """A Swift string literal for `text`: backslashes are escaped, so `\\(` cannot interpolate."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable():
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _doc(lines: list[str], indent: str) -> list[str]:
    """`///` doc comment lines; plan text cannot leave the comment (each line is its own)."""
    return [f"{indent}/// {line}".rstrip() for line in lines]


class _Writer:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.types = docs.Fresh(Scope(Style.PASCAL, reserved=KEYWORDS | USED_TYPES))

    def source(self) -> str:
        methods = docs.method_scope(self.client.calls, KEYWORDS | ANALYTICS_MEMBERS)
        calls = [c for c in self.client.calls if c.call is not CallType.PAGE]
        pages = [c.name for c in self.client.calls if c.call is CallType.PAGE]
        out = [header(self.client, "//"), "import Segment", ""]
        if pages:
            out += ["// analytics-swift has no page call; these planned pages get no method:"]
            out += [f"// - {docs.one_line(page)}" for page in pages]
            out.append("")
        out += self._plan_type()
        bodies: list[str] = []
        method_lines: list[str] = []
        for call in calls:
            type_name = None
            if call.payload.fields:
                type_name = self.types.name(docs.type_words(call))
                lines = docs.payload_doc(call)
                bodies += ["", *self._struct(call.payload, (type_name,), lines, call)]
            method_lines += [
                "",
                *self._method(call, methods.name(docs.method_words(call)), type_name),
            ]
        out += ["", "extension Analytics {", *method_lines[1:], "}", *bodies]
        return "\n".join(out) + "\n"

    def _plan_type(self) -> list[str]:
        about = [
            "The tracking plan this client was generated from. Every method below passes",
            f"`stamp` as its call's enrichment, which sets `context.{STAMP_KEY}`.",
        ]
        value = '.object(["name": .string(name), "version": .string(version)])'
        return [
            *_doc(about, ""),
            f"public enum {PLAN_TYPE} {{",
            f"    public static let name = {string_literal(self.client.plan)}",
            f"    public static let version = {string_literal(self.client.version)}",
            "",
            "    public static func stamp(_ event: RawEvent?) -> RawEvent? {",
            "        guard var event = event else { return nil }",
            "        var context: [String: JSON] = [:]",
            "        if case .object(let fields)? = event.context {",
            "            context = fields",
            "        }",
            f"        context[{string_literal(STAMP_KEY)}] = {value}",
            "        event.context = .object(context)",
            "        return event",
            "    }",
            "}",
        ]

    def _method(self, call: Call, name: str, type_name: str | None) -> list[str]:
        stamp = f"enrichments: [{PLAN_TYPE}.stamp]"
        wire = string_literal(call.name)
        if call.call is CallType.IDENTIFY:
            params = ["userId: String"]
            body = f"identify(userId: userId, traits: traits, {stamp})"
            if type_name is None:
                body = f"identify(userId: userId, {stamp})"
        elif call.call is CallType.GROUP:
            params = ["groupId: String"]
            # The typed group(groupId:traits:enrichments:) drops its enrichments in the
            # analytics-swift sources seen; the untyped one keeps them, so the traits go through
            # it as a dictionary.
            traits = "try? JSON(with: traits).dictionaryValue"
            body = f"group(groupId: groupId, traits: {traits}, {stamp})"
            if type_name is None:
                body = f"group(groupId: groupId, {stamp})"
        elif call.call is CallType.SCREEN:
            params = []
            body = f"screen(title: {wire}, category: nil, properties: properties, {stamp})"
            if type_name is None:
                body = f"screen(title: {wire}, category: nil, {stamp})"
        else:
            params = []
            body = f"track(name: {wire}, properties: properties, {stamp})"
            if type_name is None:
                body = f"track(name: {wire}, {stamp})"
        if type_name is not None:
            payload = "traits" if call.payload_field == "traits" else "_ properties"
            params.append(f"{payload}: {type_name}")
        lines = docs.method_doc(call, type_name is not None)
        return [
            *_doc(lines, "    "),
            *_deprecation(call, "    "),
            f"    public func {name}({', '.join(params)}) {{",
            f"        {body}",
            "    }",
        ]

    def _struct(
        self, shape: Shape, path: tuple[str, ...], lines: list[str], call: Call | None
    ) -> list[str]:
        indent = "    " * (len(path) - 1)
        inner = indent + "    "
        props = Scope(Style.CAMEL, reserved=KEYWORDS | MEMBER_NAMES)
        names = [props.name(f.wire) for f in shape.fields]
        # Types and properties share a struct's names; only `_`-led names look alike in both.
        taken = [*path, *(n for n in names if n.startswith("_"))]
        nest = docs.Nest(path, docs.Fresh(Scope(Style.PASCAL, KEYWORDS | USED_TYPES, taken)))
        types = [self._field_type(f, nest) for f in shape.fields]
        out = [*_doc(lines, indent), *(_deprecation(call, indent) if call else [])]
        out.append(f"{indent}public struct {path[-1]}: Codable {{")
        for f, name, type_ in zip(shape.fields, names, types, strict=True):
            out += [*_doc(docs.field_doc(f), inner), f"{inner}public var {name}: {type_}"]
        out += ["", f"{inner}public init("]
        params = [
            f"{inner}    {n}: {t}" + ("" if f.required else " = nil")
            for f, n, t in zip(shape.fields, names, types, strict=True)
        ]
        out += [",\n".join(params), f"{inner}) {{"]
        out += [f"{inner}    self.{n} = {n}" for n in names]
        out += [f"{inner}}}", "", f"{inner}enum CodingKeys: String, CodingKey {{"]
        out += [
            f"{inner}    case {n} = {string_literal(f.wire)}"
            for f, n in zip(shape.fields, names, strict=True)
        ]
        out += [f"{inner}}}", "", f"{inner}public func encode(to encoder: Encoder) throws {{"]
        out.append(f"{inner}    var container = encoder.container(keyedBy: CodingKeys.self)")
        for f, n in zip(shape.fields, names, strict=True):
            how = "encode" if f.required else "encodeIfPresent"
            out.append(f"{inner}    try container.{how}(self.{n}, forKey: .{n})")
        out.append(f"{inner}}}")
        return [*out, *nest.lines, f"{indent}}}"]

    def _field_type(self, f: Field, nest: docs.Nest) -> str:
        type_ = self._type(f.type, (f.wire,), nest)
        return f"{type_}?" if f.nullable or not f.required else type_

    def _type(self, t: Type, words: tuple[str, ...], nest: docs.Nest) -> str:
        if t.alternatives:
            return "JSON"
        if t.kind == "enum":
            return self._enum(t.literals, words, nest)
        if t.kind == "object":
            if t.shape is None:
                return "[String: JSON]"
            path = nest.child(words)
            nest.lines += [
                "",
                *self._struct(t.shape, path, docs.text_lines(t.shape.description), None),
            ]
            return ".".join(path)
        if t.kind == "array":
            return f"[{self._type(t.item, (*words, 'item'), nest)}]" if t.item else "[JSON]"
        return _SCALARS.get(t.kind, "JSON")

    def _enum(
        self, literals: tuple[str | int, ...], words: tuple[str, ...], nest: docs.Nest
    ) -> str:
        if all(isinstance(v, str) for v in literals):
            raw, values = "String", [string_literal(str(v)) for v in literals]
        elif all(isinstance(v, int) and v in _INT64 for v in literals):
            raw, values = "Int", [str(v) for v in literals]
        else:
            return "JSON"  # mixed strings and numbers: no single raw type
        path = nest.child(words)
        indent = "    " * (len(path) - 1)
        cases = Scope(Style.CAMEL, reserved=KEYWORDS | MEMBER_NAMES)
        nest.lines += ["", f"{indent}public enum {path[-1]}: {raw}, Codable {{"]
        nest.lines += [
            f"{indent}    case {cases.name(docs.case_words(v))} = {value}"
            for v, value in zip(literals, values, strict=True)
        ]
        nest.lines.append(f"{indent}}}")
        return ".".join(path)


def _deprecation(call: Call, indent: str) -> list[str]:
    if not call.deprecated:
        return []
    message = string_literal(f"{call.label} is deprecated in the tracking plan")
    return [f"{indent}@available(*, deprecated, message: {message})"]


LANGUAGE = Language(
    name="swift", generate=generate, sdks=("analytics-swift",), runtime_checks=False
)
