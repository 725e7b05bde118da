"""The TypeScript client generator, checked by the real TypeScript compiler against the real type
declarations of @segment/analytics-next and @segment/analytics-node, and run under node.

A session fixture installs the pinned npm packages into .cache/codegen-npm/ once; the compiler
tests skip when npm or node is missing (CI has both). One tsc run per module setting checks every
generated client (each plan x SDK x with and without runtime checks) with a usage file each, and
the negative cases, which must fail; another compiles four clients to JavaScript that a single
node process drives with fake SDK instances.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    HOSTILE_VERSION,
    REPO_ROOT,
    SHOP_PLAN,
    SLACK_PLAN,
    load_codegen_plan,
    npm_packages,
)

from tracking_plan.codegen import HEADER_MARK, CodegenOptions, generate
from tracking_plan.codegen.ir import Client, Type, build_client
from tracking_plan.codegen.typescript import identifiers
from tracking_plan.model import CallType

HOSTILE = REPO_ROOT / "tests" / "fixtures" / "codegen" / "hostile.yaml"
PLANS = {"shop": SHOP_PLAN, "slack-bot": SLACK_PLAN, "hostile": HOSTILE}
NEXT, NODE = "analytics-next", "analytics-node"
NPM_CACHE = REPO_ROOT / ".cache" / "codegen-npm"
# Checked to work together; bump them together and run these tests again.
PACKAGES = {
    "typescript": "7.0.2",
    "@segment/analytics-next": "1.84.3",
    "@segment/analytics-node": "3.1.0",
}
# Stricter than --strict alone: these flags only add errors, so passing them implies passing
# `tsc --strict`, and apps with strict settings of their own can use the clients.
COMPILER_OPTIONS: dict[str, Any] = {
    "strict": True,
    "target": "es2020",
    "module": "commonjs",
    "noUncheckedIndexedAccess": True,
    "exactOptionalPropertyTypes": True,
    "noUnusedLocals": True,
    "noUnusedParameters": True,
    "noImplicitReturns": True,
    "noPropertyAccessFromIndexSignature": True,
    "isolatedModules": True,
    "skipLibCheck": True,  # the SDKs' own declarations are not ours to check
}
MODULE_SETTINGS = {
    "commonjs": {"module": "commonjs"},
    "nodenext": {"module": "nodenext", "moduleResolution": "nodenext"},
}


@dataclass(frozen=True, slots=True)
class Variant:
    plan: str
    sdk: str
    checks: bool

    @property
    def folder(self) -> str:
        return f"{self.plan}-{self.sdk}-{'checks' if self.checks else 'prod'}"


VARIANTS = [Variant(p, s, c) for p in PLANS for s in (NEXT, NODE) for c in (False, True)]


@functools.cache
def client(plan: str) -> Client:
    return build_client(load_codegen_plan(PLANS[plan]))


@functools.cache
def files(variant: Variant) -> dict[str, str]:
    options = CodegenOptions(variant.sdk, variant.checks)
    return generate(load_codegen_plan(PLANS[variant.plan]), "typescript", options)


def write_client(variant: Variant, root: Path) -> None:
    for path, text in files(variant).items():
        target = root / variant.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


HOSTILE_RAW = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
HOSTILE_CLASSES = HOSTILE_RAW["events"]["Order Completed"]["properties"]["class"]["enum"]
PWNED = "tp-pwned"  # the file the code in the hostile plan's texts would create


def ts(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# -- what generation promises, without a compiler ---------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.folder)
def test_files_headers_and_byte_stability(variant: Variant) -> None:
    generated = files(variant)
    expected = ["index.ts", "runtime.ts"] if variant.checks else ["index.ts"]
    assert sorted(generated) == expected
    options = CodegenOptions(variant.sdk, variant.checks)
    assert generate(load_codegen_plan(PLANS[variant.plan]), "typescript", options) == generated
    for text in generated.values():
        assert text.startswith("// " + HEADER_MARK)
        assert text.endswith("}\n") and "\r" not in text and " \n" not in text


@pytest.mark.parametrize("sdk", [NEXT, NODE])
def test_production_output_has_no_validator(sdk: str) -> None:
    production = files(Variant("shop", sdk, False))["index.ts"]
    for validator_word in ("./runtime", "check(", "PAYLOADS", "validate(", "RegExp"):
        assert validator_word not in production
    checked = files(Variant("shop", sdk, True))
    calls = client("shop").calls
    assert checked["index.ts"].count("      check(") == len(calls)
    for call in calls:
        assert ts(call.schema_path) + ": {" in checked["runtime.ts"]


def test_hostile_identifiers_are_unique_and_deterministic() -> None:
    hostile = client("hostile")
    names = identifiers(hostile)
    assert list(names.functions) == [
        "orderCompleted",
        "orderCompleted2",
        "class_",
        "_1stPurchase",
        "cafeOrdered",
        "u65e5u672cEvent",
        "unnamed",
        "delete_",
        "identify",
        "group",
        "homePage",
        "homePage2",
        "settingsScreen",
    ]
    types = list(names.types.values())
    assert len(set(types)) == len(types)
    assert types[:3] == ["OrderCompleted", "OrderCompletedNestedObject", "OrderCompleted2"]
    index = files(Variant("hostile", NEXT, True))["index.ts"]
    declared = re.findall(r"^export (?:interface|type|const|function) (\w+)", index, re.M)
    assert len(set(declared)) == len(declared)
    members = re.findall(r"^  (\w+)\(", index.split("export interface TrackingClient")[1], re.M)
    assert members == list(names.functions)


def test_hostile_literals_are_json_escaped_not_html_escaped() -> None:
    index = files(Variant("hostile", NEXT, False))["index.ts"]
    union = re.search(r"^  class\?: (.*);$", index, re.M)
    assert union is not None
    decoded = json.loads("[" + union.group(1).replace(" | ", ", ") + "]")
    assert decoded == HOSTILE_CLASSES
    assert '"order id": string;' in index and '"日本"?: string;' in index
    assert "&amp;" not in index and "&lt;" not in index
    # `*/` in a description cannot close its comment early.
    description = HOSTILE_RAW["events"]["Order Completed"]["description"]
    assert description.replace("*/", "*\\/") in index


# -- the toolchain ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Toolchain:
    node: str
    node_modules: Path

    def tsc(self, project: Path) -> subprocess.CompletedProcess[str]:
        compiler = self.node_modules / "typescript" / "bin" / "tsc"
        return subprocess.run(
            [self.node, str(compiler), "-p", str(project), "--pretty", "false"],
            cwd=project.parent,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    """node, and the pinned packages in .cache/codegen-npm/ (installed once)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("npm and node are needed to compile and run the TypeScript clients")
    modules = npm_packages(NPM_CACHE, PACKAGES)
    return Toolchain(node, modules)


