"""Tests for the Python client generator (`tp codegen --lang python`).

Generated clients are written with the real writer and checked with real tools: one `mypy
--strict` run (module fixture) covers every client, a usage file per client that calls every
function with every field, and a file of misuses that must each fail on their own line. The
end-to-end tests send through `segment.analytics.Client` to an HTTP server on 127.0.0.1 and
check the captured batches with tp's own validator.
"""

from __future__ import annotations

import ast
import builtins
import gzip
import importlib
import inspect
import json
import keyword
import re
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest
import segment.analytics  # type: ignore[import-untyped]
from conftest import SHOP_PLAN, SLACK_PLAN, load_codegen_plan

from tracking_plan.codegen import HEADER_MARK, CodegenOptions, generate, header
from tracking_plan.codegen.ir import STAMP_KEY, Client, Shape, Type, build_client
from tracking_plan.codegen.output import write_files
from tracking_plan.codegen.python import _Names
from tracking_plan.model import CallType
from tracking_plan.validate.engine import EventValidator
from tracking_plan.validate.inputs import Record

HOSTILE_PLAN = Path(__file__).resolve().parent / "fixtures" / "codegen" / "hostile.yaml"
PLANS = {"shop": SHOP_PLAN, "slack": SLACK_PLAN, "hostile": HOSTILE_PLAN}
SHOP_STAMP = {"name": "acme-shop", "version": "2.3.0"}
APP = {"app": {"version": "2.3.0"}}
# The SDK sends `"anonymousId": null` when only user_id is given (and the other way round), which
# tp validate reports (EN203); the end-to-end calls give both ids.
IDS = {"user_id": "u1", "anonymous_id": "a1"}
ORDER = {
    "order_id": "ord_0123456789ab",
    "revenue": 25.5,
    "currency": "EUR",
    "affiliation": "acme-web",
    "products": [{"product_id": "p-1", "price": 25.5, "quantity": 1}],
}


def write_client(plan: Path, out: Path, *, checks: bool) -> dict[str, str]:
    loaded = load_codegen_plan(plan)
    files = generate(loaded, "python", CodegenOptions(runtime_checks=checks))
    write_files(files, out, loaded, "python")
    return files


def import_client(plan: Path, root: Path, package: str, *, checks: bool) -> ModuleType:
    write_client(plan, root / package, checks=checks)
    sys.path.insert(0, str(root))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(root))


# -- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("checks", [False, True])
@pytest.mark.parametrize("plan", list(PLANS.values()), ids=list(PLANS))
def test_files_are_byte_stable_and_carry_the_header(plan: Path, checks: bool) -> None:
    client = build_client(load_codegen_plan(plan))
    files = generate(load_codegen_plan(plan), "python", CodegenOptions(runtime_checks=checks))
    again = generate(load_codegen_plan(plan), "python", CodegenOptions(runtime_checks=checks))
    assert files == again
    expected = {"__init__.py", "py.typed"} | ({"_checks.py", "_schemas.py"} if checks else set())
    assert set(files) == expected
    for text in files.values():
        assert text.startswith(header(client, "#"))
        assert HEADER_MARK in text and text.endswith("\n")
    if not checks:
        assert not any("jsonschema" in text or "$schema" in text for text in files.values())


def test_embedded_schemas_are_the_compiled_ones(tmp_path: Path) -> None:
    package = import_client(SHOP_PLAN, tmp_path, "shop_schemas", checks=True)
    embedded = package._schemas.SCHEMAS
    assert embedded == build_client(load_codegen_plan(SHOP_PLAN)).schemas


def test_hostile_identifiers_are_unique_and_safe(tmp_path: Path) -> None:
    client = build_client(load_codegen_plan(HOSTILE_PLAN))
    names = _Names(client)
    functions = list(names.function.values())
    types = list(names.type.values())
    assert len(set(functions)) == len(client.calls)
    assert len({t.casefold() for t in types}) == len(types)
    assert not set(functions) & set(types)
    for name in functions + types:
        assert name.isascii() and name.isidentifier(), name
        assert not keyword.iskeyword(name) and not hasattr(builtins, name), name
    source = write_client(HOSTILE_PLAN, tmp_path / "hostile", checks=False)["__init__.py"]
    top = _top_level_names(source)
    assert len(top) == len(set(top)), sorted(n for n in top if top.count(n) > 1)
    assert set(functions) | set(types) <= set(top)


