"""Segment Protocols interop: export_plan, import_segment and their round trip."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_tp, scaled

from tracking_plan.diagnostics import Severity
from tracking_plan.loader import load_plan, read_plan
from tracking_plan.model import Plan
from tracking_plan.reserved import SDK_PAGE_PROPERTIES
from tracking_plan.segment import ImportResult, export_plan, import_segment, import_segment_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "segment"
PLANS = ("plans/shop/plan.yaml", "plans/slack-bot/plan.yaml")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def canon(node: Any, top: bool = True) -> Any:
    """Drop what carries no meaning (`description: ""`, `labels: {}`, `properties: {}`, empty
    message fields) and sort `type`/`required` lists; dict equality already ignores key order."""
    if isinstance(node, list):
        return [canon(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if (key, value) in (("description", ""), ("labels", {}), ("properties", {})):
            continue
        if key in ("type", "required") and isinstance(value, list):
            value = sorted(value)
        out[key] = canon(value, False)
    if top:
        fields = out.get("properties", {})
        out["properties"] = {k: v for k, v in fields.items() if v not in ({}, {"type": "object"})}
    return out


def reimport(data: Any, tmp_path: Path, source: str = "plan.json") -> tuple[ImportResult, Plan]:
    result = import_segment(data, source=source)
    assert result.yaml_text is not None, [d.message for d in result.diagnostics]
    path = tmp_path / "plan.yaml"
    path.write_text(result.yaml_text, encoding="utf-8")
    loaded = read_plan(path)
    assert loaded.plan is not None, [f"{d.location}: {d.message}" for d in loaded.diagnostics]
    assert loaded.diagnostics == []
    return result, loaded.plan


def track(key: str, payload: Any, **extra: Any) -> dict[str, Any]:
    """A Public API track rule whose payload schema is `payload`."""
    return {
        "key": key,
        "type": "TRACK",
        "jsonSchema": {"properties": {"properties": payload}},
        **extra,
    }


def exported_rules(plan: Plan) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(r["type"], r["key"]): r for r in export_plan(plan)["rules"]}


# -- round trips ---------------------------------------------------------------------------


def test_public_api_round_trip(tmp_path: Path) -> None:
    data = fixture("public-api.json")
    result, plan = reimport(data, tmp_path, source="exports/public-api.json")
    assert result.diagnostics == []
    assert result.yaml_text is not None
    assert result.yaml_text.startswith(
        "# Imported from exports/public-api.json by tp import segment\nplan: acme-web\n"
    )
    assert plan.name == "acme-web"
    assert plan.description == "Events of the Acme web shop."
    assert [d.name for d in plan.definitions() if d.deprecated] == []  # deprecatedAt: 0001-01-01
    original = data["data"]["rules"]
    exported = exported_rules(plan)
    assert len(exported) == len(original)
    for rule in original:
        mine = exported[rule["type"], rule["key"]]
        assert mine["version"] == rule["version"]
        schema = without_sdk_page_properties(mine["jsonSchema"], rule["jsonSchema"])
        assert canon(schema) == canon(rule["jsonSchema"]), rule["key"]


def without_sdk_page_properties(mine: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """`mine` without the properties a page that forbids unplanned ones gains on loading
    (what Segment's SDKs add to every page call), where `original` did not list them."""
    mine = copy.deepcopy(mine)
    planned = mine.get("properties", {}).get("properties", {})
    listed = original.get("properties", {}).get("properties", {}).get("properties", {})
    for name in SDK_PAGE_PROPERTIES:
        if name not in listed and name in planned.get("properties", {}):
            del planned["properties"][name]
    return mine


def test_config_api_round_trip(tmp_path: Path) -> None:
    data = fixture("config-api.json")
    result, plan = reimport(data, tmp_path, source="plan.json")
    assert result.diagnostics == []
    assert plan.name == "acme-mobile-app"
    exported = exported_rules(plan)
    events = data["rules"]["events"]
    assert [e.name for e in plan.events] == [e["name"] for e in events]
    for event in events:
        mine = exported["TRACK", event["name"]]
        assert mine["version"] == event["version"]
        expected = {**event["rules"], "description": event["description"]}
        assert canon(mine["jsonSchema"]) == canon(expected), event["name"]
    identify = exported["IDENTIFY", None]["jsonSchema"]
    assert canon(identify) == canon(data["rules"]["identify"])
    assert plan.group is None


@pytest.mark.parametrize("plan_file", PLANS)
def test_export_import_export_is_stable(plan_file: str, tmp_path: Path) -> None:
    first = export_plan(load_plan(ROOT / plan_file))
    result, plan = reimport(first, tmp_path)
    assert result.diagnostics == []
    second = export_plan(plan)
    assert [(r["type"], r["key"], r["version"]) for r in second["rules"]] == [
        (r["type"], r["key"], r["version"]) for r in first["rules"]
    ]
    for mine, theirs in zip(second["rules"], first["rules"], strict=True):
        assert canon(mine["jsonSchema"]) == canon(theirs["jsonSchema"]), theirs["key"]


# -- export --------------------------------------------------------------------------------


def test_export_shape() -> None:
    plan = load_plan(ROOT / "plans/slack-bot/plan.yaml")
    out = export_plan(plan)
    assert out["name"] == "standup-bot"
    assert out["type"] == "LIVE"
    assert out["description"] == plan.description
    keys = [(r["type"], r["key"]) for r in out["rules"]]
    assert keys == [
        ("TRACK", "Bot Installed"),
        ("TRACK", "Bot Activated"),
        ("TRACK", "Message Received"),
        ("TRACK", "Subscription Started"),
        ("TRACK", "Bot Deactivated"),
        ("IDENTIFY", None),
        ("GROUP", None),
    ]
    assert all(r["version"] == 1 for r in out["rules"])
    installed = out["rules"][0]["jsonSchema"]
    assert installed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert installed["labels"] == {"acquisition": ""}
    assert installed["required"] == ["properties", "context"]
    assert installed["properties"]["properties"]["required"] == ["team_id"]
    identify = out["rules"][5]["jsonSchema"]
    assert set(identify["properties"]) == {"traits", "context"}
    assert "required" not in identify["properties"]["traits"]
    assert out == export_plan(plan)  # deterministic


@pytest.mark.parametrize("plan_file", PLANS)
def test_exported_schemas_are_valid_draft7(plan_file: str) -> None:
    for rule in export_plan(load_plan(ROOT / plan_file))["rules"]:
        jsonschema.Draft7Validator.check_schema(rule["jsonSchema"])


def test_fixture_schemas_are_valid_draft7(tmp_path: Path) -> None:
    for name in ("public-api.json", "config-api.json"):
        _, plan = reimport(fixture(name), tmp_path)
        for rule in export_plan(plan)["rules"]:
            jsonschema.Draft7Validator.check_schema(rule["jsonSchema"])


def _validator(plan_file: str, event: str) -> jsonschema.Draft7Validator:
    rules = exported_rules(load_plan(ROOT / plan_file))
    schema = rules["TRACK", event]["jsonSchema"]
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_exported_rule_validates_slack_bot_message() -> None:
    validator = _validator("plans/slack-bot/plan.yaml", "Bot Installed")
    message: dict[str, Any] = {
        "type": "track",
        "event": "Bot Installed",
        "userId": "U024BE7LH",
        "properties": {"team_id": "T024BE7LD", "source": None, "team_size": 14},
        "context": {"app": {"version": "1.8.2"}},
    }
    assert list(validator.iter_errors(message)) == []
    bad = copy.deepcopy(message)
    del bad["properties"]["team_id"]
    bad["properties"]["team_size"] = 0
    assert len(list(validator.iter_errors(bad))) == 2


def test_exported_rule_validates_shop_message() -> None:
    validator = _validator("plans/shop/plan.yaml", "Order Completed")
    message: dict[str, Any] = {
        "type": "track",
        "event": "Order Completed",
        "properties": {
            "order_id": "ord_7k2m9x4q1b8z",
            "revenue": 22.5,
            "currency": "EUR",
            "products": [{"product_id": "507f1f77bcf86cd799439011", "price": 19, "quantity": 1}],
        },
        "context": {"app": {"version": "5.2.0"}, "locale": "en-GB"},
    }
    assert list(validator.iter_errors(message)) == []
    message["properties"]["currency"] = "JPY"
    assert [e.validator for e in validator.iter_errors(message)] == ["enum"]


# -- import details ------------------------------------------------------------------------


def _rules_only() -> dict[str, Any]:
    return {"rules": copy.deepcopy(fixture("public-api.json")["data"]["rules"])}


def test_unsupported_keyword_is_a_warning_with_its_path(tmp_path: Path) -> None:
    data = _rules_only()
    price = data["rules"][0]["jsonSchema"]["properties"]["properties"]["properties"]["price"]
    price["oneOf"] = [{"multipleOf": 1}, {"multipleOf": 5}]
    data["rules"][3]["jsonSchema"]["properties"]["properties"]["properties"]["query"]["not"] = {
        "const": ""
    }
    result, plan = reimport(data, tmp_path, source="segment.json")
    assert [(d.code, d.slug, d.severity) for d in result.diagnostics] == [
        ("TP011", "import-unsupported", Severity.WARNING)
    ] * 2
    first, second = result.diagnostics
    assert first.data["path"] == "rules[0].jsonSchema.properties.properties.properties.price.oneOf"
    assert first.message.startswith(first.data["path"] + ": `oneOf`")
    assert first.location.file == "segment.json"
    pointer = "/rules/0/jsonSchema/properties/properties/properties/price/oneOf"
    assert first.location.pointer == pointer
    assert second.data["path"].endswith("properties.query.not")
    assert plan.name == "segment"
    viewed = plan.event("Product Viewed")
    assert viewed is not None
    price_prop = viewed.property("price")
    assert price_prop is not None and price_prop.types == ("number",) and price_prop.required
    assert len(list(plan.definitions())) == 7


ANNOTATIONS = {
    "$id": "#/properties/properties/properties/x",
    "id": "/properties/x",
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$comment": "generated",
    "title": "X",
    "default": "a",
    "readOnly": False,
    "writeOnly": False,
    "deprecated": False,
    "$anchor": "x",
    "definitions": {"unused": {"type": "string"}},
    "$defs": {"unused": {"type": "string"}},
    "eventMetadata": {"name": "X", "description": "", "labels": {}},
}


def _annotate(schema: dict[str, Any]) -> None:
    """Every annotation keyword on every schema object of a message schema: message fields,
    payloads, properties, nested properties and array items."""
    for key, value in ANNOTATIONS.items():
        schema.setdefault(key, value)
    for sub in (schema.get("properties") or {}).values():
        if isinstance(sub, dict):
            _annotate(sub)
    if isinstance(schema.get("items"), dict):
        _annotate(schema["items"])


def test_annotation_keywords_are_dropped_silently(tmp_path: Path) -> None:
    """`$id`, `id`, `eventMetadata`, `title`, ... change no verdict: they are no loss, so no
    TP011 (real exports had 189 such warnings for 25 events), wherever they stand."""
    clean = _rules_only()
    annotated = copy.deepcopy(clean)
    for rule in annotated["rules"]:
        _annotate(rule["jsonSchema"])
    result = import_segment(annotated, source="plan.json")
    assert result.diagnostics == []
    assert result.yaml_text == import_segment(clean, source="plan.json").yaml_text


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("if", {"properties": {"a": {"const": 1}}}),
        ("then", {"required": ["b"]}),
        ("else", {"required": ["c"]}),
        ("not", {"const": ""}),
        ("allOf", [{"minLength": 1}]),
        ("oneOf", [{"type": "string"}, {"type": "number"}]),
        ("$ref", "#/definitions/x"),
        ("dependentRequired", {"a": ["b"]}),
        ("dependencies", {"a": ["b"]}),
        ("dependentSchemas", {"a": {"required": ["b"]}}),
        ("patternProperties", {"^x_": {"type": "string"}}),
        ("propertyNames", {"pattern": "^[a-z_]+$"}),
        ("minProperties", 1),
        ("maxProperties", 3),
        ("contains", {"const": 1}),
        ("unevaluatedProperties", False),
        ("contentEncoding", "base64"),
    ],
)
def test_keywords_that_change_validation_are_reported(
    keyword: str, value: Any, tmp_path: Path
) -> None:
    data = _rules_only()
    price = data["rules"][0]["jsonSchema"]["properties"]["properties"]["properties"]["price"]
    price[keyword] = value
    payload = data["rules"][1]["jsonSchema"]["properties"]["properties"]
    payload[keyword] = value
    result, _ = reimport(data, tmp_path)
    assert [(d.code, d.data["path"]) for d in result.diagnostics] == [
        ("TP011", f"rules[0].jsonSchema.properties.properties.properties.price.{keyword}"),
        ("TP011", f"rules[1].jsonSchema.properties.properties.{keyword}"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        [],
        [{"key": "A", "type": "TRACK"}],
        "rules",
        None,
        42,
        {},
        {"rules": 5},
        {"rules": []},
        {"rules": {}},
        {"rules": [5, "x", None, {"type": "ALIAS"}, {"type": "TRACK"}]},
        {"data": {"rules": None}},
        {"rules": {"events": "many"}},
    ],
    ids=repr,
)
def test_unreadable_input_is_an_error(data: Any) -> None:
    result = import_segment(data, source="bad.json")
    assert result.yaml_text is None
    assert not result.ok
    assert any(d.severity is Severity.ERROR and d.code == "TP002" for d in result.diagnostics)


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"rules": [\n  {"key": 1,}\n]}', (2, 13), "not valid JSON: Expecting property name"),
        ("[" * 100_000 + "]" * 100_000, (1, 101), "nested more than 100 levels deep"),
        ('{"rules": ' + "[" * 2000 + "]" * 2000 + "}", (1, 110), "nested more than 100 levels"),
        ('{"rules": [],\n "x": ' + "7" * 5000 + "}", (2, 7), "a number of 5,000 characters is too"),
        ('{"rules": [{"version": 1e400}]}', (1, 24), "1e400 is too large for a 64-bit float"),
        ('{"a": "NaN", "rules": [NaN]}', (1, 24), "NaN is not a JSON number"),
        ('{"rules": [-Infinity]}', (1, 12), "-Infinity is not a JSON number"),
    ],
    ids=["syntax", "deep", "deep rules", "long integer", "overflow", "NaN", "infinity"],
)
def test_json_text_that_cannot_be_imported_is_located(
    text: str, where: tuple[int, int], fragment: str
) -> None:
    result = import_segment_text(text, source="plan.json")
    assert result.yaml_text is None
    [error] = result.diagnostics
    assert (error.code, error.location.file) == ("TP002", "plan.json")
    assert (error.location.line, error.location.column) == where, error.message
    assert fragment in error.message