def project(root: Path, toolchain: Toolchain, name: str, options: dict[str, Any]) -> Path:
    """A tsconfig for every .ts file under `root`, which sees the cached node_modules."""
    link = root / "node_modules"
    if not link.exists():
        link.symlink_to(toolchain.node_modules, target_is_directory=True)
    config = {"compilerOptions": options, "include": ["**/*.ts"], "exclude": ["node_modules"]}
    path = root / name
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


@dataclass(frozen=True, slots=True)
class TscError:
    file: str
    line: int
    column: int
    message: str


def describe(errors: Iterable[TscError]) -> str:
    return "\n".join(f"{e.file}({e.line},{e.column}): {e.message}" for e in errors)


ERROR_LINE = re.compile(r"^(?P<file>.+?)\((?P<line>\d+),(?P<column>\d+)\): error (?P<message>.*)$")


def parse_errors(output: str, root: Path) -> dict[str, list[TscError]]:
    """tsc's errors by file (relative to `root`); a message's indented details are kept."""
    found: dict[str, list[TscError]] = defaultdict(list)
    last: TscError | None = None
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            name = Path(match["file"])
            file = (name if name.is_absolute() else root / name).relative_to(root).as_posix()
            last = TscError(file, int(match["line"]), int(match["column"]), match["message"])
            found[file].append(last)
        elif last is not None and line.startswith(" "):
            extended = TscError(last.file, last.line, last.column, f"{last.message}\n{line}")
            found[last.file][-1] = last = extended
        elif line.strip():
            found["<tsc>"].append(TscError("<tsc>", 0, 0, line))
    return found