def _top_level_names(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [t.id for t in targets if isinstance(t, ast.Name)]
    return found


def test_hostile_enum_literals_round_trip(tmp_path: Path) -> None:
    package = import_client(HOSTILE_PLAN, tmp_path, "hostile_literals", checks=False)
    event = load_codegen_plan(HOSTILE_PLAN).event("Order Completed")
    assert event is not None
    planned = next(p.enum for p in event.properties if p.name == "class")
    assert planned is not None
    assert get_args(package.OrderCompleted.__annotations__["class"]) == tuple(planned)
    assert get_args(package.Delete.__annotations__["val"]) == (1, 2, 3)
    doc = inspect.getdoc(package.order_completed)
    assert doc is not None and 'Says "done" */ and \\ends -- with a backslash \\' in doc
    assert "Owner: team <growth> & co" in doc


def test_loading_the_hostile_client_runs_none_of_its_plan_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hostile plan's name, version and texts hold code after line breaks of every kind and
    after a UTF-7 encoding declaration; it would create `tp-pwned` in the working directory."""
    monkeypatch.chdir(tmp_path)
    package = import_client(HOSTILE_PLAN, tmp_path, "hostile_loaded", checks=True)
    plan = load_codegen_plan(HOSTILE_PLAN)
    assert {"name": plan.name, "version": plan.version} == package._STAMP
    assert sorted(p.name for p in tmp_path.rglob("tp-pwned")) == []
    doc = inspect.getdoc(package.delete)
    assert doc is not None and 'require("fs").writeFileSync("tp-pwned", "description")' in doc


def test_quotes_backslashes_and_hidden_characters_survive(tmp_path: Path) -> None:
    text = 'Ends with """ and a backslash \\ then "quoted" and \\"""'
    values = ["line\u2028break", "tab\there", "bell\x07", "bidi\u202eevil", "\u00e9\"'"]
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "plan: docs\nversion: 1.0.0\nevents:\n"
        f"  Thing Done:\n    description: {json.dumps(text)}\n    owner: {json.dumps(text)}\n"
        "    status: deprecated\n    properties:\n"
        f"      kind: {json.dumps({'type': 'string', 'enum': values, 'description': text})}\n"
        f"  Quote Ended:\n    description: {json.dumps(text)}\n",
        encoding="utf-8",
    )
    package = import_client(plan, tmp_path, "docs_client", checks=True)
    doc = inspect.getdoc(package.thing_done)
    assert doc is not None
    assert doc.startswith('Sends the track call "Thing Done".')
    assert text in doc and f"Owner: {text}" in doc
    assert "Deprecated" in doc
    last = inspect.getdoc(package.quote_ended)  # the text ends the docstring
    assert last is not None and last.endswith(text)
    assert get_args(package.ThingDone.__annotations__["kind"]) == tuple(values)
    embedded = package._schemas.SCHEMAS
    assert embedded == build_client(load_codegen_plan(plan)).schemas
    source = (tmp_path / "docs_client" / "__init__.py").read_text(encoding="utf-8")
    assert "\u2028" not in source and "\u202e" not in source and "\x07" not in source


# -- mypy ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MypyRun:
    code: int
    output: str
    files: int  # how many source files mypy was given
    errors: dict[tuple[str, int], list[str]]  # (file, line) -> messages

    def errors_in(self, prefix: str) -> list[str]:
        return [
            f"{file}:{line}: {message}"
            for (file, line), messages in sorted(self.errors.items())
            for message in messages
            if file.startswith(prefix)
        ]


MISUSE_PREAMBLE = """\
import hostile
import shop
import shop_checked

ORDER: shop.OrderCompleted = {
    "order_id": "o", "revenue": 1.0, "currency": "EUR", "products": [],
}
"""
_O = '"order_id": "o", "revenue": 1.0, "currency": "EUR"'
MISUSES = [  # (a line that must fail mypy, what its error must say)
    (
        'shop.order_completed({"order_id": 7, "revenue": 1.0, "currency": "EUR", "products": []})',
        '"order_id" has type "str"',
    ),
    (
        'shop.order_completed({"revenue": 1.0, "currency": "EUR", "products": []})',
        'Missing key "order_id"',
    ),
    (
        'shop.order_completed({"order_id": "o", "revenue": 1.0, "currency": "JPY", '
        '"products": []})',
        """"currency" has type "Literal['USD', 'EUR', 'GBP', 'CAD']\"""",
    ),
    ("shop.order_complete(ORDER)", 'Module has no attribute "order_complete"'),
    (f'shop.order_completed({{{_O}, "products": [], "cupon": "x"}})', 'Extra key "cupon"'),
    (f'shop.order_completed({{{_O}, "products": [{{"price": "9"}}]}})', '"price" has type "float"'),
    ("shop.order_completed(ORDER, user_id=7)", 'Argument "user_id" to "order_completed"'),
    ('shop.group({"name": "Acme"})', 'Missing named argument "group_id"'),
    ('shop.screen_checkout({"step": None})', '"step" has type "int"'),
    ('shop.identify({"loyalty_tier": "diamond"})', 'TypedDict item "loyalty_tier" has type'),
    (
        'hostile.order_completed({"order id": "o", "nested object": {"in": 1}, "class": "q\'d"})',
        'TypedDict item "class" has type',
    ),
    (
        'hostile.order_completed({"order id": "o", "nested object": {"is": None}})',
        'Missing key "in" for TypedDict "OrderCompletedNestedObject"',
    ),
    ('hostile.delete({"fun": "f", "val": 4})', '"val" has type "Literal[1, 2, 3]"'),
    (
        "shop_checked.set_violation_handler(lambda violation: violation.nope)",
        '"PlanViolation" has no attribute "nope"',
    ),
    ("shop_checked.order_completed(ORDER, contxt={})", 'Unexpected keyword argument "contxt"'),
]