def test_json_text_imports() -> None:
    text = json.dumps({"rules": [track("Order Completed", {"type": "object"})]})
    result = import_segment_text(text, source="plan.json")
    assert result.yaml_text is not None and "Order Completed" in result.yaml_text


def test_values_a_plan_cannot_hold_are_dropped(tmp_path: Path) -> None:
    long_name = "x" * 300
    payload = {
        "type": "object",
        "properties": {
            "step": {"type": "number", "multipleOf": 0, "minimum": float("nan")},
            "size": {"type": "integer", "maxLength": 10**400, "enum": [1, float("inf")]},
            "code": {"type": "string", "pattern": "a{99999999999}", "const": float("-inf")},
            "shot": {"type": "array", "examples": [[float("nan")]]},
            long_name: {"type": "string"},
        },
    }
    data = {"rules": [track("Order Completed", payload), track(long_name, {})]}
    result, plan = reimport(data, tmp_path)
    dropped = sorted(d.data["path"].rsplit(".", 1)[-1] for d in result.diagnostics)
    keywords = ["multipleOf", "minimum", "maxLength", "enum", "pattern", "const", "examples"]
    assert dropped == sorted([*keywords, long_name, "key"]), [d.message for d in result.diagnostics]
    assert [e.name for e in plan.events] == ["Order Completed"]