# -- usage files -------------------------------------------------------------------------------


def sample(kind: Type) -> str:
    """A TypeScript value of this type with the required fields of objects only."""
    if kind.kind == "enum":
        return ts(kind.literals[0])
    if kind.kind == "object":
        if kind.shape is None:
            return "{}"
        fields = [f"{ts(f.wire)}: {sample(f.type)}" for f in kind.shape.fields if f.required]
        return "{ " + ", ".join(fields) + " }"
    values = {"string": '"x"', "integer": "1", "number": "1.5", "boolean": "true"}
    return values.get(kind.kind, "[]" if kind.kind == "array" else "null")


def usage(variant: Variant) -> str:
    """Every function called with a minimal payload, the client bound to real SDK instances,
    and every field's optionality and nullability asserted at the type level."""
    plan = client(variant.plan)
    names = identifiers(plan)
    module = ts(f"../{variant.folder}/index.js")
    lines = [f"import * as generated from {module};"]
    if variant.sdk == NEXT:
        lines += [
            'import type { Analytics, AnalyticsBrowser, Context } from "@segment/analytics-next";',
            "declare const browser: AnalyticsBrowser;",
            "declare const loaded: Analytics;",
            "const tracking: generated.TrackingClient = generated.createTrackingClient(browser);",
            "export const fromLoaded = generated.createTrackingClient(loaded);",
            "export const sent: Promise<Context>[] = [];",
        ]
    else:
        lines += [
            'import { Analytics } from "@segment/analytics-node";',
            'const analytics = new Analytics({ writeKey: "key" });',
            "const tracking: generated.TrackingClient = generated.createTrackingClient(analytics);",
        ]
    for call, name in zip(plan.calls, names.functions, strict=True):
        payload = sample(Type("object", shape=call.payload))
        if variant.sdk == NEXT:
            who = {CallType.IDENTIFY: '"u1", ', CallType.GROUP: '"g1", '}.get(call.call, "")
            options = '{ context: { ip: "1.2.3.4" } }'
            lines.append(f"sent.push(tracking.{name}({who}{payload}, {options}));")
        else:
            options = {
                CallType.IDENTIFY: '{ anonymousId: "a1" }',
                CallType.GROUP: '{ groupId: "g1", userId: "u1" }',
            }.get(call.call, '{ userId: "u1", context: { ip: "1.2.3.4" } }')
            lines.append(f"tracking.{name}({payload}, {options});")
    lines += [
        "type Optional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;",
        "type Nullable<T, K extends keyof T> = null extends Required<T>[K] ? true : false;",
    ]
    asserted, expected = [], []
    for call in plan.calls:
        for shape in (call.payload, *call.payload.nested()):
            type_name = f"generated.{names.types[shape.path]}"
            for field in shape.fields:
                asserted.append(f"Optional<{type_name}, {ts(field.wire)}>")
                asserted.append(f"Nullable<{type_name}, {ts(field.wire)}>")
                expected += [not field.required, field.nullable or field.type.kind == "any"]
    lines.append(f"export const fields: [{', '.join(asserted)}] = {ts(expected)};")
    return "\n".join(lines) + "\n"