def _usage(client: Client, package: str) -> str:
    """Calls every function twice: every field with its first type, then only the required
    ones with their last type (None where nullable)."""
    names = _Names(client)
    lines = ["from datetime import datetime, timezone", "", f"import {package}", ""]
    for call in client.calls:
        function = f"{package}.{names.function[id(call)]}"
        extra = ', group_id="g1"' if call.call is CallType.GROUP else ""
        lines.append(f'{function}({_payload(call.payload, 0)}, user_id="u1"{extra})')
        payload = f"{_payload(call.payload, 1)}, " if call.required_payload else ""
        lines.append(
            f"{function}({payload}anonymous_id='a1', context={{'a': 1}},"
            f" timestamp=datetime.now(timezone.utc), integrations={{'All': True}},"
            f" message_id='m1'{extra})"
        )
    if "checked" in package:
        lines += [
            f"{package}.set_violation_handler({package}.raise_violation)",
            f"handler: {package}.ViolationHandler = {package}.warn_violation",
            f"warning: type[Warning] = {package}.PlanViolationWarning",
        ]
    return "\n".join(lines) + "\n"


def _payload(shape: Shape, variant: int) -> str:
    fields = [f for f in shape.fields if f.required or not variant]
    return (
        "{" + ", ".join(f"{f.wire!r}: {_value(f.type, f.nullable, variant)}" for f in fields) + "}"
    )