@pytest.mark.parametrize(
    "schema", [5, "not json", [], True, {"properties": 3}, {"properties": {"properties": []}}]
)
def test_bad_rule_schema_keeps_the_event(schema: Any, tmp_path: Path) -> None:
    data = {"rules": [{"key": "Thing Happened", "type": "TRACK", "jsonSchema": schema}]}
    result, plan = reimport(data, tmp_path)
    assert [e.name for e in plan.events] == ["Thing Happened"]
    if schema is not True:
        assert [d.code for d in result.diagnostics] == ["TP011"]


def test_yaml_look_alikes_survive(tmp_path: Path) -> None:
    props = {
        "on": {"type": "string", "enum": ["yes", "no", "on", "off", "1:20", "null", "~", "012"]},
        "ratio": {"type": "number", "minimum": 1e-05, "maximum": 1e20, "examples": [2.5e-07]},
        "<<": {"type": "boolean"},
    }
    data = {
        "display_name": "Ünïcode Plan!",
        "rules": [track("yes", {"type": "object", "properties": props})],
    }
    result, plan = reimport(data, tmp_path)
    assert plan.name == "unicode-plan"
    schema = exported_rules(plan)["TRACK", "yes"]["jsonSchema"]
    assert schema["properties"]["properties"]["properties"] == props
    assert result.diagnostics == []