HOSTILE_TYPES = """import type * as generated from "../hostile-analytics-next-prod/index.js";

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Optional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;
type Order = Required<generated.OrderCompleted>;

export const exact: [
  Equal<Order["order id"], string>,
  Equal<Order["class"], __CLASSES__>,
  Equal<Order["default"], boolean | null>,
  Equal<Order["self"], string | number>,
  Equal<Order["import"], string[]>,
  Equal<Order["nested object"], generated.OrderCompletedNestedObject>,
  Equal<generated.OrderCompletedNestedObject["is"], string | null | undefined>,
  Equal<Required<generated.Delete>["val"], 1 | 2 | 3>,
  Equal<Required<generated.IdentifyTraits>["object"], Record<string, unknown>>,
  Optional<generated.OrderCompleted, "default">,
  Equal<Optional<generated.OrderCompleted, "nested object">, false>,
  Equal<generated.TrackingClient["delete_"], generated.TrackingClient["delete_"]>,
  Equal<typeof generated.TRACKING_PLAN.name, __PLAN_NAME__>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
"""


def hostile_types() -> str:
    classes = " | ".join(ts(c) for c in HOSTILE_CLASSES)
    return HOSTILE_TYPES.replace("__CLASSES__", classes).replace(
        "__PLAN_NAME__", ts(HOSTILE_RAW["plan"])
    )


# Statements that must not compile, and the name each error must mention. `{call}` gets the
# SDK's way of passing options.
NEGATIVE = {
    "wrong_type": (
        "revenue",
        'tracking.orderCompleted({ order_id: "o", revenue: "10", currency: "EUR", products: [] }'
        "{options});",
    ),
    "missing_required": (
        "order_id",
        'tracking.orderCompleted({ revenue: 10, currency: "EUR", products: [] }{options});',
    ),
    "misspelled_event": (
        "ordrCompleted",
        'tracking.ordrCompleted({ order_id: "o", revenue: 10, currency: "EUR", products: [] }'
        "{options});",
    ),
    "enum_value": (
        "currency",
        'tracking.orderCompleted({ order_id: "o", revenue: 10, currency: "JPY", products: [] }'
        "{options});",
    ),
    "misspelled_property": (
        "affilation",
        "tracking.orderCompleted("
        '{ order_id: "o", revenue: 1, currency: "EUR", products: [], affilation: "acme-web" }'
        "{options});",
    ),
    "payload_where_the_plan_has_none": ("title", 'tracking.homeScreen({ title: "x" }{options});'),
    "nested_wrong_type": (
        "express",
        'tracking.deliverySlotSelected({ cart_id: "c", slot: { starts_at: "a", ends_at: "b", '
        'express: "yes" } }{options});',
    ),
}
NODE_ONLY_NEGATIVE = {
    "missing_identity": (
        "TrackOptions",  # which says: userId or anonymousId
        'tracking.orderCompleted({ order_id: "o", revenue: 10, currency: "EUR", products: [] }'
        ", {});",
    ),
}
NEGATIVE_CASES = [(sdk, case) for sdk in (NEXT, NODE) for case in NEGATIVE] + [
    (NODE, case) for case in NODE_ONLY_NEGATIVE
]


def negative(sdk: str, case: str) -> str:
    module = ts(f"../shop-{sdk}-prod/index.js")
    statement = {**NEGATIVE, **NODE_ONLY_NEGATIVE}[case][1]
    options = "" if sdk == NEXT else ', { userId: "u1" }'
    return (
        f"import {{ createTrackingClient, type SegmentAnalytics }} from {module};\n"
        "declare const analytics: SegmentAnalytics;\n"
        "const tracking = createTrackingClient(analytics);\n"
        + statement.replace("{options}", options)
        + "\n"
    )


# -- one compiler run over everything ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Compiled:
    root: Path
    errors: dict[str, dict[str, list[TscError]]]  # module setting -> file -> errors
    codes: dict[str, int]


