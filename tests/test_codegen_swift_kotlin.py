"""`tp codegen` for Swift (analytics-swift) and Kotlin (analytics-kotlin).

The generated sources parse with no error node (tree-sitter). On the hostile plan and on a
stress plan written here, every identifier is unique in its scope and no keyword, and every wire
name and enum value round-trips exactly through the generated string literals. Where a Kotlin
compiler (>= 1.9) is installed, the Kotlin clients compile against small stand-ins for
analytics-kotlin and kotlinx.serialization (Maven Central is out of reach), a usage example runs
and shows the stamp in `context`, and a wrongly typed payload fails to compile. Install the
compiler with `npm install -g kotlin-compiler` (the test finds it under `npm root -g`), or point
`KOTLINC` at a `kotlinc`. There is no Swift compiler for Linux in the registries this project can
use, so Swift is only parsed.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import tree_sitter
import tree_sitter_kotlin
import tree_sitter_swift
from conftest import SHOP_PLAN, SLACK_PLAN, WritePlan, load_codegen_plan

from tracking_plan.codegen import CodegenOptions, generate, header
from tracking_plan.codegen import kotlin as kotlin_gen
from tracking_plan.codegen import swift as swift_gen
from tracking_plan.codegen.ir import Client, Shape, Type, build_client

HOSTILE = Path(__file__).parent / "fixtures" / "codegen" / "hostile.yaml"
PLANS = {"shop": SHOP_PLAN, "slack-bot": SLACK_PLAN, "hostile": HOSTILE}  # + "stress", below
STRESS = """\
plan: stress
version: "2"
events:
  Track:
    description: "Comments: /*/ and */ and /** and a trailing backslash \\\\"
    status: deprecated
    properties:
      a b: {type: object, properties: {x: {type: string}}}
      a: {type: array, items: {type: object, properties: {y: {type: integer, required: true}}}}
      a item: {type: object, properties: {z: {type: boolean}}}
      1st: {type: object, properties: {w: {type: string}}}
      type: {type: string, enum: [x, y]}
      codingKeys: {type: object, properties: {q: {type: string}}}
      mixed: {type: [string, integer], enum: [a, 1]}
      ints: {type: integer, enum: [-1, 1, 9007199254740993]}
      union: {type: [string, integer], nullable: true, required: true}
      free: {type: object}
      list: {type: array}
      maybe: {type: string, enum: [on, off, null]}
      deep:
        type: array
        items:
          type: object
          properties:
            inner:
              type: object
              required: true
              properties:
                leaf: {type: array, items: {type: string, enum: ["\\u2028", "\\t", "\\0"]}}
  String: {properties: {value: {type: string}}}
  Tracking Plan: {properties: {name: {type: string}}}
  Analytics: {properties: {encode: {type: string}, rawValue: {type: string}}}
  Serializer: {properties: {companion: {type: string}, Companion: {type: string}}}
screens:
  "Two\\nLines": {properties: {x: {type: number}}}
pages:
  "Line\\nBreak": {}
group:
  traits:
    plan: {type: string, enum: [free, pro]}
