"""The JSON Schema compiler: golden output, metaschema validity, behaviour under a real validator,
byte stability, staleness and file naming.

Golden files: tests/golden/<plan>/<draft>/ hold exactly what `tp compile` writes for the example
plans (plans/shop and plans/slack-bot). After an intended change to the compiler or to those
plans, regenerate them and review the diff before committing:

    TP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_compiler.py -k golden
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import GOLDEN, PLANS, SHOP_PLAN, SLACK_PLAN, WritePlan
from jsonschema.validators import validator_for

from tracking_plan import compile_plan, load_plan
from tracking_plan.compiler import (
    CompiledPlan,
    definition_paths,
    dumps,
    normalize_draft,
    stale_files,
    write_schemas,
)
from tracking_plan.libraries import NAMES
from tracking_plan.model import CallType, Plan
from tracking_plan.output_files import MANIFEST_NAME, OutputError

UPDATE_GOLDEN = os.environ.get("TP_UPDATE_GOLDEN") == "1"
DRAFTS = ("2020-12", "7")
VALIDATORS = {"2020-12": jsonschema.Draft202012Validator, "7": jsonschema.Draft7Validator}


# -- golden files ------------------------------------------------------------------------------


GOLDEN_CASES = [
    ("shop", SHOP_PLAN, "2020-12"),
    ("slack-bot", SLACK_PLAN, "2020-12"),
    ("slack-bot", SLACK_PLAN, "7"),
]


def _tree(folder: Path) -> dict[str, bytes]:
    """The files below `folder` but tp's manifest."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }


@pytest.mark.parametrize(
    ("name", "plan_path", "draft"), GOLDEN_CASES, ids=[f"{n}-{d}" for n, _, d in GOLDEN_CASES]
)
def test_golden(name: str, plan_path: Path, draft: str, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    plan = load_plan(plan_path)
    write_schemas(compile_plan(plan, draft=draft), out, plan)
    golden = GOLDEN / name / draft
    if UPDATE_GOLDEN:
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    assert golden.is_dir(), f"no golden files in {golden}; run with TP_UPDATE_GOLDEN=1"
    actual, expected = _tree(out), _tree(golden)
    assert sorted(actual) == sorted(expected), "the set of compiled files changed"
    for path in sorted(expected):
        if actual[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode().splitlines(),
                actual[path].decode().splitlines(),
                f"golden/{path}",
                f"compiled/{path}",
                lineterm="",
                n=2,
            )
            pytest.fail(f"{path} differs from its golden file:\n" + "\n".join(list(diff)[:60]))


def test_golden_files_end_with_a_newline_and_are_sorted() -> None:
    bundle = GOLDEN / "shop" / "2020-12" / "bundle.schema.json"
    text = bundle.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert text.index('"$comment"') < text.index('"$id"') < text.index('"$schema"')


# -- metaschemas ----------------------------------------------------------------------------------


def _example_plans() -> list[Path]:
    return sorted(PLANS.glob("*/plan.yaml"))


def _check_all(compiled: CompiledPlan, draft: str) -> None:
    expected = VALIDATORS[draft]
    for path, schema in compiled.schemas.items():
        cls = validator_for(schema, default=None)
        assert cls is expected, f"{path}: $schema {schema.get('$schema')!r}"
        cls.check_schema(schema)


@pytest.mark.parametrize("draft", DRAFTS)
@pytest.mark.parametrize("plan_path", _example_plans(), ids=lambda p: p.parent.name)
def test_example_plans_pass_the_metaschema(plan_path: Path, draft: str) -> None:
    _check_all(compile_plan(load_plan(plan_path), draft=draft), draft)


@pytest.mark.parametrize("draft", DRAFTS)
@pytest.mark.parametrize("library", NAMES)
def test_libraries_pass_the_metaschema(library: str, draft: str, write_plan: WritePlan) -> None:
    plan = load_plan(write_plan(f"plan: lib-check\ninclude: [{library}]\n"))
    compiled = compile_plan(plan, draft=draft)
    _check_all(compiled, draft)
    assert len(compiled.schemas) == len(plan.events) + 1


@pytest.mark.parametrize("draft", DRAFTS)
def test_bundle_refs_resolve_and_match_the_definition_files(draft: str) -> None:
    compiled = compile_plan(load_plan(SHOP_PLAN), draft=draft)
    bundle = compiled.bundle
    defs_key = "$defs" if draft == "2020-12" else "definitions"
    defs = bundle[defs_key]
    refs = [rule["then"]["$ref"] for rule in bundle["allOf"] if "$ref" in rule["then"]]
    assert len(refs) == len(defs) == len(compiled.schemas) - 1
    for ref in refs:
        assert ref.startswith(f"#/{defs_key}/")
        assert ref.removeprefix(f"#/{defs_key}/") in defs
    for path, schema in compiled.schemas.items():
        if path == CompiledPlan.BUNDLE:
            continue
        key = path.removesuffix(".schema.json").replace("/", ".")
        own = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$comment")}
        assert own == defs[key], path


def test_draft_specific_keywords() -> None:
    plan = load_plan(SHOP_PLAN)
    new, old = compile_plan(plan, draft="2020-12"), compile_plan(plan, draft="7")
    deprecated = "track/checkout_button_tapped.schema.json"
    assert new.schemas[deprecated]["deprecated"] is True
    assert "deprecated" not in old.schemas[deprecated]
    assert "$defs" in new.bundle and "definitions" not in new.bundle
    assert "definitions" in old.bundle and "$defs" not in old.bundle
    assert new.bundle["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert old.bundle["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2020-12", "2020-12"), ("draft2020-12", "2020-12"), (7, "7"), ("draft-07", "7"), ("7", "7")],
)
def test_normalize_draft(given: str | int, expected: str) -> None:
    assert normalize_draft(given) == expected


@pytest.mark.parametrize("given", ["4", "2019-09", "", "latest"])
def test_unsupported_draft(given: str) -> None:
    with pytest.raises(ValueError, match="unsupported JSON Schema draft"):
        normalize_draft(given)


# -- behaviour under a real validator --------------------------------------------------------------


def _validator(compiled: CompiledPlan) -> jsonschema.protocols.Validator:
    bundle = compiled.bundle
    cls = validator_for(bundle)
    return cls(bundle, format_checker=cls.FORMAT_CHECKER)


def _messages(error: jsonschema.ValidationError) -> Iterator[str]:
    yield error.message
    for sub in error.context or ():
        yield from _messages(sub)


def problems(validator: Any, message: dict[str, Any]) -> list[str]:
    """Every error message (nested ones included) of validating `message`."""
    return [m for error in validator.iter_errors(message) for m in _messages(error)]


def assert_valid(validator: Any, message: dict[str, Any]) -> None:
    found = problems(validator, message)
    assert not found, found


def assert_invalid(validator: Any, message: dict[str, Any], *fragments: str) -> None:
    found = problems(validator, message)
    assert found, f"expected {message} to be invalid"
    for fragment in fragments:
        assert any(fragment in m for m in found), f"no error mentions {fragment!r}: {found}"


@pytest.fixture(scope="module")
def shop_plan() -> Plan:
    return load_plan(SHOP_PLAN)


@pytest.fixture(scope="module", params=DRAFTS)
def shop(request: pytest.FixtureRequest, shop_plan: Plan) -> Any:
    return _validator(compile_plan(shop_plan, draft=request.param))


CONTEXT = {"app": {"version": "2024.11.1"}, "locale": "en-US"}


def message(call: str = "track", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": call,
        "userId": "user_1",
        "messageId": "msg-1",
        "timestamp": "2024-11-04T08:39:32.030Z",
        "context": CONTEXT,
    }
    return {**base, **fields}


def order_completed(**properties: Any) -> dict[str, Any]:
    payload = {
        "order_id": "ord_7k2m9x4q1b8z",
        "revenue": 25.5,
        "currency": "EUR",
        "affiliation": "acme-web",
        "products": [{"product_id": "prd_004211", "price": 25.5, "quantity": 1}],
        **properties,
    }
    return message(event="Order Completed", properties=payload)


def test_valid_order_completed(shop: Any) -> None:
    assert_valid(shop, order_completed())


def test_missing_required_revenue(shop: Any) -> None:
    msg = order_completed()
    del msg["properties"]["revenue"]
    assert_invalid(shop, msg, "'revenue' is a required property")


def test_wrong_type(shop: Any) -> None:
    assert_invalid(shop, order_completed(revenue="25.50"), "is not of type 'number'")


def test_enum(shop: Any) -> None:
    assert_invalid(shop, order_completed(currency="JPY"), "'JPY' is not one of")


def test_pattern_and_bounds(shop: Any) -> None:
    assert_invalid(shop, order_completed(order_id="12345"), "does not match")
    assert_invalid(shop, order_completed(revenue=-1), "less than the minimum")
    assert_invalid(shop, order_completed(products=[]), "should be non-empty")


def test_unplanned_property_passes_when_policy_is_warn(shop: Any) -> None:
    assert_valid(shop, order_completed(gift_message="Happy birthday"))


def test_additional_properties_false_with_forbid(shop: Any) -> None:
    wishlist = {"wishlist_id": "wl_0123456789", "channel": "link"}
    assert_valid(shop, message(event="Wishlist Shared", properties=wishlist))
    extra = {**wishlist, "utm_source": "newsletter"}
    assert_invalid(
        shop,
        message(event="Wishlist Shared", properties=extra),
        "Additional properties are not allowed",
    )


def test_nested_object_with_forbid(shop: Any) -> None:
    slot = {"starts_at": "2024-11-05T10:00:00Z", "ends_at": "2024-11-05T12:00:00Z"}
    props = {"cart_id": "cart_9f86d081884c7d65", "slot": slot}
    assert_valid(shop, message(event="Delivery Slot Selected", properties=props))
    props = {**props, "slot": {**slot, "driver": "Bob"}}
    assert_invalid(
        shop,
        message(event="Delivery Slot Selected", properties=props),
        "Additional properties are not allowed",
    )


def test_nullable_accepts_null(shop: Any) -> None:
    props = {"method": "email", "marketing_opt_in": True, "referral_code": None}
    assert_valid(shop, message(event="Signup Completed", properties=props))
    props = {**props, "marketing_opt_in": None}
    assert_invalid(shop, message(event="Signup Completed", properties=props), "None is not of type")


def test_nullable_multi_type(shop: Any) -> None:
    base: dict[str, Any] = {"product_id": "prd_004211"}
    for size in ("M", 42, None):
        props = {**base, "selected_size": size}
        assert_valid(shop, message(event="Size Guide Viewed", properties=props))
    props = {**base, "selected_size": 4.5}
    assert_invalid(shop, message(event="Size Guide Viewed", properties=props))


def test_unplanned_event_forbidden(shop: Any) -> None:
    msg = message(event="Button Clicked 42", properties={"button_id": 42})
    assert_invalid(shop, msg, "is not one of")


def test_unplanned_event_allowed_when_warn(write_plan: WritePlan) -> None:
    text = """\
        plan: small
        unplanned_events: {policy}
        events:
          Order Completed:
            properties:
              revenue: {{type: number, required: true}}
        """
    msg = message(event="Button Clicked", properties={})
    msg.pop("context")
    for draft in DRAFTS:
        warn = _validator(
            compile_plan(load_plan(write_plan(text.format(policy="warn"))), draft=draft)
        )
        assert_valid(warn, msg)
        assert_invalid(warn, message(event="Order Completed", properties={}), "'revenue'")
        forbid = _validator(
            compile_plan(load_plan(write_plan(text.format(policy="forbid"))), draft=draft)
        )
        assert_invalid(forbid, msg, "is not one of")
        allow = _validator(
            compile_plan(load_plan(write_plan(text.format(policy="allow"))), draft=draft)
        )
        assert_valid(allow, msg)


def test_missing_user_id_and_anonymous_id(shop: Any) -> None:
    msg = order_completed()
    del msg["userId"]
    assert_invalid(shop, msg)
    assert_valid(shop, {**msg, "anonymousId": "6e9adcd9-49a0-49f7-b863-5402d619f7de"})


def test_message_id_length(shop: Any) -> None:
    assert_valid(shop, {**order_completed(), "messageId": "m" * 100})
    assert_invalid(shop, {**order_completed(), "messageId": "m" * 101}, "is too long")
    msg = order_completed()
    del msg["messageId"]
    assert_invalid(shop, msg, "'messageId' is a required property")


def test_track_needs_event_and_known_type(shop: Any) -> None:
    msg = order_completed()
    del msg["event"]
    assert_invalid(shop, msg, "'event' is a required property")
    assert_invalid(shop, {**order_completed(), "type": "trak"}, "is not one of")


def test_required_context(shop: Any) -> None:
    msg = order_completed()
    msg["context"] = {"locale": "en-US"}
    assert_invalid(shop, msg, "'app' is a required property")
    del msg["context"]
    assert_invalid(shop, msg, "'context' is a required property")
    bad_locale = {**order_completed(), "context": {**CONTEXT, "locale": "english"}}
    assert_invalid(shop, bad_locale, "does not match")


def test_event_context(shop: Any) -> None:
    props = {"prompt_location": "onboarding"}
    msg = message(event="Push Permission Granted", properties=props)
    assert_invalid(shop, msg, "'device' is a required property")
    msg["context"] = {**CONTEXT, "device": {"type": "ios"}}
    assert_valid(shop, msg)


def test_identify_traits(shop: Any) -> None:
    traits = {"email": "ada@example.com", "lifetime_orders": 3, "preferred_currency": "GBP"}
    assert_valid(shop, message("identify", traits=traits))
    assert_invalid(shop, message("identify", traits={**traits, "email": "ada"}), "is not a 'email'")
    assert_invalid(shop, message("identify", traits={**traits, "lifetime_orders": -1}), "minimum")
    bad_currency = {**traits, "preferred_currency": "JPY"}
    assert_invalid(shop, message("identify", traits=bad_currency), "is not one of")


def test_group_traits_and_group_id(shop: Any) -> None:
    msg = message("group", groupId="acct_1", traits={"name": "Acme Corp", "employees": 10})
    assert_valid(shop, msg)
    assert_invalid(shop, {**msg, "traits": {"employees": 10}}, "'name' is a required property")
    del msg["groupId"]
    assert_invalid(shop, msg, "'groupId' is a required property")


def test_page_routed_by_name(shop: Any) -> None:
    page = {"path": "/c/hats", "url": "https://shop.acme.example/c/hats", "title": "Hats"}
    assert_valid(shop, message("page", name="Home", properties=page))
    assert_invalid(
        shop, message("page", name="Category", properties=page), "'category' is a required property"
    )
    assert_valid(shop, message("page", name="Category", properties={**page, "category": "hats"}))
    # Pages are routed by `name`, not by `event`.
    assert_valid(shop, message("page", name="Home", event="Category", properties=page))


def test_screen_routed_by_name(shop: Any) -> None:
    assert_valid(shop, message("screen", name="Checkout", properties={"step": 2}))
    assert_invalid(shop, message("screen", name="Checkout", properties={"step": 7}), "maximum")
    # The page of the same name has different properties.
    assert_valid(shop, message("screen", name="Product", properties={"product_id": "prd_004211"}))


def test_deprecated_event_is_still_valid(shop: Any) -> None:
    props = {"cart_id": "cart_9f86d081884c7d65", "item_count": 2}
    assert_valid(shop, message(event="Checkout Button Tapped", properties=props))


def test_alias_needs_previous_id(shop: Any) -> None:
    assert_valid(shop, message("alias", previousId="anon_1"))
    assert_invalid(shop, message("alias"), "'previousId' is a required property")


def test_array_items_are_validated(shop: Any) -> None:
    props = {
        "wishlist_id": "wl_0123456789",
        "channel": "email",
        "recipients": [{"email": "bob@example.com", "name": None}],
    }
    assert_valid(shop, message(event="Wishlist Shared", properties=props))
    props["recipients"] = [{"name": "Bob"}]
    assert_invalid(
        shop,
        message(event="Wishlist Shared", properties=props),
        "'email' is a required property",
    )


def test_definition_files_validate_alone(shop_plan: Plan) -> None:
    compiled = compile_plan(shop_plan)
    schema = compiled.schemas["track/order_completed.schema.json"]
    validator = validator_for(schema)(schema)
    assert not list(validator.iter_errors(order_completed()))
    assert list(validator.iter_errors(order_completed(currency="JPY")))


# -- byte stability and staleness -----------------------------------------------------------------


def _bytes(compiled: CompiledPlan) -> dict[str, bytes]:
    return {path: dumps(schema).encode("utf-8") for path, schema in compiled.schemas.items()}


@pytest.mark.parametrize("draft", DRAFTS)
def test_compiling_twice_gives_identical_bytes(
    draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _bytes(compile_plan(load_plan(SHOP_PLAN), draft=draft))
    monkeypatch.chdir(tmp_path)  # locations change with the working directory; output must not
    second = _bytes(compile_plan(load_plan(SHOP_PLAN), draft=draft))
    assert list(first) == list(second)
    assert first == second


def test_dumps_is_canonical() -> None:
    text = dumps({"b": 1, "a": ["é", {"d": None, "c": True}]})
    expected = ["{", '  "a": [', '    "é",', "    {", '      "c": true,', '      "d": null']
    expected += ["    }", "  ],", '  "b": 1', "}", ""]
    assert text == "\n".join(expected)


@pytest.fixture
def slack() -> Plan:
    return load_plan(SLACK_PLAN)


@pytest.fixture
def slack_compiled(slack: Plan) -> CompiledPlan:
    return compile_plan(slack)


def stale(compiled: CompiledPlan, out: Path, plan: Plan) -> list[str]:
    return [change.path for change in stale_files(compiled, out, plan)]


def test_write_then_nothing_is_stale(
    slack: Plan, slack_compiled: CompiledPlan, tmp_path: Path
) -> None:
    out = tmp_path / "schemas"
    assert stale(slack_compiled, out, slack) == sorted(slack_compiled.schemas)
    changed = write_schemas(slack_compiled, out, slack).changed
    assert sorted(c.path for c in changed) == sorted(slack_compiled.schemas)
    assert stale(slack_compiled, out, slack) == []
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}
    assert write_schemas(slack_compiled, out, slack).changed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == mtimes


def test_edited_removed_and_added_files_are_stale(
    slack: Plan, slack_compiled: CompiledPlan, tmp_path: Path
) -> None:
    out = tmp_path / "schemas"
    write_schemas(slack_compiled, out, slack)
    edited = out / "track" / "bot_installed.schema.json"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Bot", "Robot"), encoding="utf-8")
    assert stale(slack_compiled, out, slack) == ["track/bot_installed.schema.json"]
    with pytest.raises(OutputError, match=r"bot_installed\.schema\.json exists and tp did not"):
        write_schemas(slack_compiled, out, slack)  # a person's edit: theirs now
    assert "Robot" in edited.read_text(encoding="utf-8")
    write_schemas(slack_compiled, out, slack, force=True)

    (out / "identify.schema.json").unlink()
    assert stale(slack_compiled, out, slack) == ["identify.schema.json"]
    write_schemas(slack_compiled, out, slack)

    # A schema the plan does not produce, and tp did not write, is none of its business.
    (out / "track" / "bot_uninstalled.schema.json").write_text("{}\n", encoding="utf-8")
    assert stale(slack_compiled, out, slack) == []

    # Whitespace is a difference too: files must be byte-identical.
    bundle = out / "bundle.schema.json"
    bundle.write_text(bundle.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "bundle.schema.json" in stale(slack_compiled, out, slack)


def test_write_removes_schemas_no_longer_produced(write_plan: WritePlan, plan_dir: Path) -> None:
    out = plan_dir / "schemas"
    two = load_plan(
        write_plan("plan: small\nevents:\n  Order Completed: {}\n  Order Refunded: {}\n")
    )
    write_schemas(compile_plan(two), out, two)
    (out / "README.md").write_text("not generated\n", encoding="utf-8")
    (out / "mine.schema.json").write_text("{}\n", encoding="utf-8")
    assert (out / "track" / "order_refunded.schema.json").is_file()

    plan = load_plan(write_plan("plan: small\nevents:\n  Order Completed: {}\n"))
    one = compile_plan(plan)
    assert stale(one, out, plan) == ["bundle.schema.json", "track/order_refunded.schema.json"]
    changed = write_schemas(one, out, plan).changed
    assert "track/order_refunded.schema.json" in [c.path for c in changed]
    assert not (out / "track" / "order_refunded.schema.json").exists()
    # only files this plan wrote are removed
    assert (out / "README.md").is_file() and (out / "mine.schema.json").is_file()
    assert stale(one, out, plan) == []
    assert sorted(_tree(out)) == [
        "README.md",
        "bundle.schema.json",
        "mine.schema.json",
        "track/order_completed.schema.json",
    ]


# -- file names ----------------------------------------------------------------------------------


def test_paths_of_the_shop_plan(shop_plan: Plan) -> None:
    paths = definition_paths(shop_plan)
    assert paths[CallType.TRACK, "Order Completed"] == "track/order_completed.schema.json"
    assert paths[CallType.IDENTIFY, "identify"] == "identify.schema.json"
    assert paths[CallType.PAGE, "Home"] == "page/home.schema.json"
    assert paths[CallType.SCREEN, "Home"] == "screen/home.schema.json"
    assert len(set(paths.values())) == len(paths)


def test_slug_collisions_get_distinct_stable_paths(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: collide
        conventions: {events: any}
        events:
          Order Completed: {properties: {a: string}}
          order completed: {properties: {b: string}}
          ORDER-COMPLETED: {properties: {c: string}}
          Order Completed 2: {}
        """)
    plan = load_plan(path)
    compiled = compile_plan(plan)
    paths = definition_paths(plan)
    names = [e.name for e in plan.events]
    files = [paths[CallType.TRACK, n] for n in names]
    assert len(set(files)) == 4
    assert files[0] == "track/order_completed.schema.json"
    assert all(f.startswith("track/order_completed") for f in files)
    # Stable: the same plan gives the same names every time.
    assert definition_paths(load_plan(path)) == paths
    assert _bytes(compile_plan(load_plan(path))) == _bytes(compiled)
    # Each name is routed to its own definition.
    validator = _validator(compiled)
    for name, prop in (("Order Completed", "a"), ("order completed", "b")):
        schema = compiled.schemas[paths[CallType.TRACK, name]]
        assert schema["properties"]["event"] == {"const": name}
        assert prop in schema["properties"]["properties"]["properties"]
    assert_invalid(
        validator,
        message(event="order completed", properties={"b": 5}),
        "is not of type 'string'",
    )
    assert_valid(validator, message(event="Order Completed", properties={"b": 5}))


def test_non_ascii_names_get_distinct_valid_paths(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: 日本のお店
        conventions: {events: any}
        events:
          注文完了: {}
          注文取消: {}
          Commande Validée: {}
        """)
    plan = load_plan(path)
    compiled = compile_plan(plan)
    files = [p for p in compiled.schemas if p.startswith("track/")]
    assert len(set(files)) == 3
    for file in files:
        stem = file.removeprefix("track/").removesuffix(".schema.json")
        assert stem and stem.isascii() and all(c.isalnum() or c == "_" for c in stem), file
    assert "track/commande_validee.schema.json" in files
    assert compiled.bundle["$id"].isascii()
    _check_all(compiled, "2020-12")
    assert_valid(_validator(compiled), message(event="注文完了", properties={}))
    assert_invalid(_validator(compiled), message(event="注文", properties={}))