def test_nullable_enum_type_any_and_required_only_names(tmp_path: Path) -> None:
    props = {
        "a": {"type": ["null", "string"], "enum": ["x", None]},
        "b": {"type": ["string", "null"], "enum": ["x"]},
        "c": {},
        "d": {"type": "null"},
        "e": {"type": ["string", "null"], "format": "date-time"},
        "f": {"format": "email"},
        "g": {"type": "string", "const": "fixed"},
        "h": {"type": "number", "minimum": 1, "exclusiveMinimum": True},
    }
    payload = {"type": "object", "properties": props, "required": ["z"]}
    result, plan = reimport({"rules": [track("Mixed", payload)]}, tmp_path)
    assert result.diagnostics == []
    assert result.yaml_text is not None
    assert "      e:\n        type: date-time\n        nullable: true\n" in result.yaml_text
    out = exported_rules(plan)["TRACK", "Mixed"]["jsonSchema"]["properties"]["properties"]
    assert out["properties"]["a"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert out["properties"]["b"] == {"type": ["string", "null"], "enum": ["x"]}
    assert out["properties"]["c"] == {}
    assert out["properties"]["d"] == {"type": "null"}
    assert out["properties"]["e"] == {"type": ["string", "null"], "format": "date-time"}
    assert out["properties"]["f"] == {"format": "email"}
    assert out["properties"]["g"] == {"type": "string", "enum": ["fixed"]}
    assert out["properties"]["h"] == {"type": "number", "exclusiveMinimum": 1}
    assert out["properties"]["z"] == {}
    assert out["required"] == ["z"]


def test_nested_policies_follow_the_loader(tmp_path: Path) -> None:
    inner = {"type": "object", "properties": {"x": {"type": "string"}}}
    closed = {"type": "object", "additionalProperties": False}
    payload = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"open": inner, "closed": closed, "list": {"type": "array", "items": inner}},
    }
    _, plan = reimport({"rules": [track("Nested", payload)]}, tmp_path)
    out = exported_rules(plan)["TRACK", "Nested"]["jsonSchema"]["properties"]["properties"]
    assert out == payload


