"""Tests for `tp codegen` across languages: identifiers, the IR, headers, byte-stable output,
golden files, and the command line. Each language's compiler tests are in
tests/test_codegen_<language>.py.

Golden files are in tests/golden/codegen/<language>/<plan>/ (and slack-bot-runtime-checks/, built
with --runtime-checks). After an intended change to a generator or to the example plans,
regenerate them and review the diff before committing:

    TP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_codegen.py -k golden
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import shutil
import tokenize
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
import tree_sitter_kotlin
import tree_sitter_swift
import tree_sitter_typescript
from conftest import REPO_ROOT, SHOP_PLAN, Run, load_codegen_plan, run_tp

from tracking_plan.codegen import (
    HEADER_MARK,
    CodegenError,
    CodegenOptions,
    generate,
    header,
    languages,
)
from tracking_plan.codegen.ir import build_client
from tracking_plan.codegen.names import Scope, Style, identifier
from tracking_plan.loader.build import MAX_PROPERTY_DEPTH

UPDATE_GOLDEN = os.environ.get("TP_UPDATE_GOLDEN") == "1"
GOLDEN = REPO_ROOT / "tests" / "golden" / "codegen"
HOSTILE = REPO_ROOT / "tests" / "fixtures" / "codegen" / "hostile.yaml"
PLANS = {
    "shop": SHOP_PLAN,
    "slack-bot": REPO_ROOT / "plans" / "slack-bot" / "plan.yaml",
    "hostile": HOSTILE,
}
LANGUAGES = sorted(languages())
COMMENT = {"typescript": "//", "python": "#", "swift": "//", "kotlin": "//"}


# -- identifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "style", "expected"),
    [
        ("Order Completed", Style.CAMEL, "orderCompleted"),
        ("Order Completed", Style.PASCAL, "OrderCompleted"),
        ("Order Completed", Style.SNAKE, "order_completed"),
        ("order_completed", Style.CAMEL, "orderCompleted"),
        ("orderId", Style.SNAKE, "order_id"),
        ("URL Opened", Style.CAMEL, "urlOpened"),
        ("1st Purchase", Style.CAMEL, "_1stPurchase"),
        ("Café Ordered", Style.PASCAL, "CafeOrdered"),
        ("日本", Style.SNAKE, "u65e5u672c"),
        ("!!!", Style.CAMEL, "unnamed"),
        ("", Style.PASCAL, "Unnamed"),
    ],
)
def test_identifiers(name: str, style: Style, expected: str) -> None:
    assert identifier(name, style) == expected
    assert identifier(name, style).isidentifier() and identifier(name, style).isascii()


def test_keywords_get_a_suffix() -> None:
    assert identifier("class", Style.CAMEL, {"class"}) == "class_"
    assert identifier("Class", Style.PASCAL, {"class"}) == "Class"


def test_a_scope_tells_colliding_names_apart_in_plan_order() -> None:
    scope = Scope(Style.CAMEL, reserved={"delete"}, taken={"track"})
    names = [scope.name(wire) for wire in ("Order Completed", "order_completed", "ORDER-COMPLETED")]
    assert names == ["orderCompleted", "orderCompleted2", "orderCompleted3"]
    assert scope.name("order_completed") == "orderCompleted2"  # stable for a wire name
    assert scope.name("track") == "track2"
    assert scope.name("delete") == "delete_"
    # Names that differ only in case are kept apart (case-insensitive file systems).
    pascal = Scope(Style.PASCAL)
    assert [pascal.name("Home"), pascal.name("home")] == ["Home", "Home2"]


# -- the IR -----------------------------------------------------------------------------------


def test_the_ir_keeps_wire_names_and_names_nested_shapes() -> None:
    client = build_client(load_codegen_plan(HOSTILE))
    order = client.calls[0]
    assert order.name == "Order Completed"
    assert [f.wire for f in order.payload.fields][:4] == [
        "order id",
        "order-id",
        "orderId",
        "class",
    ]
    assert order.payload.open is False
    nested = [shape.path for shape in order.payload.nested()]
    assert nested == [("Order Completed", "nested object")]
    klass = next(f for f in order.payload.fields if f.wire == "class")
    assert klass.type.kind == "enum" and "a&b <c>" in klass.type.literals
    union = next(f for f in order.payload.fields if f.wire == "self")
    assert [k.kind for k in union.type.kinds()] == ["string", "number"]
    assert client.stamp == {
        "name": 'hostile "names" & <co> */ ${NAME} \\(name) \u202e\u2028require("fs")'
        '.writeFileSync("tp-pwned", "name") // coding:utf-7 +AAo-open(+ACI-tp-pwned+ACI-, '
        "+ACI-w+ACI-)+AAo-#",
        "version": '1.0.0-rc.1\nrequire("fs").writeFileSync("tp-pwned", "version") //',
    }
    assert set(client.schemas) == {call.schema_path for call in client.calls}


# -- every language ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("plan_name", sorted(PLANS))
def test_output_is_byte_stable_and_every_file_has_the_header(language: str, plan_name: str) -> None:
    plan = load_codegen_plan(PLANS[plan_name])
    first = generate(plan, language)
    again = generate(load_codegen_plan(PLANS[plan_name]), language)
    assert first == again
    assert first
    top = header(build_client(plan), COMMENT[language])
    assert HEADER_MARK in top
    for path, text in first.items():
        assert text.startswith(top), path
        assert text.endswith("\n"), path


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("plan_name", sorted(PLANS))
def test_golden(language: str, plan_name: str) -> None:
    _assert_golden(generate(load_codegen_plan(PLANS[plan_name]), language), language, plan_name)


@pytest.mark.parametrize("language", [n for n, spec in languages().items() if spec.runtime_checks])
def test_golden_with_runtime_checks(language: str) -> None:
    """The validator each call runs (`runtime.ts`, `_checks.py`), on the smallest example plan."""
    plan = load_codegen_plan(PLANS["slack-bot"])
    files = generate(plan, language, CodegenOptions(runtime_checks=True))
    _assert_golden(files, language, "slack-bot-runtime-checks")


def _assert_golden(files: dict[str, str], language: str, name: str) -> None:
    folder = GOLDEN / language / name
    if UPDATE_GOLDEN:
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
    expected = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    assert sorted(files) == sorted(expected), "files differ; TP_UPDATE_GOLDEN=1 to regenerate"
    for path, text in files.items():
        if text != expected[path]:
            diff = "".join(
                difflib.unified_diff(
                    expected[path].splitlines(True), text.splitlines(True), path, "generated"
                )
            )
            pytest.fail(f"{language}/{name}/{path} differs from its golden file:\n{diff}")


# -- plan text where it lands ------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_text_cannot_leave_the_comments_and_literals_it_is_written_into(
    language: str,
) -> None:
    """The hostile plan's texts hold line breaks of every language, bidirectional overrides, a
    terminal escape and a Python encoding declaration; none reaches a file raw."""
    plan = load_codegen_plan(HOSTILE)
    checks = languages()[language].runtime_checks
    top = header(build_client(plan), COMMENT[language])
    lines = top.splitlines(keepends=True)
    assert len(lines) == 2 and all(line.startswith(COMMENT[language] + " ") for line in lines)
    assert "version 1.0.0-rc.1\\nrequire(" in top  # the line break, spelled
    for path, text in generate(plan, language, CodegenOptions(runtime_checks=checks)).items():
        assert text.startswith(top), path
        raw = sorted({f"U+{ord(ch):04X}" for ch in text if not (ch.isprintable() or ch == "\n")})
        assert not raw, f"{path} holds {raw} raw"
        # PEP 263: `coding:` in the first two lines of a Python file sets the encoding it is
        # read in; in UTF-7, `+AAo-` is a line break.
        assert not any(ENCODING_DECLARATION.match(line) for line in text.splitlines()[:2]), path


ENCODING_DECLARATION = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")

# The calls in the hostile plan's texts: `require("fs").writeFileSync(...)` after line breaks,
# and `open(...)` after a UTF-7 line break. Generated code calls none of them.
INJECTED = {"require", "writeFileSync", "open"}
GRAMMARS = {
    "typescript": tree_sitter_typescript.language_typescript,
    "swift": tree_sitter_swift.language,
    "kotlin": tree_sitter_kotlin.language,
}
SOURCE_SUFFIXES = (".ts", ".py", ".swift", ".kt")


def parsed(language: str, text: str) -> tuple[set[str], list[str]]:
    """The identifiers of a source file and its syntax errors, as the language reads it: Python
    by its tokenizer (which honours an encoding declaration), the others by tree-sitter."""
    if language == "python":
        tokens = tokenize.tokenize(io.BytesIO(text.encode("utf-8")).readline)
        return {t.string for t in tokens if t.type == tokenize.NAME}, []
    grammar = tree_sitter.Language(GRAMMARS[language]())
    pending = [tree_sitter.Parser(grammar).parse(text.encode("utf-8")).root_node]
    names, errors = set(), []
    while pending:
        node = pending.pop()
        pending.extend(node.children)
        if node.type.endswith("identifier"):
            names.add((node.text or b"").decode("utf-8"))
        if node.is_error or node.is_missing:
            errors.append(f"line {node.start_point[0] + 1}: {node.type}")
    return names, errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_code_in_plan_texts_stays_text(language: str) -> None:
    checks = languages()[language].runtime_checks
    files = generate(load_codegen_plan(HOSTILE), language, CodegenOptions(runtime_checks=checks))
    sources = {path: text for path, text in files.items() if path.endswith(SOURCE_SUFFIXES)}
    assert sources
    for path, text in sources.items():
        names, errors = parsed(language, text)
        assert errors == [], path
        assert len(names) > 10, path  # the file was read as code
        assert not names & INJECTED, path


# -- deep plans -------------------------------------------------------------------------------

# The deepest the loader accepts: `root` and the levels below it.
DEPTH = MAX_PROPERTY_DEPTH - 1


def nested_plan(depth: int) -> str:
    """A plan (JSON is YAML) whose one event has an object property nested `depth` levels."""
    prop: dict[str, Any] = {"type": "string", "description": "The leaf."}
    for level in range(depth, 0, -1):
        prop = {
            "type": "object",
            "description": f"Level {level}.",
            "properties": {f"level {level}": prop},
        }
    events = {"Deep Event": {"properties": {"root": prop}}}
    return json.dumps({"plan": "deep", "version": "1.0.0", "events": events})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deeply_nested_plan_gives_a_client_that_parses(language: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(nested_plan(DEPTH), encoding="utf-8")
    plan = load_codegen_plan(path)
    assert len(build_client(plan).calls[0].payload.nested()) == DEPTH
    checks = languages()[language].runtime_checks
    files = generate(plan, language, CodegenOptions(runtime_checks=checks))
    assert files == generate(
        load_codegen_plan(path), language, CodegenOptions(runtime_checks=checks)
    )
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")
        elif name.endswith(SOURCE_SUFFIXES):
            assert parsed(language, text)[1] == [], name
    assert f'"level {DEPTH}"' in "".join(files.values())  # the deepest wire name


def test_unknown_sdk_and_unsupported_runtime_checks_are_errors() -> None:
    plan = load_codegen_plan(SHOP_PLAN)
    with pytest.raises(CodegenError, match="analytics-next"):
        generate(plan, "typescript", CodegenOptions(sdk="analytics-ios"))
    with pytest.raises(CodegenError, match="unknown language"):
        generate(plan, "cobol")
    unsupported = [n for n, spec in languages().items() if not spec.runtime_checks]
    for name in unsupported:
        with pytest.raises(CodegenError, match="runtime-checks"):
            generate(plan, name, CodegenOptions(runtime_checks=True))


# -- the command line -------------------------------------------------------------------------


def tp(*args: str | Path) -> Run:
    return run_tp(*args, timeout=120)


def test_cli_writes_checks_and_prunes(tmp_path: Path) -> None:
    out = tmp_path / "client"
    first = tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out)
    assert first.code == 0, first.stderr
    assert "Generated a typescript client" in first.stdout
    assert tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out, "--check").code == 0
    index = out / "index.ts"
    index.write_text(index.read_text(encoding="utf-8") + "// edited\n", encoding="utf-8")
    stale = tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out, "--check")
    assert stale.code == 1
    assert "stale:" in stale.stdout and "tp codegen" in stale.stdout
    # A person edited it: it is replaced only with --force.
    refused = tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out)
    assert refused.code == 2 and "--force" in refused.stderr, refused.output
    assert index.read_text(encoding="utf-8").endswith("// edited\n")
    assert tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out, "--force").code == 0
    # Files tp codegen did not write here stay, even one that looks generated.
    (out / "old.ts").write_text(f"// {HEADER_MARK} 'x', version 1.\n", encoding="utf-8")
    (out / "mine.ts").write_text("// hand-written\n", encoding="utf-8")
    assert tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out).code == 0
    assert (out / "old.ts").exists() and (out / "mine.ts").exists()
    assert tp("codegen", SHOP_PLAN, "--lang", "typescript", "-o", out, "--check").code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "cobol"], "cobol"),
        (["--lang", "typescript", "--sdk", "analytics-ios"], "analytics-next"),
        (["--lang", "swift", "--runtime-checks"], "runtime-checks"),
    ],
)
def test_cli_bad_requests_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = tp("codegen", SHOP_PLAN, *args, "-o", tmp_path / "out")
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_bad_plan_and_output_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text("events:\n  A: [\n", encoding="utf-8")
    result = tp("codegen", broken, "--lang", "python", "-o", tmp_path / "out")
    assert result.code == 2 and "plan.yaml:" in result.stderr
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    result = tp("codegen", SHOP_PLAN, "--lang", "python", "-o", a_file)
    assert result.code == 2 and "not a folder" in result.stderr