@pytest.fixture(scope="session")
def compiled(toolchain: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    root = tmp_path_factory.mktemp("typescript")
    for variant in VARIANTS:
        write_client(variant, root)
        (root / "usage").mkdir(exist_ok=True)
        (root / "usage" / f"{variant.folder}.ts").write_text(usage(variant), encoding="utf-8")
    (root / "usage" / "hostile-types.ts").write_text(hostile_types(), encoding="utf-8")
    (root / "negative").mkdir()
    for sdk, case in NEGATIVE_CASES:
        (root / "negative" / f"{sdk}-{case}.ts").write_text(negative(sdk, case), encoding="utf-8")
    errors, codes = {}, {}
    for setting, module in MODULE_SETTINGS.items():
        options = {**COMPILER_OPTIONS, **module, "noEmit": True}
        result = toolchain.tsc(project(root, toolchain, f"tsconfig.{setting}.json", options))
        errors[setting] = parse_errors(result.stdout + result.stderr, root)
        codes[setting] = result.returncode
    return Compiled(root, errors, codes)


@pytest.mark.e2e
@pytest.mark.parametrize("setting", sorted(MODULE_SETTINGS))
def test_tsc_fails_only_on_the_negative_cases(compiled: Compiled, setting: str) -> None:
    errors = compiled.errors[setting]
    assert compiled.codes[setting] != 0  # the negatives are in the program
    unexpected = {f: e for f, e in errors.items() if not f.startswith("negative/")}
    assert not unexpected, "\n".join(
        f"{e.file}({e.line},{e.column}): {e.message}"
        for found in unexpected.values()
        for e in found
    )


@pytest.mark.e2e
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.folder)
def test_client_and_usage_compile_against_the_sdk(compiled: Compiled, variant: Variant) -> None:
    for errors in compiled.errors.values():
        mine = [e for f, found in errors.items() for e in found if variant.folder in f]
        assert not mine, describe(mine)
    assert (compiled.root / variant.folder / "index.ts").is_file()


@pytest.mark.e2e
@pytest.mark.parametrize(("sdk", "case"), NEGATIVE_CASES)
def test_mistakes_do_not_compile(compiled: Compiled, sdk: str, case: str) -> None:
    name = f"negative/{sdk}-{case}.ts"
    mentioned = {**NEGATIVE, **NODE_ONLY_NEGATIVE}[case][0]
    source = (compiled.root / name).read_text(encoding="utf-8").splitlines()
    for errors in compiled.errors.values():
        found = errors.get(name, [])
        assert found, f"{name} compiled, but it must not"
        assert all(e.line == 4 for e in found), found  # the statement, not the preamble

        def points_at(error: TscError) -> bool:
            return source[error.line - 1][error.column - 1 :].startswith(mentioned)

        assert any(mentioned in e.message or points_at(e) for e in found), found


# -- running the compiled JavaScript -----------------------------------------------------------

RUN_VARIANTS = [
    Variant("hostile", NEXT, True),
    Variant("shop", NODE, True),
    Variant("shop", NEXT, False),
    Variant("slack-bot", NODE, False),
]