def test_duplicate_versions_keep_the_highest(tmp_path: Path) -> None:
    def rule(version: int, prop: str) -> dict[str, Any]:
        return track("Paid", {"properties": {prop: {"type": "string"}}}, version=version)

    result, plan = reimport({"rules": [rule(1, "old"), rule(3, "new"), rule(2, "mid")]}, tmp_path)
    paid = plan.event("Paid")
    assert paid is not None and paid.version == 3 and paid.property("new") is not None
    assert [d.data["path"] for d in result.diagnostics] == [
        "rules[0].jsonSchema",
        "rules[2].jsonSchema",
    ]


def test_labels_deprecation_common_context_and_names(tmp_path: Path) -> None:
    context = {"type": "object", "properties": {"app": {"type": "object", "properties": {
        "version": {"type": "string"}}, "required": ["version"]}}, "required": ["app"]}  # fmt: skip
    data = {
        "data": {
            "trackingPlan": {"name": "Growth & Retention", "description": "Growth events."},
            "rules": [
                {"type": "COMMON", "key": None, "jsonSchema": {"properties": {"context": context}}},
                {
                    "key": "Invite Sent",
                    "type": "TRACK",
                    "deprecatedAt": "2024-01-01T00:00:00Z",
                    "json_schema": json.dumps({"labels": {"team": "growth", "kpi": ""}}),
                },
                {"key": "Home", "type": "screen", "jsonSchema": {}},
                {"key": None, "type": "PAGE", "jsonSchema": {}},
            ],
        }
    }
    result, plan = reimport(data, tmp_path)
    assert plan.name == "growth-retention"
    assert plan.description == "Growth events."
    invite = plan.event("Invite Sent")
    assert invite is not None and invite.deprecated and invite.tags == ("team:growth", "kpi")
    assert [s.name for s in plan.screens] == ["Home"] and [p.name for p in plan.pages] == ["Page"]
    assert [d.data["path"] for d in result.diagnostics] == ["data.rules[3].key"]
    exported = exported_rules(plan)
    schema = exported["TRACK", "Invite Sent"]["jsonSchema"]
    assert schema["labels"] == {"team": "growth", "kpi": ""}
    assert schema["properties"]["context"] == context
    assert schema["required"] == ["context"]


