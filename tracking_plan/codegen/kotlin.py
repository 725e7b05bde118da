"""Kotlin client for analytics-kotlin with kotlinx.serialization, in one file, `TrackingPlan.kt`
(package `trackingplan`).

Each payload is a `@Serializable data class` whose properties carry `@SerialName` with the planned
wire name; enums are `@Serializable enum class`es with `@SerialName` per value (integer enums
serialize as numbers); nested objects are nested classes. An extension function on `Analytics`
per call serializes the payload with its generated serializer and passes `TrackingPlan.stamp` as
the call's enrichment closure, which puts the plan's name and version in
`context.tracking_plan`.

Required fields have no default; optional ones default to null, which kotlinx.serialization
leaves out (`encodeDefaults` is off in the `Json` the SDK uses); a required nullable field is
sent as null. analytics-kotlin has no `page` call, so planned pages get no function (the file
lists them).
"""

from __future__ import annotations

from ..model import CallType
from . import docs
from .common import CodegenOptions, Language, header
from .ir import STAMP_KEY, Call, Client, Shape, Type
from .names import Scope, Style

PATH = "TrackingPlan.kt"
PACKAGE = "trackingplan"
PLAN_TYPE = "TrackingPlan"

KEYWORDS = frozenset(
    """as break class continue do else false for fun if in interface is null object package
    return super this throw true try typealias typeof val var when while""".split()
)
# Type names the generated code refers to: no generated type may shadow them.
USED_TYPES = frozenset(
    """Analytics Any Array BaseEvent Boolean Companion Decoder Deprecated Double Encoder
    EnrichmentClosure IllegalArgumentException Int JsonArray JsonElement JsonObject JsonPrimitive
    KSerializer List Long Nothing PrimitiveKind PrimitiveSerialDescriptor SerialDescriptor
    SerialName Serializable Serializer String Unit""".split()
) | {PLAN_TYPE}
# Members of analytics-kotlin's `Analytics` (a member beats an extension of the same name) and
# the functions the generated code calls.
ANALYTICS_MEMBERS = frozenset(
    """add alias anonymousId applyClosureToPlugins configuration find findAll flush group
    identify pendingUploads process purgeStorage remove reset screen serializer settings
    shutdown store storage track traits userId version""".split()
)

_SCALARS = {"string": "String", "integer": "Long", "number": "Double", "boolean": "Boolean"}
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "$": "\\$",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
}
_INT64 = range(-(2**63), 2**63)
_IMPORTS = {
    "JsonArray": "kotlinx.serialization.json.JsonArray",
    "JsonElement": "kotlinx.serialization.json.JsonElement",
    "JsonObject": "kotlinx.serialization.json.JsonObject",
}
_INT_ENUM_IMPORTS = (
    "kotlinx.serialization.KSerializer",
    "kotlinx.serialization.descriptors.PrimitiveKind",
    "kotlinx.serialization.descriptors.PrimitiveSerialDescriptor",
    "kotlinx.serialization.descriptors.SerialDescriptor",
    "kotlinx.serialization.encoding.Decoder",
    "kotlinx.serialization.encoding.Encoder",
)


def generate(client: Client, options: CodegenOptions) -> dict[str, str]:
    return {PATH: _Writer(client).source()}