DRIVER = r"""
"use strict";
const HOSTILE_CLASSES = __CLASSES__;

function fake(style) {
  const calls = [];
  const analytics = {};
  for (const method of ["track", "identify", "group", "page", "screen"]) {
    analytics[method] = (...args) => {
      calls.push([method, ...args]);
      return style === "next" ? Promise.resolve("delivered") : undefined;
    };
  }
  return { calls, analytics };
}

function collect(client) {
  const violations = [];
  client.setViolationHandler((violation) => violations.push(violation));
  return violations;
}

async function main() {
  const results = {};
  {
    const client = require("./out/hostile-analytics-next-checks/index.js");
    const { calls, analytics } = fake("next");
    const violations = collect(client);
    const tracking = client.createTrackingClient(analytics);
    const context = { context: { ip: "1.2.3.4", tracking_plan: "spoofed" } };
    for (const value of HOSTILE_CLASSES) {
      tracking.orderCompleted(
        { "order id": "o1", "日本": "ja", "café": "c", class: value, "nested object": { in: 1 } },
        context,
      );
    }
    tracking.unnamed();
    tracking.u65e5u672cEvent();
    tracking.delete_({ fun: "f", val: 2 });
    tracking.identify("u1", { email: "a@b.co", when: "2024-05-01T10:00:00Z" });
    tracking.group("g1", { name: "n" });
    tracking.homePage2();
    tracking.settingsScreen({ tab: "privacy" });
    results.hostile = { calls: calls.splice(0), violations: violations.splice(0) };

    tracking.orderCompleted({
      "order id": 5, "nested object": { in: 1.5 }, extra: true, class: "a&b", "1st": -1,
      import: ["a", 2],
    });
    tracking.delete_({ code: "\u202e", ["__proto__"]: 5 });
    results.hostileBad = { violations: violations.splice(0), sent: calls.splice(0).length };

    client.setViolationHandler((violation) => {
      throw new Error(`bad ${violation.name}: ${violation.errors.map((e) => e.path).join()}`);
    });
    try {
      tracking.orderCompleted({ "order id": 5, "nested object": { in: 1 } });
      results.thrown = null;
    } catch (error) {
      results.thrown = error.message;
    }
    results.sentAfterThrow = calls.length;

    client.setViolationHandler(null);
    const warnings = [];
    const warn = console.warn;
    console.warn = (...args) => warnings.push(args.join(" "));
    tracking.orderCompleted({ "order id": 5, "nested object": { in: 1 } });
    console.warn = warn;
    results.warnings = warnings;
  }
  {
    const client = require("./out/shop-analytics-node-checks/index.js");
    const { calls, analytics } = fake("node");
    const violations = collect(client);
    const tracking = client.createTrackingClient(analytics);
    const order = {
      order_id: "ord_7k2m9x4q1b8z", revenue: 10, currency: "EUR", products: [{ product_id: "p" }],
    };
    tracking.orderCompleted(order, { userId: "u1", context: { ip: "1.2.3.4" } });
    tracking.identify({ email: "a@b.co", created_at: "2024-05-01T10:00:00Z" }, { userId: "u1" });
    tracking.group({ name: "Acme" }, { groupId: "g1", userId: "u1" });
    tracking.productPage({ product_id: "prd_004211" }, { anonymousId: "a1", category: "Shop" });
    tracking.checkoutScreen({ step: 2 }, { userId: "u1" });
    results.shop = { calls: calls.splice(0), violations: violations.splice(0) };

    const who = { userId: "u1" };
    tracking.orderCompleted(
      { order_id: "nope", revenue: -1, currency: "JPY", products: [] }, who);
    tracking.loyaltyPointsRedeemed({ order_id: "ord_7k2m9x4q1b8z", points: 75 }, who);
    tracking.giftCardPurchased({
      amount: 0, currency: "EUR", recipient_email: "not-an-email", delivery_date: "2024-13-01",
    }, who);
    tracking.identify({ email: "a@b.co", created_at: "yesterday" }, who);
    tracking.deliverySlotSelected({
      cart_id: "cart_9f86d081884c7d65",
      slot: { starts_at: "2024-05-01T10:00:00Z", ends_at: "2024-05-01T12:00:00Z", extra: 1 },
    }, who);
    tracking.reviewSubmitted({ product_id: "prd_004211", rating: 5, headline: "ab" }, who);
    results.shopBad = violations.splice(0);
  }
  {
    const client = require("./out/shop-analytics-next-prod/index.js");
    const { calls, analytics } = fake("next");
    const violations = collect(client);
    const tracking = client.createTrackingClient(analytics);
    const returned = await tracking.orderCompleted({ order_id: "nope", revenue: "x" });
    tracking.homePage();
    results.production = { calls, violations, returned };
  }
  {
    const client = require("./out/slack-bot-analytics-node-prod/index.js");
    const { calls, analytics } = fake("node");
    const tracking = client.createTrackingClient(analytics);
    tracking.botInstalled({ team_id: "T024BE7LD", source: null }, { anonymousId: "a1" });
    results.slack = { calls };
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack));
  process.exit(1);
});
"""