@pytest.mark.parametrize(
    ("deprecated_at", "deprecated"),
    [
        ("0001-01-01T00:00:00.000Z", False),  # Go's zero time: what every real export holds
        ("0001-01-01T00:00:00Z", False),
        ("0001-01-01 00:00:00 +0000 UTC", False),
        ("0001-01-01", False),
        ("0000-12-31T19:00:00-05:00", False),  # the same instant, west of UTC
        (None, False),
        ("", False),
        ("2024-01-01T00:00:00Z", True),
        ("2024-06-18T08:40:51.000Z", True),
        ("0002-01-01T00:00:00Z", True),
        ("soon", True),
    ],
)
def test_deprecated_at(deprecated_at: str | None, deprecated: bool, tmp_path: Path) -> None:
    data = {"rules": [track("Invite Sent", {}, deprecatedAt=deprecated_at)]}
    result, plan = reimport(data, tmp_path)
    assert result.diagnostics == []
    invite = plan.event("Invite Sent")
    assert invite is not None and invite.deprecated is deprecated


def _named(events: list[str], properties: list[str]) -> dict[str, Any]:
    """Public API rules: each event has the properties; the last one holds an array of objects
    with the one before it (`products.$.sku`)."""
    *flat, nested, array = properties
    items = {"type": "object", "properties": {nested: {"type": "number"}}}
    payload = {
        "type": "object",
        "properties": {
            **{name: {"type": "string"} for name in flat},
            array: {"type": "array", "items": items},
        },
    }
    return {"rules": [track(name, payload) for name in events]}


@pytest.mark.parametrize(
    ("events", "properties", "conventions"),
    [
        (["order_completed", "signup"], ["order_id", "sku", "products"], "snake_case snake_case"),
        (
            ["Order Completed", "Cart Viewed"],
            ["orderId", "sku", "cartItems"],
            "object-action camelCase",
        ),
        (["orderCompleted", "Cart Viewed"], ["orderId", "cart_id", "Sku", "items"], "any any"),
        # Names a Segment spec event defines are not the authors' choice, and TP102 leaves them
        # alone: the E-commerce spec's order_id and products.$.product_id in a camelCase plan.
        (
            ["Order Completed"],
            ["order_id", "couponName", "product_id", "products"],
            "object-action camelCase",
        ),
        (
            ["Orders Done"],
            ["order_id", "couponName", "product_id", "products"],
            "object-action any",
        ),
    ],
)
def test_conventions_are_inferred_from_the_names(
    events: list[str], properties: list[str], conventions: str, tmp_path: Path
) -> None:
    _, plan = reimport(_named(events, properties), tmp_path)
    assert f"{plan.conventions.events} {plan.conventions.properties}" == conventions