"""
"""Names that collide with nested types, CodingKeys, SDK and standard types; every kind of type."""


@pytest.fixture(scope="session", autouse=True)
def stress_plan(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("codegen") / "stress.yaml"
    path.write_text(STRESS, encoding="utf-8")
    PLANS["stress"] = path


GRAMMARS: dict[str, ModuleType] = {"swift": tree_sitter_swift, "kotlin": tree_sitter_kotlin}

# Reserved words from each language's reference, kept here independently of the generators.
SWIFT_KEYWORDS = frozenset(
    """associatedtype class deinit enum extension fileprivate func import init inout internal let
    open operator private precedencegroup protocol public rethrows static struct subscript
    typealias var break case catch continue default defer do else fallthrough for guard if in
    repeat return switch where while Any as false is nil self Self super throw throws true
    try _""".split()
)
KOTLIN_KEYWORDS = frozenset(
    """as break class continue do else false for fun if in interface is null object package
    return super this throw true try typealias typeof val var when while""".split()
)


@functools.cache
def client(plan: str) -> Client:
    return build_client(load_codegen_plan(PLANS[plan]))


@functools.cache
def source(plan: str, language: str) -> str:
    files = generate(load_codegen_plan(PLANS[plan]), language)
    assert len(files) == 1
    return next(iter(files.values()))


@functools.cache
def parser(language: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(GRAMMARS[language].language()))


def parse(text: str, language: str) -> tree_sitter.Node:
    return parser(language).parse(text.encode("utf-8")).root_node


def nodes(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from nodes(child)


def problems(text: str, language: str) -> list[str]:
    """ERROR and MISSING nodes, with their line and text."""
    found = []
    for node in nodes(parse(text, language)):
        if node.is_error or node.is_missing:
            line = node.start_point[0] + 1
            snippet = (node.text or b"").decode("utf-8", "replace")[:60]
            found.append(f"line {line}: {node.type} {snippet!r}")
    return found


def text_of(node: tree_sitter.Node | None) -> str:
    assert node is not None
    return (node.text or b"").decode("utf-8")


# -- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["swift", "kotlin"])
@pytest.mark.parametrize("plan", [*sorted(PLANS), "stress"])
def test_generated_source_parses_without_errors(plan: str, language: str) -> None:
    assert problems(source(plan, language), language) == []


BROKEN = {
    "swift": "public struct A: Codable {\n    public var x: String\n",
    "kotlin": "data class A(\n    val x: String,\n",
}


@pytest.mark.parametrize("language", ["swift", "kotlin"])
def test_the_parse_check_finds_a_broken_snippet(language: str) -> None:
    assert problems(BROKEN[language], language)


# -- the files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "path"), [("swift", "TrackingPlan.swift"), ("kotlin", "TrackingPlan.kt")]
)
def test_one_file_with_the_header_and_byte_stable(language: str, path: str) -> None:
    plan = load_codegen_plan(SHOP_PLAN)
    first = generate(plan, language)
    assert list(first) == [path]
    assert first == generate(load_codegen_plan(SHOP_PLAN), language)
    text = first[path]
    assert text.startswith(header(client("shop"), "//"))
    assert text.endswith("}\n") and not text.endswith("\n\n")


def test_languages_are_for_the_segment_mobile_sdks() -> None:
    assert swift_gen.LANGUAGE.sdks == ("analytics-swift",)
    assert kotlin_gen.LANGUAGE.sdks == ("analytics-kotlin",)
    plan = load_codegen_plan(SLACK_PLAN)
    assert generate(plan, "kotlin", CodegenOptions(sdk="analytics-kotlin"))


@pytest.mark.parametrize(
    ("language", "stamp"),
    [("swift", "enrichments: [TrackingPlan.stamp]"), ("kotlin", "enrichment = TrackingPlan.stamp")],
)
def test_every_call_is_stamped_and_pages_are_listed(language: str, stamp: str) -> None:
    text = source("shop", language)
    calls = [c for c in client("shop").calls if c.call.value != "page"]
    if language == "swift":
        text = text.split("\nextension Analytics {\n")[1].split("\n}\n")[0]
    bodies = text.split("public func " if language == "swift" else "fun Analytics.")[1:]
    assert len(bodies) == len(calls)
    assert all(stamp in body.split("\n}")[0] for body in bodies)
    pages = [c.name for c in client("shop").calls if c.call.value == "page"]
    assert pages and all(f"// - {page}\n" in source("shop", language) for page in pages)


# -- identifiers ---------------------------------------------------------------------------------


def swift_scopes(root: tree_sitter.Node) -> Iterator[tuple[str, list[str]]]:
    """Each scope (the file, a type's body) with the names declared directly in it."""
    for node in nodes(root):
        if node.type not in ("source_file", "class_body", "enum_class_body"):
            continue
        names = []
        for child in node.named_children:
            declarations = ("class_declaration", "function_declaration", "enum_entry")
            if child.type in (*declarations, "property_declaration"):
                names.append(text_of(child.child_by_field_name("name")))
        yield node.type, names


def kotlin_scopes(root: tree_sitter.Node) -> Iterator[tuple[str, list[str]]]:
    """Each scope with its names, one scope per kind: Kotlin keeps types, functions and
    properties apart. A data class's constructor properties belong to its body."""
    for node in nodes(root):
        if node.type not in ("source_file", "class_declaration"):
            continue
        body = node if node.type == "source_file" else _kotlin_body(node)
        named: dict[str, list[str]] = {"type": [], "function": [], "property": []}
        for child in body.named_children if body else []:
            if child.type in ("class_declaration", "object_declaration"):
                named["type"].append(text_of(child.child_by_field_name("name")))
            elif child.type == "function_declaration":
                named["function"].append(text_of(child.child_by_field_name("name")))
            elif child.type in ("enum_entry", "property_declaration"):
                named["property"].append(_first_identifier(child))
        for parameter in nodes(node) if node.type == "class_declaration" else ():
            if parameter.type == "class_parameter" and parameter.parent in _ctor_params(node):
                named["property"].append(_first_identifier(parameter))
        yield from named.items()


def _kotlin_body(node: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((c for c in node.named_children if c.type.endswith("class_body")), None)


def _ctor_params(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    return [
        params
        for ctor in node.named_children
        if ctor.type == "primary_constructor"
        for params in ctor.named_children
    ]


_PARAM = "class_parameter"


def _first_identifier(node: tree_sitter.Node) -> str:
    for child in nodes(node):
        parent = child.parent.type if child.parent else ""
        if child.type == "identifier" and parent in (
            "variable_declaration",
            "enum_entry",
            "class_parameter",
        ):
            return text_of(child)
    raise AssertionError(f"no name in {text_of(node)!r}")


@pytest.mark.parametrize("language", ["swift", "kotlin"])
@pytest.mark.parametrize("plan", ["hostile", "stress"])
def test_identifiers_are_unique_per_scope_and_no_keywords(plan: str, language: str) -> None:
    root = parse(source(plan, language), language)
    scopes = list(swift_scopes(root) if language == "swift" else kotlin_scopes(root))
    keywords = SWIFT_KEYWORDS if language == "swift" else KOTLIN_KEYWORDS
    declared = [name for _, names in scopes for name in names]
    assert len(declared) > 30
    for kind, names in scopes:
        twice = [name for name, count in Counter(names).items() if count > 1]
        assert not twice, f"{kind}: {twice}"
    assert not [name for name in declared if name in keywords]
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) for name in declared)


# -- literals ------------------------------------------------------------------------------------

_SWIFT_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", '"': '"', "\\": "\\", "'": "'"}
_KOTLIN_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", '"': '"', "\\": "\\", "$": "$"}


def swift_value(literal: str) -> str:
    """The string a Swift literal stands for; fails on interpolation `\\(`."""
    assert literal[0] == literal[-1] == '"' and len(literal) >= 2
    body = literal[1:-1]
    assert not re.search(r'(?<!\\)(?:\\\\)*"', body), literal

    def unescape(match: re.Match[str]) -> str:
        return chr(int(match[2], 16)) if match[2] else _SWIFT_ESCAPES[match[1]]

    return re.sub(r"\\(u\{([0-9a-fA-F]{1,8})\}|.)", unescape, body)


def kotlin_value(literal: str) -> str:
    """The string a Kotlin literal stands for; fails on a template (`$` not escaped)."""
    assert literal[0] == literal[-1] == '"' and len(literal) >= 2
    body = literal[1:-1]
    assert not re.search(r'(?<!\\)(?:\\\\)*[$"]', body), literal

    def unescape(match: re.Match[str]) -> str:
        return chr(int(match[2], 16)) if match[2] else _KOTLIN_ESCAPES[match[1]]

    units = re.sub(r"\\(u([0-9a-fA-F]{4})|.)", unescape, body)
    return units.encode("utf-16-be", "surrogatepass").decode("utf-16-be")


LITERALS = {
    "swift": ("line_string_literal", swift_value),
    "kotlin": ("string_literal", kotlin_value),
}


def literal_values(language: str, root: tree_sitter.Node) -> list[str]:
    kind, value = LITERALS[language]
    return [value(text_of(n)) for n in nodes(root) if n.type == kind]


TRICKY = [
    'a "b" \\c',
    "\\(x) $x ${x} \\$",
    "tab\there\nnew\r\0",
    "\u2028\u00a0\u200b",
    "日本 🎉 \U000e0001",
    "*/ /*",
]


@pytest.mark.parametrize("text", TRICKY)
def test_string_literals_round_trip(text: str) -> None:
    assert swift_value(swift_gen.string_literal(text)) == text
    assert kotlin_value(kotlin_gen.string_literal(text)) == text
    for language, module in (("swift", swift_gen), ("kotlin", kotlin_gen)):
        keyword = "let" if language == "swift" else "val"
        snippet = f"{keyword} s = {module.string_literal(text)}\n"
        assert problems(snippet, language) == []
        assert not [n for n in nodes(parse(snippet, language)) if "interpolat" in n.type]


def wire_texts(shape: Shape) -> Iterator[str]:
    for field in shape.fields:
        yield field.wire
        yield from type_texts(field.type)


def type_texts(type_: Type) -> Iterator[str]:
    for kind in type_.kinds():
        yield from (v for v in kind.literals if isinstance(v, str))
        if kind.shape:
            yield from wire_texts(kind.shape)
        if kind.item:
            yield from type_texts(kind.item)


@pytest.mark.parametrize("language", ["swift", "kotlin"])
@pytest.mark.parametrize("plan_name", ["hostile", "stress"])
def test_wire_names_and_enum_values_round_trip(plan_name: str, language: str) -> None:
    root = parse(source(plan_name, language), language)
    values = Counter(literal_values(language, root))
    plan = client(plan_name)
    expected = {plan.plan, plan.version}
    for call in plan.calls:
        if call.call.value == "page":
            continue  # the mobile SDKs have no page call: pages only get a comment
        expected |= set(wire_texts(call.payload))
        if call.call.value in ("track", "screen"):
            expected.add(call.name)
    assert expected - set(values) == set()


@pytest.mark.parametrize("language", ["swift", "kotlin"])
def test_hostile_enums_keep_their_values_in_order(language: str) -> None:
    root = parse(source("hostile", language), language)
    class_enum = next(
        n
        for n in nodes(root)
        if n.type == "class_declaration" and text_of(n.child_by_field_name("name")) == "Class"
    )
    entries = [n for n in nodes(class_enum) if n.type == "enum_entry"]
    kind, value = LITERALS[language]
    raw = [value(text_of(n)) for e in entries for n in nodes(e) if n.type == kind]
    planned = ["a&b <c>", "it's", 'quote"d', "back\\slash", "${x}", "*/", "\\(x)"]
    assert raw == [*planned, "line\u2028break", "bidi\u202eevil"]
    text = source("hostile", language)
    if language == "swift":
        assert re.search(r"enum Val: Int, Codable \{\n *case _1 = 1\n *case _2 = 2\n", text)
    else:
        assert re.search(r"enum class Val\(val value: Long\) \{\n *_1\(1L\),\n *_2\(2L\),", text)


def test_kdoc_cannot_be_ended_by_plan_text() -> None:
    root = parse(source("hostile", "kotlin"), "kotlin")
    comments = [text_of(n) for n in nodes(root) if n.type == "block_comment"]
    assert any('Says "done"' in c for c in comments)
    for comment in comments:
        inner = comment[3:-2]
        assert "*/" not in inner and "/*" not in inner, comment


# -- required, optional, nullable ----------------------------------------------------------------


def test_required_optional_and_nullable_fields(write_plan: WritePlan) -> None:
    path = write_plan(
        """\
        plan: p
        version: 1.0.0
        events:
          Thing Done:
            status: deprecated
            properties:
              req: {type: string, required: true}
              opt: {type: string}
              req null: {type: string, required: true, nullable: true}
              opt null: {type: integer, nullable: true}
              tags: {type: array, items: {type: string, enum: [a, b]}, required: true}
        """
    )
    plan = load_codegen_plan(path)
    swift = generate(plan, "swift")["TrackingPlan.swift"]
    for line in (
        "    public var req: String\n",
        "    public var opt: String?\n",
        "    public var reqNull: String?\n",
        "    public var tags: [ThingDone.TagsItem]\n",
        "        opt: String? = nil,\n",
        "        reqNull: String?,\n",
        "        try container.encode(self.reqNull, forKey: .reqNull)\n",
        "        try container.encodeIfPresent(self.optNull, forKey: .optNull)\n",
        '        case reqNull = "req null"\n',
        '@available(*, deprecated, message: "Thing Done is deprecated in the tracking plan")\n',
    ):
        assert line in swift
    kotlin = generate(plan, "kotlin")["TrackingPlan.kt"]
    for line in (
        "    val req: String,\n",
        "    val opt: String? = null,\n",
        "    val reqNull: String?,\n",
        "    val optNull: Long? = null,\n",
        "    val tags: List<ThingDone.TagsItem>,\n",
        '    @SerialName("req null")\n',
        '@Deprecated("Thing Done is deprecated in the tracking plan")\n',
    ):
        assert line in kotlin


# -- compiling the Kotlin client -----------------------------------------------------------------

# Stand-ins for what the generated code uses from kotlinx.serialization and analytics-kotlin, with
# the signatures of analytics-kotlin's Analytics (including the reified overloads, so that a call
# that would pick one of them is noticed). `Analytics` records each call and its context after
# the call's enrichment.
STAND_INS = {
    "serialization.kt": """
        @file:Suppress("UNUSED_PARAMETER")
        package kotlinx.serialization

        import kotlin.reflect.KClass
        import kotlinx.serialization.descriptors.SerialDescriptor
        import kotlinx.serialization.encoding.Decoder
        import kotlinx.serialization.encoding.Encoder

        @Target(AnnotationTarget.PROPERTY, AnnotationTarget.CLASS, AnnotationTarget.TYPE)
        annotation class Serializable(val with: KClass<out KSerializer<*>> = KSerializer::class)

        @Target(AnnotationTarget.PROPERTY, AnnotationTarget.CLASS)
        annotation class SerialName(val value: String)

        interface SerializationStrategy<in T> {
            fun serialize(encoder: Encoder, value: T)
        }

        interface DeserializationStrategy<out T> {
            fun deserialize(decoder: Decoder): T
        }

        interface KSerializer<T> : SerializationStrategy<T>, DeserializationStrategy<T> {
            val descriptor: SerialDescriptor
        }

        class StandInSerializer<T> : KSerializer<T> {
            override val descriptor: SerialDescriptor = StandInDescriptor
            override fun serialize(encoder: Encoder, value: T) {}
            override fun deserialize(decoder: Decoder): T = throw UnsupportedOperationException()
        }

        object StandInDescriptor : SerialDescriptor

        inline fun <reified T> serializer(): KSerializer<T> = StandInSerializer()
    """,
    "descriptors.kt": """
        @file:Suppress("UNUSED_PARAMETER")
        package kotlinx.serialization.descriptors

        interface SerialDescriptor

        enum class PrimitiveKind { LONG }

        fun PrimitiveSerialDescriptor(name: String, kind: PrimitiveKind): SerialDescriptor =
            kotlinx.serialization.StandInDescriptor
    """,
    "encoding.kt": """
        package kotlinx.serialization.encoding

        interface Encoder {
            fun encodeLong(value: Long)
        }

        interface Decoder {
            fun decodeLong(): Long
        }
    """,
    "json.kt": """
        package kotlinx.serialization.json

        sealed class JsonElement

        class JsonObject(private val content: Map<String, JsonElement>) :
            JsonElement(), Map<String, JsonElement> by content {
            override fun toString() =
                content.entries.joinToString(",", "{", "}") { "\\"" + it.key + "\\":" + it.value }
        }

        class JsonArray(private val content: List<JsonElement>) :
            JsonElement(), List<JsonElement> by content

        class JsonPrimitive internal constructor(val content: String) : JsonElement() {
            // Characters outside printable ASCII as \\uXXXX, so that a call prints one line in
            // any console encoding.
            override fun toString() = content.map {
                if (it in ' '..'~') it.toString() else "\\\\u" + "%04x".format(it.code)
            }.joinToString("", "\\"", "\\"")
        }

        fun JsonPrimitive(value: String?): JsonPrimitive = JsonPrimitive(value ?: "null")
    """,
    "analytics.kt": """
        @file:Suppress("UNUSED_PARAMETER")
        package com.segment.analytics.kotlin.core

        import kotlinx.serialization.SerializationStrategy
        import kotlinx.serialization.json.JsonObject
        import kotlinx.serialization.json.JsonPrimitive

        typealias EnrichmentClosure = (event: BaseEvent?) -> BaseEvent?
        typealias E = EnrichmentClosure?
        typealias S<T> = SerializationStrategy<T>

        val none = JsonObject(emptyMap())

        abstract class BaseEvent {
            abstract var context: JsonObject
        }

        class StandInEvent(override var context: JsonObject) : BaseEvent()

        class Analytics {
            val sent = mutableListOf<String>()

            fun record(call: String, name: String, enrichment: EnrichmentClosure?) {
                val event = StandInEvent(JsonObject(mapOf("app" to JsonPrimitive("stand-in"))))
                val context = enrichment?.invoke(event)?.context
                sent.add(listOf(call, name, context.toString()).joinToString("|"))
            }

            fun track(name: String, properties: JsonObject = none, enrichment: E = null) =
                record("track", name, enrichment)
            fun <T> track(name: String, properties: T, strategy: S<T>, enrichment: E = null) =
                record("track", name, enrichment)
            inline fun <reified T> track(id: String, properties: T, noinline enrichment: E = null) =
                record("reified track", id, enrichment)

            fun identify(id: String, traits: JsonObject = none, enrichment: E = null) =
                record("identify", id, enrichment)
            fun <T> identify(id: String, traits: T, strategy: S<T>, enrichment: E = null) =
                record("identify", id, enrichment)
            inline fun <reified T> identify(id: String, traits: T, noinline enrichment: E = null) =
                record("reified identify", id, enrichment)

            fun screen(
                title: String,
                properties: JsonObject = none,
                category: String = "",
                enrichment: E = null,
            ) = record("screen", title, enrichment)
            fun <T> screen(
                title: String,
                properties: T,
                strategy: S<T>,
                category: String = "",
                enrichment: E = null,
            ) = record("screen", title, enrichment)
            inline fun <reified T> screen(
                title: String,
                properties: T,
                category: String = "",
                noinline enrichment: E = null,
            ) = record("reified screen", title, enrichment)

            fun group(id: String, traits: JsonObject = none, enrichment: E = null) =
                record("group", id, enrichment)
            fun <T> group(id: String, traits: T, strategy: S<T>, enrichment: E = null) =
                record("group", id, enrichment)
            inline fun <reified T> group(id: String, traits: T, noinline enrichment: E = null) =
                record("reified group", id, enrichment)
        }
    """,
}

USAGE = """\
    package usage

    import com.segment.analytics.kotlin.core.Analytics
    import p_hostile.*

    fun main() {
        val analytics = Analytics()
        analytics.orderCompleted(
            OrderCompleted(
                orderId = "o1",
                class_ = OrderCompleted.Class.QUOTE_D,
                default = null,
                nestedObject = OrderCompleted.NestedObject(in_ = 1L, is_ = null),
            )
        )
        analytics.delete(Delete(fun_ = "f", val_ = Delete.Val._2))
        analytics.class_()
        analytics.identifyUser("u1", IdentifyTraits(email = "a@example.com"))
        analytics.groupUser("g1", GroupTraits(name = "Acme"))
        analytics.settingsScreen(SettingsScreen(tab = SettingsScreen.Tab.PRIVACY))
        analytics.sent.forEach(::println)
    }
"""

WRONG = """\
    package usage

    import p_hostile.*

    val wrongType = Delete(fun_ = 42)
    val missingRequired = GroupTraits()
"""


@functools.cache
def kotlinc() -> Path | None:
    """A kotlinc that can compile the client (Kotlin >= 1.9, as analytics-kotlin needs)."""
    candidates = [os.environ.get("KOTLINC"), shutil.which("kotlinc")]
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
        candidates.insert(1, str(Path(root.stdout.strip()) / "kotlin-compiler/bin/kotlinc"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and shutil.which("java"):
            run = subprocess.run(
                [candidate, "-version"], capture_output=True, text=True, check=False
            )
            version = re.search(r"kotlinc-jvm (\d+)\.(\d+)", run.stdout + run.stderr)
            if version and (int(version[1]), int(version[2])) >= (1, 9):
                return Path(candidate)
    return None


needs_kotlinc = pytest.mark.skipif(
    "not kotlinc()",
    reason="no kotlinc >= 1.9 (install: npm install -g kotlin-compiler, or set KOTLINC)",
)


def write_sources(folder: Path, plans: list[str], usage: str) -> list[Path]:
    written = []
    for name, text in STAND_INS.items():
        written.append(folder / name)
        written[-1].write_text(textwrap.dedent(text), encoding="utf-8")
    for plan in plans:
        package = "p_" + plan.replace("-", "_")
        written.append(folder / f"{package}.kt")
        text = source(plan, "kotlin").replace("\npackage trackingplan\n", f"\npackage {package}\n")
        written[-1].write_text(text, encoding="utf-8")
    written.append(folder / "usage.kt")
    written[-1].write_text(textwrap.dedent(usage), encoding="utf-8")
    return written


def compile_kotlin(sources: list[Path], out: Path) -> subprocess.CompletedProcess[str]:
    compiler = kotlinc()
    assert compiler is not None
    command = [str(compiler), "-nowarn", *map(str, sources), "-d", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.e2e
@needs_kotlinc
def test_kotlin_clients_compile_and_stamp_every_call(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, [*sorted(PLANS)], USAGE)
    compiled = compile_kotlin(sources, tmp_path / "out")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    runner = kotlinc().parent / "kotlin"  # type: ignore[union-attr]
    command = [str(runner), "-cp", str(tmp_path / "out"), "usage.UsageKt"]
    ran = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert not (tmp_path / "tp-pwned").exists()  # what the hostile plan's texts would create
    hostile = client("hostile")
    name, version = ascii_quoted(hostile.plan), ascii_quoted(hostile.version)
    stamp = f'"tracking_plan":{{"name":{name},"version":{version}}}'
    context = '{"app":"stand-in",' + stamp + "}"
    assert ran.stdout.splitlines() == [
        f"track|Order Completed|{context}",
        f"track|delete|{context}",
        f"track|class|{context}",
        f"identify|u1|{context}",
        f"group|g1|{context}",
        f"screen|Settings|{context}",
    ]


def ascii_quoted(text: str) -> str:
    """`text` as the stand-in JsonPrimitive prints it."""
    return '"' + "".join(ch if " " <= ch <= "~" else f"\\u{ord(ch):04x}" for ch in text) + '"'


@pytest.mark.e2e
@needs_kotlinc
def test_kotlin_rejects_a_wrong_property_type(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, ["hostile"], WRONG)
    compiled = compile_kotlin(sources, tmp_path / "out")
    output = compiled.stdout + compiled.stderr
    assert compiled.returncode != 0
    assert re.search(r"usage\.kt:5:\d+: error: .*type mismatch", output, re.IGNORECASE), output
    assert re.search(r"usage\.kt:6:\d+: error: no value passed for parameter 'name'", output, re.I)