@pytest.fixture(scope="session")
def ran(toolchain: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("javascript")
    for variant in RUN_VARIANTS:
        write_client(variant, root)
    (root / "package.json").write_text('{"type": "commonjs"}\n', encoding="utf-8")
    options = {**COMPILER_OPTIONS, "outDir": "out", "rootDir": "."}
    result = toolchain.tsc(project(root, toolchain, "tsconfig.json", options))
    assert result.returncode == 0, result.stdout + result.stderr
    driver = root / "driver.js"
    driver.write_text(DRIVER.replace("__CLASSES__", ts(HOSTILE_CLASSES)), encoding="utf-8")
    run = subprocess.run(
        [toolchain.node, str(driver)],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results: dict[str, Any] = json.loads(run.stdout)
    results["pwned"] = [p.name for p in root.rglob(PWNED)]
    results["production_js"] = (root / "out" / "shop-analytics-next-prod" / "index.js").read_text(
        encoding="utf-8"
    )
    return results


@pytest.mark.e2e
def test_loading_the_hostile_client_runs_none_of_its_plan_text(ran: dict[str, Any]) -> None:
    assert ran["pwned"] == []


def stamped(plan: str, **context: Any) -> dict[str, Any]:
    return {"context": {**context, "tracking_plan": client(plan).stamp}}


@pytest.mark.e2e
def test_wire_names_and_the_stamp_are_sent_unchanged(ran: dict[str, Any]) -> None:
    classes = HOSTILE_CLASSES
    calls = ran["hostile"]["calls"]
    assert ran["hostile"]["violations"] == []  # every planned literal passes the schema too
    # The caller's context is kept; a caller cannot replace the stamp.
    options = stamped("hostile", ip="1.2.3.4")
    assert options["context"]["tracking_plan"] == {
        "name": HOSTILE_RAW["plan"],
        "version": HOSTILE_VERSION,
    }
    for value, call in zip(classes, calls, strict=False):
        payload = {"order id": "o1", "日本": "ja", "café": "c", "class": value}
        assert call == [
            "track",
            "Order Completed",
            {**payload, "nested object": {"in": 1}},
            options,
        ]
    rest = calls[len(classes) :]
    bare = stamped("hostile")
    assert rest == [
        ["track", "!!!", {}, bare],
        ["track", "日本 Event", {}, bare],
        ["track", "delete", {"fun": "f", "val": 2}, bare],
        ["identify", "u1", {"email": "a@b.co", "when": "2024-05-01T10:00:00Z"}, bare],
        ["group", "g1", {"name": "n"}, bare],
        ["page", None, "home", {}, bare],
        ["screen", None, "Settings", {"tab": "privacy"}, bare],
    ]


@pytest.mark.e2e
def test_analytics_node_messages(ran: dict[str, Any]) -> None:
    order = {
        "order_id": "ord_7k2m9x4q1b8z",
        "revenue": 10,
        "currency": "EUR",
        "products": [{"product_id": "p"}],
    }
    bare = stamped("shop")
    assert ran["shop"]["violations"] == []
    assert ran["shop"]["calls"] == [
        [
            "track",
            {"userId": "u1", "event": "Order Completed", "properties": order}
            | stamped("shop", ip="1.2.3.4"),
        ],
        [
            "identify",
            {"userId": "u1", "traits": {"email": "a@b.co", "created_at": "2024-05-01T10:00:00Z"}}
            | bare,
        ],
        ["group", {"groupId": "g1", "userId": "u1", "traits": {"name": "Acme"}} | bare],
        [
            "page",
            {"anonymousId": "a1", "category": "Shop", "name": "Product"}
            | {"properties": {"product_id": "prd_004211"}}
            | bare,
        ],
        ["screen", {"userId": "u1", "name": "Checkout", "properties": {"step": 2}} | bare],
    ]
    stamp = client("slack-bot").stamp
    assert ran["slack"]["calls"][0][1]["context"] == {"tracking_plan": stamp}
    assert ran["slack"]["calls"][0][1]["properties"] == {"team_id": "T024BE7LD", "source": None}


def errors_of(violation: dict[str, Any]) -> dict[str, str]:
    return {e["path"]: e["message"] for e in violation["errors"]}


@pytest.mark.e2e
def test_runtime_checks_report_violations_to_the_handler(ran: dict[str, Any]) -> None:
    bad = ran["hostileBad"]
    assert bad["sent"] == 2  # a handler that returns lets the call through
    first, second = bad["violations"]
    assert (first["call"], first["name"]) == ("track", "Order Completed")
    assert first["schema"] == "track/order_completed.schema.json"
    assert errors_of(first) == {
        "/properties/order id": "must be string, not integer",
        "/properties/nested object/in": "must be integer, not number",
        "/properties/extra": "is not in the tracking plan",
        "/properties/class": "must be one of " + ", ".join(map(ts, HOSTILE_CLASSES)),
        "/properties/1st": "must be at least 0",
        "/properties/import/1": "must be string, not integer",
    }
    pattern = HOSTILE_RAW["events"]["delete"]["properties"]["code"]["pattern"]
    assert errors_of(second) == {
        "/properties": 'must have "fun"',
        "/properties/code": f"must match {pattern}",
        "/properties/__proto__": "must be string, not integer",
    }


@pytest.mark.e2e
def test_a_throwing_handler_stops_the_call(ran: dict[str, Any]) -> None:
    assert ran["thrown"] == "bad Order Completed: /properties/order id"
    assert ran["sentAfterThrow"] == 0
    [warning] = ran["warnings"]  # the default handler
    assert warning.startswith("track Order Completed breaks the tracking plan:")
    assert "/properties/order id must be string" in warning


@pytest.mark.e2e
def test_runtime_checks_cover_the_compiled_keywords(ran: dict[str, Any]) -> None:
    found = {
        (v["name"], path): message for v in ran["shopBad"] for path, message in errors_of(v).items()
    }
    assert found == {
        ("Order Completed", "/properties/order_id"): "must match ^ord_[0-9a-z]{12}$",
        ("Order Completed", "/properties/revenue"): "must be at least 0",
        ("Order Completed", "/properties/currency"): 'must be one of "USD", "EUR", "GBP", "CAD"',
        ("Order Completed", "/properties/products"): "must have at least 1 items",
        ("Loyalty Points Redeemed", "/properties/points"): "must be a multiple of 50",
        ("Gift Card Purchased", "/properties/amount"): "must be more than 0",
        ("Gift Card Purchased", "/properties/recipient_email"): "must be a valid email",
        ("Gift Card Purchased", "/properties/delivery_date"): ("must be a valid date or date-time"),
        ("", "/traits/created_at"): "must be a valid date-time",
        ("Delivery Slot Selected", "/properties/slot/extra"): "is not in the tracking plan",
        ("Review Submitted", "/properties/headline"): "must be at least 3 characters long",
    }


@pytest.mark.e2e
def test_production_build_sends_without_checking(ran: dict[str, Any]) -> None:
    production = ran["production"]
    assert production["violations"] == [] and production["returned"] == "delivered"
    assert production["calls"] == [
        ["track", "Order Completed", {"order_id": "nope", "revenue": "x"}, stamped("shop")],
        ["page", None, "Home", {}, stamped("shop")],
    ]
    assert "./runtime" not in ran["production_js"] and "check(" not in ran["production_js"]