def test_imported_plan_passes_its_own_naming_rules(tmp_path: Path) -> None:
    """The whole way, as a user goes: import a snake_case export as Segment writes it (zero
    `deprecatedAt`, `$id` everywhere), lint the plan, validate events against it."""
    export = _named(["order_completed", "cart_viewed", "signup"], ["cart_id", "sku", "products"])
    for rule in export["rules"]:
        rule["deprecatedAt"] = "0001-01-01T00:00:00.000Z"
        _annotate(rule["jsonSchema"])
    export["rules"][2]["deprecatedAt"] = "2024-05-02T09:00:00.000Z"
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    imported = run_tp("import", "segment", "export.json", "-o", "plan.yaml", cwd=tmp_path)
    assert imported.code == 0, imported.stderr
    assert "TP011" not in imported.stdout + imported.stderr

    lint = run_tp("lint", "plan.yaml", "--format", "json", cwd=tmp_path)
    assert lint.code == 0, lint.stdout
    codes = {d["code"] for d in json.loads(lint.stdout)["diagnostics"]}
    assert not codes & {"TP101", "TP102", "TP105"}, codes

    events = [
        {"type": "track", "event": name, "userId": "u1", "messageId": f"m{n}", "properties": {}}
        for n, name in enumerate(["order_completed", "cart_viewed", "signup"])
    ]
    dump = "".join(json.dumps(e) + "\n" for e in events)
    (tmp_path / "events.jsonl").write_text(dump, encoding="utf-8")
    report = run_tp("validate", "plan.yaml", "events.jsonl", "--format", "json", cwd=tmp_path)
    found = json.loads(report.stdout)["diagnostics"]
    deprecated = [d["data"]["definition"] for d in found if d["code"] == "EV114"]
    assert deprecated == ["signup"], report.stdout


def test_config_identify_as_bare_traits_or_wrapped(tmp_path: Path) -> None:
    traits = {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}
    data = {
        "display_name": "Bare",
        "rules": {"events": [], "identify": traits, "group": {"rules": traits}, "global": {}},
    }
    result, plan = reimport(data, tmp_path)
    assert result.diagnostics == []
    for definition in (plan.identify, plan.group):
        assert definition is not None
        email = definition.property("email")
        assert email is not None and email.required


def test_random_mutations_never_raise_and_always_load(tmp_path: Path) -> None:
    garbage: list[Any] = [None, True, 0, -1.5, "", "x", "(", [], {}, [1], {"type": 3}, {"a": {}}]
    base = fixture("public-api.json")
    rng = random.Random(20240618)

    def nodes(node: Any) -> list[tuple[Any, Any]]:
        found: list[tuple[Any, Any]] = []
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            found.append((node, key))
            if isinstance(value, dict | list):
                found.extend(nodes(value))
        return found

    for round_ in range(scaled(150)):
        data = copy.deepcopy(base)
        for _ in range(rng.randint(1, 4)):
            parent, key = rng.choice(nodes(data))
            parent[key] = copy.deepcopy(rng.choice(garbage))
        result = import_segment(data, source="fuzz.json")
        if result.yaml_text is None:
            assert any(d.severity is Severity.ERROR for d in result.diagnostics)
            continue
        path = tmp_path / f"fuzz{round_}.yaml"
        path.write_text(result.yaml_text, encoding="utf-8")
        loaded = read_plan(path)
        assert loaded.plan is not None, (result.yaml_text, [d.message for d in loaded.diagnostics])


@pytest.mark.parametrize(
    "text",
    [
        "word " * 14 + 'a@a}1&b~?[#\na]~%\\#~, |&.*#],[yes\n-,é%&[[?1 !*"  ',
        "word " * 12 + "tab\tseparated\tvalues\tthat\twrap " * 3,
        "?-&*~ starts like a key, ends with a colon:",
        "line\u2028separator and next\x85line and \ufeffbom",
    ],
)
def test_awkward_strings_read_back(text: str, tmp_path: Path) -> None:
    data = {"rules": [track(text, {"properties": {text: {"enum": [text]}}}, version=2)]}
    data["rules"][0]["jsonSchema"]["description"] = text
    _, plan = reimport(data, tmp_path)
    event = plan.event(text)
    assert event is not None and event.description == text and event.version == 2
    prop = event.property(text)
    assert prop is not None and prop.enum == (text,)