def _value(type_: Type, nullable: bool, variant: int) -> str:
    if variant and nullable:
        return "None"
    kind = type_.kinds()[-1 if variant else 0]
    if kind.kind == "enum":
        return repr(kind.literals[-1 if variant else 0])
    if kind.kind == "object":
        return '{"k": 1}' if kind.shape is None else _payload(kind.shape, variant)
    if kind.kind == "array":
        return "[" + ("1" if kind.item is None else _value(kind.item, False, variant)) + "]"
    values = {"string": '"s"', "integer": "1", "number": "1.5", "boolean": "True", "null": "None"}
    return values.get(kind.kind, '{"any": [1]}')


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> MypyRun:
    root = tmp_path_factory.mktemp("mypy")
    packages = []
    for name, plan in PLANS.items():
        for checks in (False, True):
            package = f"{name}_checked" if checks else name
            write_client(plan, root / package, checks=checks)
            usage = _usage(build_client(load_codegen_plan(plan)), package)
            (root / f"use_{package}.py").write_text(usage, encoding="utf-8")
            packages.append(package)
    misuse = MISUSE_PREAMBLE + "".join(f"{code}\n" for code, _ in MISUSES)
    (root / "misuse.py").write_text(misuse, encoding="utf-8")
    config = root / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = True\npython_version = 3.11\n\n"
        "[mypy-segment.*]\nignore_missing_imports = True\n",
        encoding="utf-8",
    )
    usages = sorted(p.name for p in root.glob("*.py"))
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--no-color-output"]
    done = subprocess.run(
        [*command, "--show-error-codes", *packages, *usages],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors: dict[tuple[str, int], list[str]] = {}
    for match in re.finditer(r"^(\S+?):(\d+): error: (.*)$", done.stdout, re.M):
        errors.setdefault((match[1], int(match[2])), []).append(match[3])
    files = len(list(root.rglob("*.py")))
    return MypyRun(done.returncode, done.stdout + done.stderr, files, errors)


def test_generated_clients_and_their_use_pass_mypy_strict(mypy_run: MypyRun) -> None:
    assert f"checked {mypy_run.files} source files" in mypy_run.output, mypy_run.output
    clean = [e for e in mypy_run.errors_in("") if not e.startswith("misuse.py")]
    assert not clean, mypy_run.output


def test_mypy_rejects_each_misuse_on_its_line(mypy_run: MypyRun) -> None:
    assert mypy_run.code != 0
    first = len(MISUSE_PREAMBLE.splitlines()) + 1
    for number in range(1, first):
        assert ("misuse.py", number) not in mypy_run.errors, mypy_run.output
    for number, (code, expected) in enumerate(MISUSES, first):
        found = mypy_run.errors.get(("misuse.py", number), [])
        assert any(expected in message for message in found), (code, found)


# -- end to end ----------------------------------------------------------------------------------


@dataclass
class Collector:
    url: str
    posts: list[tuple[str, dict[str, Any]]]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [message for _, body in self.posts for message in body["batch"]]


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    """A Segment-like endpoint on 127.0.0.1 that records each POSTed batch."""
    posts: list[tuple[str, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            posts.append((self.path, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Collector(f"http://127.0.0.1:{server.server_address[1]}", posts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def verdicts(plan: Path, messages: list[dict[str, Any]]) -> list[tuple[bool, list[str]]]:
    """tp validate's verdict on each message: (valid, JSON pointers of its errors)."""
    validator = EventValidator(load_codegen_plan(plan))
    results = []
    for index, message in enumerate(messages, 1):
        record = Record(json.dumps(message).encode(), "captured.jsonl", index, index)
        valid, findings, _ = validator.check(record)
        results.append((valid, [f.pointer for f in findings if f.severity.name == "ERROR"]))
    return results


def test_calls_reach_segment_stamped_with_wire_names_unchanged(
    tmp_path: Path, collector: Collector
) -> None:
    shop = import_client(SHOP_PLAN, tmp_path, "shop_e2e", checks=False)
    shop.bind(segment.analytics.Client("key", host=collector.url, sync_mode=True, gzip=True))
    context = {**APP, STAMP_KEY: {"name": "spoofed"}, "locale": "en-US"}
    shop.order_completed(ORDER, **IDS, context=context)
    shop.order_completed({**ORDER, "revenue": "25.50"}, **IDS, context=APP)
    shop.group({"name": "Acme", "vat_id": None}, group_id="g1", **IDS, context=APP)
    shop.page_category({"category": "shoes", "path": "/c/shoes"}, **IDS, context=APP)
    shop.screen_checkout({"step": 2}, **IDS, context=APP, category="checkout")
    shop.identify({"email": "ada@example.com"}, **IDS, context=APP)

    assert context[STAMP_KEY] == {"name": "spoofed"}  # the caller's context is not changed
    assert {path for path, _ in collector.posts} == {"/v1/batch"}
    messages = collector.messages
    assert [m["type"] for m in messages] == [
        "track",
        "track",
        "group",
        "page",
        "screen",
        "identify",
    ]
    assert messages[0]["event"] == "Order Completed" and messages[0]["properties"] == ORDER
    assert messages[2]["groupId"] == "g1" and messages[2]["traits"]["vat_id"] is None
    assert messages[3]["name"] == "Category" and messages[4]["category"] == "checkout"
    for message in messages:
        assert message["context"][STAMP_KEY] == SHOP_STAMP
        assert message["context"]["app"] == APP["app"]
    assert messages[0]["context"]["locale"] == "en-US"
    results = verdicts(SHOP_PLAN, messages)
    assert [valid for valid, _ in results] == [True, False, True, True, True, True], results
    assert "/properties/revenue" in results[1][1]


def test_unbound_calls_use_the_segment_module_default_client(
    tmp_path: Path, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack = import_client(SLACK_PLAN, tmp_path, "slack_e2e", checks=False)
    monkeypatch.setattr(segment.analytics, "write_key", "key")
    monkeypatch.setattr(segment.analytics, "host", collector.url)
    monkeypatch.setattr(segment.analytics, "sync_mode", True)
    monkeypatch.setattr(segment.analytics, "default_client", None)
    slack.bind(None)
    slack.bot_installed(
        {"team_id": "T024BE7LD", "source": None}, user_id="U1", anonymous_id="a1", context=APP
    )
    [message] = collector.messages
    assert message["event"] == "Bot Installed"
    assert message["properties"] == {"team_id": "T024BE7LD", "source": None}
    assert message["context"][STAMP_KEY] == {"name": "standup-bot", "version": "1.0.0"}
    assert verdicts(SLACK_PLAN, [message]) == [(True, [])]


def test_deprecated_calls_warn(tmp_path: Path, collector: Collector) -> None:
    shop = import_client(SHOP_PLAN, tmp_path, "shop_deprecated", checks=False)
    shop.bind(segment.analytics.Client("key", host=collector.url, sync_mode=True))
    with pytest.warns(DeprecationWarning, match="Checkout Button Tapped") as record:
        shop.checkout_button_tapped({"cart_id": "c1"}, **IDS, context=APP)
    assert record[0].filename == __file__
    assert [m["event"] for m in collector.messages] == ["Checkout Button Tapped"]


def test_runtime_checks_warn_by_default_and_raise_before_sending(
    tmp_path: Path, collector: Collector
) -> None:
    shop = import_client(SHOP_PLAN, tmp_path, "shop_runtime", checks=True)
    shop.bind(segment.analytics.Client("key", host=collector.url, sync_mode=True))
    bad = {**ORDER, "order_id": "not-an-order", "revenue": -1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shop.order_completed(ORDER, **IDS, context=APP)  # valid: no warning
    with pytest.warns(shop.PlanViolationWarning, match="Order Completed") as record:
        shop.order_completed(bad, **IDS, context=APP)
    assert record[0].filename == __file__  # the warning points at the app's call
    assert "/properties/order_id" in str(record[0].message)
    assert len(collector.messages) == 2  # the default handler still sends

    shop.set_violation_handler(shop.raise_violation)
    with pytest.raises(shop.PlanViolation) as raised:
        shop.order_completed(bad, **IDS, context=APP)
    with pytest.raises(shop.PlanViolation) as missing_context:
        shop.identify({"email": "ada@example.com"}, **IDS)
    assert len(collector.messages) == 2  # nothing sent after a raise
    assert raised.value.call == "Order Completed"
    assert [p.split(":")[0] for p in raised.value.problems] == [
        "/properties/order_id",
        "/properties/revenue",
    ]
    assert missing_context.value.problems == ("/context: 'app' is a required property",)
    results = verdicts(SHOP_PLAN, collector.messages)
    assert results == [(True, []), (False, ["/properties/order_id", "/properties/revenue"])]


def test_hostile_client_sends_exact_names_and_enum_values(
    tmp_path: Path, collector: Collector
) -> None:
    hostile = import_client(HOSTILE_PLAN, tmp_path, "hostile_e2e", checks=True)
    hostile.bind(segment.analytics.Client("key", host=collector.url, sync_mode=True))
    hostile.set_violation_handler(hostile.raise_violation)
    values = get_args(hostile.OrderCompleted.__annotations__["class"])
    for value in values:
        payload = {"order id": "o1", "nested object": {"in": 1, "is": None}, "class": value}
        hostile.order_completed({**payload, "日本": "x", "café": "y", "1st": 1}, **IDS)
    hostile.order_completed2({"x": "z"}, **IDS)
    hostile.unnamed(**IDS)
    hostile.page_home2(**IDS)
    messages = collector.messages
    assert [m["properties"]["class"] for m in messages[: len(values)]] == list(values)
    assert set(messages[0]["properties"]) == {
        "order id",
        "nested object",
        "class",
        "日本",
        "café",
        "1st",
    }
    assert [m.get("event") or m.get("name") for m in messages[len(values) :]] == [
        "order_completed",
        "!!!",
        "home",
    ]
    plan = load_codegen_plan(HOSTILE_PLAN)
    assert messages[0]["context"][STAMP_KEY] == {"name": plan.name, "version": plan.version}
    assert all(valid for valid, _ in verdicts(HOSTILE_PLAN, messages))