def string_literal(text: str) -> str:
    """A Kotlin string literal for `text`: `$` is escaped, so nothing is a template."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable():
            data = ch.encode("utf-16-be")
            out += [f"\\u{data[i]:02x}{data[i + 1]:02x}" for i in range(0, len(data), 2)]
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _kdoc(lines: list[str], indent: str) -> list[str]:
    """A KDoc comment; `/*` and `*/` in plan text are split so they cannot open or end one."""
    if not lines:
        return []
    safe = []
    for line in lines:
        while "/*" in line or "*/" in line:
            line = line.replace("/*", "/ *").replace("*/", "* /")
        safe.append(line)
    if len(safe) == 1:
        return [f"{indent}/** {safe[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in safe), f"{indent} */"]


class _Writer:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.types = docs.Fresh(Scope(Style.PASCAL, reserved=KEYWORDS | USED_TYPES))
        self.imports = {
            "com.segment.analytics.kotlin.core.Analytics",
            "com.segment.analytics.kotlin.core.EnrichmentClosure",
            "kotlinx.serialization.json.JsonObject",
            "kotlinx.serialization.json.JsonPrimitive",
        }

    def source(self) -> str:
        functions = docs.method_scope(self.client.calls, KEYWORDS | ANALYTICS_MEMBERS)
        body: list[str] = []
        for call in self.client.calls:
            if call.call is CallType.PAGE:
                continue
            type_name = None
            if call.payload.fields:
                type_name = self.types.name(docs.type_words(call))
                lines = docs.payload_doc(call)
                body += ["", *self._data_class(call.payload, (type_name,), lines, call)]
            body += ["", *self._function(call, functions.name(docs.method_words(call)), type_name)]
        pages = [c.name for c in self.client.calls if c.call is CallType.PAGE]
        out = [header(self.client, "//"), f"package {PACKAGE}", ""]
        out += [f"import {name}" for name in sorted(self.imports)]
        if pages:
            out += [
                "",
                "// analytics-kotlin has no page call; these planned pages get no function:",
            ]
            out += [f"// - {docs.one_line(page)}" for page in pages]
        out += ["", *self._plan_object(), *body]
        return "\n".join(out) + "\n"

    def _plan_object(self) -> list[str]:
        about = [
            "The tracking plan this client was generated from. Every function below",
            f"passes [stamp] as its call's enrichment, which sets `context.{STAMP_KEY}`.",
        ]
        value = (
            'JsonObject(mapOf("name" to JsonPrimitive(NAME), "version" to JsonPrimitive(VERSION)))'
        )
        key = string_literal(STAMP_KEY)
        return [
            *_kdoc(about, ""),
            f"object {PLAN_TYPE} {{",
            f"    const val NAME: String = {string_literal(self.client.plan)}",
            f"    const val VERSION: String = {string_literal(self.client.version)}",
            "",
            f"    private val value: JsonObject = {value}",
            "",
            "    val stamp: EnrichmentClosure = { event ->",
            "        event?.apply {",
            f"            context = JsonObject(context + ({key} to value))",
            "        }",
            "    }",
            "}",
        ]

    def _function(self, call: Call, name: str, type_name: str | None) -> list[str]:
        stamp = f"enrichment = {PLAN_TYPE}.stamp"
        wire = string_literal(call.name)
        payload = "traits" if call.payload_field == "traits" else "properties"
        typed = f"{payload}, serializer<{type_name}>(), {stamp}"
        if call.call is CallType.IDENTIFY:
            params = ["userId: String"]
            args = f"userId, {typed}" if type_name else f"userId, {stamp}"
            body = f"identify({args})"
        elif call.call is CallType.GROUP:
            params = ["groupId: String"]
            args = f"groupId, {typed}" if type_name else f"groupId, {stamp}"
            body = f"group({args})"
        elif call.call is CallType.SCREEN:
            params = []
            body = f"screen({wire}, {typed})" if type_name else f"screen({wire}, {stamp})"
        else:
            params = []
            body = f"track({wire}, {typed})" if type_name else f"track({wire}, {stamp})"
        if type_name is not None:
            self.imports.add("kotlinx.serialization.serializer")
            params.append(f"{payload}: {type_name}")
        lines = docs.method_doc(call, type_name is not None)
        # A deprecated function still warns where it names its deprecated class.
        suppress = ['@Suppress("DEPRECATION")'] if call.deprecated else []
        return [
            *_kdoc(lines, ""),
            *_deprecation(call, ""),
            *suppress,
            f"fun Analytics.{name}({', '.join(params)}) {{",
            f"    {body}",
            "}",
        ]

    def _data_class(
        self, shape: Shape, path: tuple[str, ...], lines: list[str], call: Call | None
    ) -> list[str]:
        self.imports |= {"kotlinx.serialization.SerialName", "kotlinx.serialization.Serializable"}
        indent = "    " * (len(path) - 1)
        inner = indent + "    "
        props = Scope(Style.CAMEL, reserved=KEYWORDS)
        names = [props.name(f.wire) for f in shape.fields]
        # A nested class may not share a property's name; only `_`-led names look alike in both.
        taken = [*path, *(n for n in names if n.startswith("_"))]
        nest = docs.Nest(path, docs.Fresh(Scope(Style.PASCAL, KEYWORDS | USED_TYPES, taken)))
        out = [*_kdoc(lines, indent), *(_deprecation(call, indent) if call else [])]
        out += [f"{indent}@Serializable", f"{indent}data class {path[-1]}("]
        for f, name in zip(shape.fields, names, strict=True):
            type_ = self._type(f.type, (f.wire,), nest)
            if f.nullable or not f.required:
                type_ += "?"
            default = "" if f.required else " = null"
            out += [
                *_kdoc(docs.field_doc(f), inner),
                f"{inner}@SerialName({string_literal(f.wire)})",
                f"{inner}val {name}: {type_}{default},",
            ]
        if not nest.lines:
            return [*out, f"{indent})"]
        return [*out, f"{indent}) {{", *nest.lines[1:], f"{indent}}}"]

    def _type(self, t: Type, words: tuple[str, ...], nest: docs.Nest) -> str:
        if t.alternatives:
            return self._json("JsonElement")
        if t.kind == "enum":
            return self._enum(t.literals, words, nest)
        if t.kind == "object":
            if t.shape is None:
                return self._json("JsonObject")
            path = nest.child(words)
            lines = docs.text_lines(t.shape.description)
            nest.lines += ["", *self._data_class(t.shape, path, lines, None)]
            return ".".join(path)
        if t.kind == "array":
            if t.item is None:
                return self._json("JsonArray")
            return f"List<{self._type(t.item, (*words, 'item'), nest)}>"
        return _SCALARS.get(t.kind) or self._json("JsonElement")

    def _json(self, name: str) -> str:
        self.imports.add(_IMPORTS[name])
        return name

    def _enum(
        self, literals: tuple[str | int, ...], words: tuple[str, ...], nest: docs.Nest
    ) -> str:
        strings = all(isinstance(v, str) for v in literals)
        if not strings and not all(isinstance(v, int) and v in _INT64 for v in literals):
            return self._json("JsonElement")  # mixed strings and numbers: no single enum
        self.imports.add("kotlinx.serialization.Serializable")
        path = nest.child(words)
        qualified = ".".join(path)
        indent = "    " * (len(path) - 1)
        entries = Scope(Style.SNAKE)  # upper-cased below: no keyword is upper case
        names = [entries.name(docs.case_words(v)).upper() for v in literals]
        if strings:
            self.imports.add("kotlinx.serialization.SerialName")
            nest.lines += ["", f"{indent}@Serializable", f"{indent}enum class {path[-1]} {{"]
            for value, name in zip(literals, names, strict=True):
                nest.lines += [f"{indent}    @SerialName({string_literal(str(value))})"]
                nest.lines += [f"{indent}    {name},"]
            nest.lines.append(f"{indent}}}")
            return qualified
        self.imports.update(_INT_ENUM_IMPORTS)
        nest.lines += ["", *_int_enum(path, literals, names)]
        return qualified


def _int_enum(
    path: tuple[str, ...], literals: tuple[str | int, ...], names: list[str]
) -> list[str]:
    """An enum sent as its number, which `@SerialName` cannot do: a serializer of its own."""
    name = path[-1]  # unqualified: a deprecated outer class would warn wherever it is named
    indent = "    " * (len(path) - 1)
    inner = indent + "        "
    serial_name = string_literal(".".join((PACKAGE, *path)))
    entries = [
        f"{indent}    {entry}({value}L)" for value, entry in zip(literals, names, strict=True)
    ]
    return [
        *_kdoc(["Sent as a number, not as its name."], indent),
        f"{indent}@Serializable(with = {name}.Serializer::class)",
        f"{indent}enum class {name}(val value: Long) {{",
        ",\n".join(entries) + ";",
        "",
        f"{indent}    object Serializer : KSerializer<{name}> {{",
        f"{inner}override val descriptor: SerialDescriptor =",
        f"{inner}    PrimitiveSerialDescriptor({serial_name}, PrimitiveKind.LONG)",
        "",
        f"{inner}override fun serialize(encoder: Encoder, value: {name}) {{",
        f"{inner}    encoder.encodeLong(value.value)",
        f"{inner}}}",
        "",
        f"{inner}override fun deserialize(decoder: Decoder): {name} {{",
        f"{inner}    val wire = decoder.decodeLong()",
        f"{inner}    return {name}.values().firstOrNull {{ it.value == wire }}",
        f'{inner}        ?: throw IllegalArgumentException("not planned: " + wire)',
        f"{inner}}}",
        f"{indent}    }}",
        f"{indent}}}",
    ]


def _deprecation(call: Call, indent: str) -> list[str]:
    if not call.deprecated:
        return []
    return [
        f"{indent}@Deprecated({string_literal(f'{call.label} is deprecated in the tracking plan')})"
    ]


LANGUAGE = Language(
    name="kotlin", generate=generate, sdks=("analytics-kotlin",), runtime_checks=False
)
