"""The loader: every kind of plan mistake, reported with code, file:line:col and a useful message,
and the merging, resolving and defaulting that a loaded plan relies on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BAD_PLANS, SHOP_PLAN, WritePlan, assert_clean, describe, errors, find, load

from tracking_plan import PlanLoadError, load_plan, read_plan
from tracking_plan.model import CallType, Definition, Plan, Policy, Property

# -- TP001: YAML syntax ---------------------------------------------------------------------------


def mentions_position(message: str, line: int, column: int) -> bool:
    """Whether a message points at line:column (as `13:16` or `line 13, column 16`)."""
    pattern = rf"\b{line}:{column}\b|line {line},? col(umn)? {column}\b"
    return re.search(pattern, message) is not None


def test_yaml_syntax_unclosed_flow_sequence(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            platforms: [web, ios
            status: active
        """)
    result = load(path)
    assert result.plan is None
    found = find(result, "TP001", 5, 11, "YAML syntax error", file="plan.yaml")
    assert found.slug == "yaml-syntax"
    # The parser notices the problem on line 5; the message must say where the `[` was opened.
    assert mentions_position(found.message, 4, 16), found.message


def test_yaml_syntax_tab_indentation(write_plan: WritePlan) -> None:
    path = write_plan("plan: shop\nevents:\n\tOrder Completed:\n\t\tdescription: x\n")
    result = load(path)
    assert result.plan is None
    found = find(result, "TP001", 3, 1, "YAML syntax error")
    # A tab is invisible in most editors: the message has to name it.
    assert "tab" in found.message.lower(), found.message


def test_yaml_syntax_tab_inside_mapping(write_plan: WritePlan) -> None:
    path = write_plan("plan: shop\nevents:\n  Order Completed:\n    description:\tx\n\towner: y\n")
    result = load(path)
    found = find(result, "TP001", 5, 1, "YAML syntax error")
    assert "tab" in found.message.lower()


def test_yaml_syntax_unclosed_quote(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        description: "Events of the shop
        events: {}
        """)
    result = load(path)
    assert result.plan is None
    found = find(result, "TP001", 4, 1, "YAML syntax error", "quoted scalar")
    # The end of the file is where the parser gives up; the quote was opened at 2:14.
    assert mentions_position(found.message, 2, 14), found.message


def test_yaml_two_documents_in_one_file(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        ---
        plan: other
        """)
    result = load(path)
    assert result.plan is None
    find(result, "TP001", 2, 1, "single document")


def test_yaml_syntax_error_stops_before_shape_checks(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        evnts: [a, b
        """)
    result = load(path)
    assert [d.code for d in result.diagnostics] == ["TP001"]


# -- TP002: shape ---------------------------------------------------------------------------------


def test_unknown_root_key_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        evnts:
          Order Completed: {}
        """)
    result = load(path)
    assert result.plan is None
    found = find(result, "TP002", 2, 1, "unknown key 'evnts'", "did you mean 'events'?")
    assert found.suggestion == "events"
    assert found.slug == "invalid-plan-shape"
    assert found.location.pointer == "/evnts"


def test_unknown_event_key_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            descripton: The customer completed an order.
        """)
    found = find(load(path), "TP002", 4, 5, "unknown key 'descripton'", "'Order Completed'")
    assert found.suggestion == "description"
    assert "did you mean 'description'?" in found.message


def test_unknown_property_key_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              order_id: {type: string, requird: true}
        """)
    found = find(load(path), "TP002", 5, 32, "unknown key 'requird'", "property 'order_id'")
    assert found.suggestion == "required"


def test_unknown_key_without_close_match_lists_allowed_keys(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        zzzzzz: 1
        """)
    found = find(load(path), "TP002", 2, 1, "unknown key 'zzzzzz'", "allowed:", "events")
    assert found.suggestion is None
    assert "did you mean" not in found.message


def test_required_must_be_boolean(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              order_id:
                required: yes please
                type: string
        """)
    find(
        load(path), "TP002", 6, 19, "'required' must be true or false, not the string 'yes please'"
    )


def test_properties_must_be_a_mapping(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Coupon Shared:
            properties: [coupon_code, channel]
        """)
    find(load(path), "TP002", 4, 17, "properties must be a mapping, not a list")


def test_version_must_be_integer(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            version: "two"
        """)
    find(load(path), "TP002", 4, 14, "'version' must be an integer")


def test_version_must_be_positive(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            version: 0
        """)
    find(load(path), "TP002", 4, 14, "'version' must be an integer >= 1")


def test_platforms_must_be_a_list(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            platforms: 5
        """)
    find(load(path), "TP002", 4, 16, "'platforms' must be a list, not the integer 5")


def test_unknown_property_type_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              order_id:
                type: strng
        """)
    found = find(load(path), "TP002", 6, 15, "unknown property type 'strng'", "'string'")
    assert found.suggestion == "string"


def test_unknown_shorthand_type_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              placed_at: datetime
        """)
    found = find(load(path), "TP002", 5, 18, "unknown property type 'datetime'")
    assert found.suggestion == "date-time"


def test_bad_policy_value(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        unplanned_events: sometimes
        unplanned_properties: forbidd
        """)
    result = load(path)
    first = find(result, "TP002", 2, 19, "must be one of allow, warn, forbid", "'sometimes'")
    assert first.suggestion is None
    second = find(result, "TP002", 3, 23, "'forbidd'", "did you mean 'forbid'?")
    assert second.suggestion == "forbid"


def test_bad_event_policy_value(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            unplanned_properties: deny
        """)
    find(load(path), "TP002", 4, 27, "'unplanned_properties' must be one of", "'deny'")


def test_bad_convention_values(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        conventions:
          events: title-case
          properties: snakecase
        """)
    result = load(path)
    find(result, "TP002", 3, 11, "conventions.events must be one of", "'title-case'")
    found = find(result, "TP002", 4, 15, "conventions.properties", "did you mean 'snake_case'?")
    assert found.suggestion == "snake_case"


def test_property_without_type(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              order_id:
                description: Order id.
              coupon:
        """)
    result = load(path)
    assert result.plan is None
    find(result, "TP002", 5, 7, "property 'order_id' has no type")
    find(result, "TP002", 7, 7, "property 'coupon' has no type")


def test_plan_without_name_is_named_after_its_file(write_plan: WritePlan) -> None:
    path = write_plan("""\
        version: 1.0.0
        events: {}
        """)
    result = load(path)
    assert_clean(result)
    assert result.plan is not None and result.plan.name == "plan"


def test_include_entry_needs_library_or_path(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - events: [Order Completed]
          - library: segment/ecommerce
            path: ./core.yaml
        """)
    result = load(path)
    find(result, "TP002", 3, 5, "exactly one of 'library' or 'path'")
    find(result, "TP002", 4, 5, "exactly one of 'library' or 'path'")


def test_invalid_regular_expression(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          order_id: {type: string, pattern: "^(ord_"}
        """)
    find(load(path), "TP002", 3, 37, "invalid regular expression")


# -- TP003: duplicate keys ------------------------------------------------------------------------


def test_duplicate_event_names(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            description: First.
          Order Refunded:
            description: Other.
          Order Completed:
            description: Second.
        """)
    result = load(path)
    assert result.plan is None
    found = find(
        result, "TP003", 7, 3, "duplicate key 'Order Completed'", "first defined at line 3"
    )
    assert found.slug == "duplicate-key"


def test_duplicate_property_names(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              order_id: string
              revenue: number
              order_id: integer
        """)
    find(load(path), "TP003", 7, 7, "duplicate key 'order_id'", "first defined at line 5")


def test_duplicate_key_in_flow_mapping(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed: {properties: {a: string, a: integer}}
        """)
    find(load(path), "TP003", 3, 45, "duplicate key 'a'", "first defined at line 3")


def test_duplicate_root_key(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        owner: a
        owner: b
        """)
    find(load(path), "TP003", 3, 1, "duplicate key 'owner'", "first defined at line 2")


# -- TP004: unresolved names ----------------------------------------------------------------------


def test_unresolved_ref_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          order_id: {type: string}
        events:
          Order Refunded:
            properties:
              order_id: {ref: orderid, required: true}
        """)
    result = load(path)
    assert result.plan is None
    found = find(result, "TP004", 7, 23, "ref 'orderid'", "did you mean 'order_id'?")
    assert found.suggestion == "order_id"
    assert found.slug == "unresolved-reference"


def test_ref_cycle_is_reported(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          a: {ref: b}
          b: {ref: a}
        """)
    result = load(path)
    assert result.plan is None
    assert any(d.code == "TP004" and "cycle" in d.message for d in result.diagnostics)


def test_missing_include_file(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - ./shared/does-not-exist.yaml
        """)
    result = load(path)
    assert result.plan is None
    find(
        result,
        "TP004",
        3,
        5,
        "included file './shared/does-not-exist.yaml' does not exist",
        "shared/does-not-exist.yaml",
    )


def test_missing_include_file_in_path_form(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - path: core.yaml
        """)
    find(load(path), "TP004", 3, 5, "included file 'core.yaml' does not exist")


def test_unknown_library_with_suggestion(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - segment/ecomerce
          - library: segment/mobil
        """)
    result = load(path)
    first = find(result, "TP004", 3, 5, "unknown spec library 'segment/ecomerce'", "segment/mobile")
    assert first.suggestion == "segment/ecommerce"
    second = find(result, "TP004", 4, 5, "unknown spec library 'segment/mobil'")
    assert second.suggestion == "segment/mobile"


def test_unknown_event_in_library_subset(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - library: segment/ecommerce
            events: [Product Viewed, Order Complete]
        """)
    result = load(path)
    assert result.plan is None
    assert [d.code for d in errors(result)] == ["TP004"], describe(result.diagnostics)
    # Like every unresolved name, the position is that of the name itself.
    found = find(
        result, "TP004", 4, 30, "has no event 'Order Complete'", "did you mean 'Order Completed'?"
    )
    assert found.suggestion == "Order Completed"


# -- TP005: required names ------------------------------------------------------------------------


def test_required_list_naming_undefined_properties(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Review Submitted:
            required: [rating, prodct_id, headline]
            properties:
              product_id: string
              rating: integer
        """)
    result = load(path)
    assert result.plan is None
    assert sorted(d.code for d in result.diagnostics) == ["TP005", "TP005"]
    found = find(result, "TP005", 4, 24, "'Review Submitted' requires 'prodct_id'", "'product_id'")
    assert found.suggestion == "product_id"
    assert found.slug == "required-undefined"
    find(result, "TP005", 4, 35, "requires 'headline', which is not defined")


def test_required_list_on_object_property(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Delivery Slot Selected:
            properties:
              slot:
                required: [starts_at, ends]
                properties:
                  starts_at: date-time
                  ends_at: date-time
        """)
    result = load(path)
    found = find(result, "TP005", 6, 31, "'slot' requires 'ends'", "'ends_at'")
    assert found.suggestion == "ends_at"


# -- TP010: include cycles ------------------------------------------------------------------------


def test_include_cycle_between_two_files(write_plan: WritePlan) -> None:
    write_plan(
        """\
        plan: b
        include:
          - ./a.yaml
        """,
        "b.yaml",
    )
    a = write_plan(
        """\
        plan: a
        include:
          - ./b.yaml
        """,
        "a.yaml",
    )
    result = load(a)
    assert result.plan is None
    found = find(
        result, "TP010", 3, 5, "include cycle", "a.yaml -> b.yaml -> a.yaml", file="b.yaml"
    )
    assert found.slug == "include-cycle"


def test_file_including_itself(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include: [./plan.yaml]
        """)
    result = load(path)
    assert result.plan is None
    find(result, "TP010", 2, 11, "plan.yaml -> plan.yaml", file="plan.yaml")


def test_diamond_include_is_not_a_cycle(write_plan: WritePlan) -> None:
    write_plan("properties:\n  order_id: string\n", "shared.yaml")
    write_plan("include: [./shared.yaml]\nevents:\n  Order Completed: {}\n", "left.yaml")
    write_plan("include: [./shared.yaml]\nevents:\n  Order Refunded: {}\n", "right.yaml")
    path = write_plan("plan: shop\ninclude: [./left.yaml, ./right.yaml]\n")
    result = load(path)
    assert_clean(result)
    assert result.plan is not None
    assert [e.name for e in result.plan.events] == ["Order Completed", "Order Refunded"]


# -- many problems, odd files ---------------------------------------------------------------------


def test_every_problem_in_a_file_is_reported(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          cart_id: string
        events:
          Checkout Started:
            ownr: checkout
            version: two
            properties:
              revenue: number
              revenue: {type: numbr}
          Cart Viewed:
            properties:
              cart_id: {ref: cart, required: true}
        """)
    result = load(path)
    assert result.plan is None
    find(result, "TP002", 6, 5, "unknown key 'ownr'")
    find(result, "TP002", 7, 14, "'version' must be an integer")
    find(result, "TP003", 10, 7, "duplicate key 'revenue'")
    find(result, "TP002", 10, 23, "unknown property type 'numbr'")
    find(result, "TP004", 13, 22, "ref 'cart'")
    assert len(result.diagnostics) == 5, describe(result.diagnostics)
    # Sorted by position, as reporters show them.
    lines = [d.location.line or 0 for d in result.diagnostics]
    assert lines == sorted(lines)


def test_problems_in_several_files_are_all_reported(write_plan: WritePlan) -> None:
    write_plan(
        """\
        properties:
          order_id: {type: strin}
        """,
        "core.yaml",
    )
    path = write_plan("""\
        plan: shop
        include: [./core.yaml]
        descripton: x
        """)
    result = load(path)
    find(result, "TP002", 2, 20, "unknown property type 'strin'", file="core.yaml")
    find(result, "TP002", 3, 1, "unknown key 'descripton'", file="plan.yaml")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_file(write_plan: WritePlan, text: str) -> None:
    path = write_plan(text)
    result = load(path)
    assert result.plan is None
    assert errors(result)
    find(result, "TP002", 1, 1, "the plan file is empty", file="plan.yaml")


def test_root_is_a_list(write_plan: WritePlan) -> None:
    path = write_plan("""\
        - plan: shop
        - events: {}
        """)
    result = load(path)
    assert result.plan is None
    # A file that is not a plan is named, but none of its lines is quoted under the message.
    find(result, "TP002", None, None, "plan.yaml is not a plan: its top level is a list")


def test_root_is_a_scalar(write_plan: WritePlan) -> None:
    path = write_plan("just some text\n")
    find(load(path), "TP002", None, None, "is not a plan: its top level is a string, not a")


def test_non_utf8_file(plan_dir: Path) -> None:
    (plan_dir / "plan.yaml").write_bytes("plan: café\n".encode("latin-1"))
    result = load("plan.yaml")
    assert result.plan is None
    assert len(result.diagnostics) == 1
    find(result, "TP001", 1, 10, "not UTF-8 text: byte 0xe9 at line 1, column 10")


def test_utf8_with_non_ascii_names_loads(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: café
        conventions: {events: any}
        events:
          Commande Validée:
            properties:
              montant_€: number
        """)
    result = load(path)
    assert_clean(result)
    assert result.plan is not None
    assert result.plan.name == "café"
    assert result.plan.events[0].properties[0].name == "montant_€"


def test_missing_root_file(plan_dir: Path) -> None:
    result = load("nope.yaml")
    assert result.plan is None
    find(result, "TP004", None, None, "cannot read plan file nope.yaml", file="nope.yaml")


def test_directory_as_root_file(plan_dir: Path) -> None:
    (plan_dir / "plans").mkdir()
    result = load("plans")
    assert result.plan is None
    assert [d.code for d in result.diagnostics] == ["TP004"]


def test_load_plan_raises_while_read_plan_reports(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        evnts: {}
        """)
    result = read_plan(path)
    assert result.plan is None
    assert not result.ok
    with pytest.raises(PlanLoadError) as raised:
        load_plan(path)
    assert [d.code for d in raised.value.diagnostics] == ["TP002"]
    assert "plan.yaml:2:1: TP002 unknown key 'evnts'" in str(raised.value)


def test_load_plan_raises_for_missing_file(plan_dir: Path) -> None:
    with pytest.raises(PlanLoadError) as raised:
        load_plan(plan_dir / "missing.yaml")
    assert raised.value.diagnostics[0].code == "TP004"


# -- plans/bad: every example mistake -------------------------------------------------------------


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return "\n".join(lines)


BAD_FILES = sorted(BAD_PLANS.glob("*.yaml"))


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_plan_reports_the_code_its_header_names(path: Path) -> None:
    header = _header(path)
    assert header, f"{path.name} has no header comment naming its mistake"
    result = read_plan(path)
    if "loader accepts" in header.lower():
        # A lint-level mistake: the plan itself must load without a single loader diagnostic.
        assert result.plan is not None, f"{path.name} should load:\n{describe(result.diagnostics)}"
        assert not result.diagnostics, describe(result.diagnostics)
        return
    expected = set(re.findall(r"\bTP0\d\d\b", header.split("EXPECTED", 1)[-1]))
    assert expected, f"{path.name}: the header names no loader code"
    assert result.plan is None
    codes = {d.code for d in result.diagnostics}
    assert expected <= codes, f"expected {sorted(expected)}:\n{describe(result.diagnostics)}"
    for diagnostic in result.diagnostics:
        assert diagnostic.location.file, diagnostic
        if diagnostic.code != "TP004" or "cannot read" not in diagnostic.message:
            assert diagnostic.location.line and diagnostic.location.column, diagnostic


# The positions documented in plans/bad/README.md.
BAD_POSITIONS: dict[str, list[tuple[str, str | None, int, int]]] = {
    "yaml-syntax.yaml": [("TP001", None, 14, 11)],
    "duplicate-key.yaml": [("TP003", None, 18, 7)],
    "unknown-key.yaml": [("TP002", None, 10, 5)],
    "wrong-value-type.yaml": [("TP002", None, 15, 19), ("TP002", None, 21, 17)],
    "unknown-type.yaml": [("TP002", None, 14, 15)],
    "unresolved-ref.yaml": [("TP004", None, 26, 23)],
    "unresolved-include.yaml": [
        ("TP004", None, 11, 5),
        ("TP004", None, 12, 5),
        ("TP004", None, 14, 30),
    ],
    "include-cycle-a.yaml": [("TP010", "include-cycle-b.yaml", 10, 5)],
    "include-cycle-b.yaml": [("TP010", "include-cycle-a.yaml", 10, 5)],
    "include-outside.yaml": [("TP004", None, 11, 5), ("TP004", None, 12, 5)],
    "unusable-number.yaml": [
        ("TP002", None, 15, 18),
        ("TP002", None, 16, 18),
        ("TP002", None, 17, 28),
        ("TP002", None, 18, 22),
    ],
    "alias-bomb.yaml": [("TP001", None, 13, 11)],
    "multiple-errors.yaml": [
        ("TP002", None, 19, 5),
        ("TP003", None, 22, 7),
        ("TP004", None, 26, 22),
    ],
}


@pytest.mark.parametrize("name", sorted(BAD_POSITIONS))
def test_bad_plan_positions(name: str) -> None:
    path = BAD_PLANS / name
    if not path.exists():
        pytest.skip(f"{name} is not in plans/bad")
    result = read_plan(path)
    for code, file, line, column in BAD_POSITIONS[name]:
        found = find(result, code, line, column)
        assert Path(found.location.file or "").name == (file or name)
    assert len(result.diagnostics) == len(BAD_POSITIONS[name]), describe(result.diagnostics)


def test_yaml_syntax_bad_plan_points_at_the_open_bracket() -> None:
    found = find(read_plan(BAD_PLANS / "yaml-syntax.yaml"), "TP001", 14, 11)
    assert mentions_position(found.message, 13, 16), found.message


# -- positive behaviour ---------------------------------------------------------------------------


def _prop(plan: Plan, event: str, *path: str) -> Property:
    definition = plan.event(event)
    assert definition is not None, event
    prop = definition.property(path[0])
    for name in path[1:]:
        assert prop is not None
        prop = prop.child(name) if name != "[]" else prop.items
    assert prop is not None, path
    return prop


def test_shorthand_types(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Coupon Shared:
            properties:
              shared_at: date-time
              count: integer
              code: string
              page: uri
              anything: any
        """)
    plan = load_plan(path)
    shared_at = _prop(plan, "Coupon Shared", "shared_at")
    assert shared_at.types == ("string",)
    assert shared_at.formats == ("date-time",)
    assert _prop(plan, "Coupon Shared", "count").types == ("integer",)
    assert _prop(plan, "Coupon Shared", "code").formats == ()
    assert _prop(plan, "Coupon Shared", "page").formats == ("uri",)
    assert _prop(plan, "Coupon Shared", "anything").types == ()


def test_type_lists_and_format_types(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Size Guide Viewed:
            properties:
              size: {type: [integer, string], nullable: true}
              email: {type: email}
              day: {type: string, format: date}
        """)
    plan = load_plan(path)
    size = _prop(plan, "Size Guide Viewed", "size")
    assert size.types == ("string", "integer")  # JSON type order, whatever the plan's order
    assert size.nullable
    email = _prop(plan, "Size Guide Viewed", "email")
    assert (email.types, email.formats) == (("string",), ("email",))
    assert _prop(plan, "Size Guide Viewed", "day").formats == ("date",)


def test_type_inferred_from_properties_and_items(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              address:
                properties:
                  city: string
              tags:
                items: string
        """)
    plan = load_plan(path)
    assert _prop(plan, "Order Completed", "address").types == ("object",)
    tags = _prop(plan, "Order Completed", "tags")
    assert tags.types == ("array",)
    assert tags.items is not None and tags.items.types == ("string",)


def test_ref_with_overrides(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          order_id:
            type: string
            description: Order id from the orders database.
            pattern: "^ord_[0-9a-z]{12}$"
            required: true
        events:
          Order Completed:
            properties:
              order_id: {ref: order_id, required: true}
          Order Refunded:
            properties:
              order_id: {ref: order_id, description: The refunded order.}
        """)
    plan = load_plan(path)
    completed = _prop(plan, "Order Completed", "order_id")
    assert completed.required
    assert completed.ref == "order_id"
    assert completed.types == ("string",)
    assert completed.pattern == "^ord_[0-9a-z]{12}$"
    assert completed.description == "Order id from the orders database."
    refunded = _prop(plan, "Order Refunded", "order_id")
    assert refunded.description == "The refunded order."
    assert refunded.pattern == "^ord_[0-9a-z]{12}$"
    # `required` of the shared definition is not inherited: each use decides.
    assert not refunded.required
    assert plan.shared_property("order_id") is not None
    # A property defined by ref points at its own use, not at the shared definition.
    assert (completed.location.line, completed.location.column) == (11, 7)


def test_ref_chain(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          id: {type: string, max_length: 32}
          order_id: {ref: id, pattern: "^ord_"}
        events:
          Order Completed:
            properties:
              order_id: {ref: order_id}
        """)
    prop = _prop(load_plan(path), "Order Completed", "order_id")
    assert (prop.types, prop.max_length, prop.pattern) == (("string",), 32, "^ord_")


def test_ref_layered_over_library_event(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - library: segment/ecommerce
            events: [Order Completed]
        properties:
          order_id:
            type: string
            description: Shared description.
            pattern: "^ord_"
        events:
          Order Completed:
            properties:
              order_id: {ref: order_id, required: true}
              coupon: {ref: order_id, description: Own description.}
        """)
    plan = load_plan(path)
    order_id = _prop(plan, "Order Completed", "order_id")
    # own keys > shared definition > library
    assert order_id.required
    assert order_id.description == "Shared description."
    assert order_id.pattern == "^ord_"
    assert order_id.examples == ("50314b8e9bcf000000000000",)  # only the library has examples
    coupon = _prop(plan, "Order Completed", "coupon")
    assert coupon.description == "Own description."
    assert coupon.pattern == "^ord_"
    assert coupon.examples == ("hasbros",)


def test_tightening_a_library_event(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - segment/ecommerce
        events:
          Order Completed:
            description: Our own words.
            properties:
              revenue: {required: true}
        """)
    plan = load_plan(path)
    event = plan.event("Order Completed")
    assert event is not None
    assert event.description == "Our own words."
    assert event.origin == "segment/ecommerce"
    revenue = event.property("revenue")
    assert revenue is not None
    assert revenue.required
    assert revenue.types == ("number",)
    assert revenue.description and "revenue" in revenue.description
    names = [p.name for p in event.properties]
    for kept in ("checkout_id", "order_id", "total", "currency", "products"):
        assert kept in names
    assert [p.name for p in event.properties if p.required] == ["revenue"]
    # The other library events are untouched.
    other = plan.event("Checkout Started")
    assert other is not None
    assert not any(p.required for p in other.properties)


def test_subset_include_picks_only_listed_events(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - library: segment/ecommerce
            events: [Order Completed, Product Viewed]
        """)
    plan = load_plan(path)
    assert sorted(e.name for e in plan.events) == ["Order Completed", "Product Viewed"]
    assert {e.origin for e in plan.events} == {"segment/ecommerce"}


def test_library_event_locations_name_the_library(write_plan: WritePlan) -> None:
    path = write_plan("plan: shop\ninclude: [segment/email]\n")
    plan = load_plan(path)
    assert len(plan.events) == 6
    for event in plan.events:
        assert event.origin == "segment/email"
        assert event.location.file is not None and "segment/email" in event.location.file
        assert event.location.line is not None


def test_file_include_merges_and_root_wins(write_plan: WritePlan) -> None:
    write_plan(
        """\
        version: 0.0.1
        owner: core-team
        unplanned_events: warn
        properties:
          order_id:
            type: string
            description: From core.
        events:
          Thing Done:
            description: From core.
            owner: core-team
            properties:
              a: {type: string, description: From core.}
              b: integer
          Core Only:
            description: Only in core.
        identify:
          traits:
            email: email
        """,
        "core.yaml",
    )
    path = write_plan("""\
        plan: shop
        version: 2.0.0
        owner: root-team
        include: [./core.yaml]
        properties:
          order_id:
            max_length: 20
        events:
          Thing Done:
            description: From root.
            properties:
              a: {max_length: 3}
              c: boolean
        """)
    plan = load_plan(path)
    assert plan.version == "2.0.0"
    assert plan.owner == "root-team"
    assert plan.unplanned_events is Policy.WARN  # set only in core.yaml
    assert plan.files == ("plan.yaml", "core.yaml")
    event = plan.event("Thing Done")
    assert event is not None
    assert event.description == "From root."
    assert event.owner == "core-team"
    assert [p.name for p in event.properties] == ["a", "b", "c"]
    a = event.property("a")
    assert a is not None
    assert (a.types, a.description, a.max_length) == (("string",), "From core.", 3)
    shared = plan.shared_property("order_id")
    assert shared is not None
    assert (shared.types, shared.description, shared.max_length) == (("string",), "From core.", 20)
    assert [e.name for e in plan.events] == ["Thing Done", "Core Only"]
    core_only = plan.event("Core Only")
    assert core_only is not None and core_only.owner == "root-team"
    assert plan.identify is not None
    assert plan.identify.property("email") is not None


def test_locations_point_into_included_files(write_plan: WritePlan) -> None:
    write_plan(
        """\
        properties:
          order_id: string
        events:
          Thing Done:
            properties:
              a: string
              b: integer
        identify:
          traits:
            email: email
        """,
        "shared/core.yaml",
    )
    path = write_plan("""\
        plan: shop
        include:
          - ./shared/core.yaml
        events:
          Thing Done:
            properties:
              a: {max_length: 3}
          Root Only:
            properties:
              order_id: {ref: order_id}
        """)
    plan = load_plan(path)

    def where(node: Property | Definition) -> tuple[str | None, int | None, int | None]:
        return (node.location.file, node.location.line, node.location.column)

    shared = plan.shared_property("order_id")
    assert shared is not None
    assert where(shared) == ("shared/core.yaml", 2, 3)
    assert where(_prop(plan, "Thing Done", "b")) == ("shared/core.yaml", 7, 7)
    assert where(_prop(plan, "Thing Done", "a")) == ("plan.yaml", 7, 7)  # tightened in the root
    assert where(_prop(plan, "Root Only", "order_id")) == ("plan.yaml", 10, 7)
    assert plan.identify is not None
    assert where(plan.identify) == ("shared/core.yaml", 8, 1)
    assert where(plan.identify.properties[0]) == ("shared/core.yaml", 10, 5)
    origins = {e.name: e.origin for e in plan.events}
    assert origins == {"Thing Done": "shared/core.yaml", "Root Only": "plan.yaml"}


def test_diagnostics_in_included_file_name_that_file(write_plan: WritePlan) -> None:
    write_plan(
        """\
        events:
          Thing Done:
            properties:
              order_id: {ref: ordr_id}
        """,
        "core.yaml",
    )
    path = write_plan("""\
        plan: shop
        include: [./core.yaml]
        properties:
          order_id: string
        """)
    find(load(path), "TP004", 4, 23, "ref 'ordr_id'", file="core.yaml")


def test_context_dotted_keys(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        context:
          app.version: {type: string, required: true}
          app.build: string
          device.model.name: string
          locale: string
        events:
          Push Permission Granted:
            context:
              device.type: {type: string, required: true}
          Order Completed: {}
        """)
    plan = load_plan(path)
    by_name = {p.name: p for p in plan.context}
    assert list(by_name) == ["app", "device", "locale"]
    app = by_name["app"]
    assert app.types == ("object",)
    assert app.required  # a required leaf makes its parents required
    version = app.child("version")
    assert version is not None and version.required and version.types == ("string",)
    build = app.child("build")
    assert build is not None and not build.required
    device = by_name["device"]
    assert not device.required
    model = device.child("model")
    assert model is not None and model.types == ("object",)
    assert model.child("name") is not None
    assert not by_name["locale"].required

    event = plan.event("Push Permission Granted")
    assert event is not None
    context = {p.name: p for p in event.context}
    assert list(context) == ["app", "device", "locale"]
    event_device = context["device"]
    assert event_device.required  # the event's required device.type
    assert [c.name for c in event_device.properties] == ["model", "type"]
    # Definitions without their own context get the plan's.
    other = plan.event("Order Completed")
    assert other is not None
    assert other.context == plan.context


def test_unplanned_policy_inheritance(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        unplanned_properties: forbid
        events:
          Plain Event:
            properties:
              address:
                properties:
                  city: string
              payload: object
          Lenient Event:
            unplanned_properties: warn
            properties:
              address:
                properties:
                  city: string
              strict:
                unplanned_properties: forbid
                properties:
                  a: string
              free: {type: object}
              open:
                unplanned_properties: allow
                properties:
                  b: string
        """)
    plan = load_plan(path)
    assert plan.unplanned_properties is Policy.FORBID
    plain = plan.event("Plain Event")
    assert plain is not None
    assert plain.unplanned_properties is Policy.FORBID  # plan default
    assert _prop(plan, "Plain Event", "address").unplanned_properties is Policy.FORBID
    assert _prop(plan, "Plain Event", "payload").unplanned_properties is Policy.ALLOW  # free-form
    lenient = plan.event("Lenient Event")
    assert lenient is not None
    assert lenient.unplanned_properties is Policy.WARN  # event override
    assert _prop(plan, "Lenient Event", "address").unplanned_properties is Policy.WARN
    assert _prop(plan, "Lenient Event", "strict").unplanned_properties is Policy.FORBID
    assert _prop(plan, "Lenient Event", "free").unplanned_properties is Policy.ALLOW
    assert _prop(plan, "Lenient Event", "open").unplanned_properties is Policy.ALLOW


def test_default_policies(write_plan: WritePlan) -> None:
    plan = load_plan(write_plan("plan: shop\nevents:\n  Order Completed: {}\n"))
    assert plan.unplanned_events is Policy.FORBID
    assert plan.unplanned_properties is Policy.WARN
    assert plan.events[0].unplanned_properties is Policy.WARN
    assert (plan.conventions.events, plan.conventions.properties) == ("object-action", "snake_case")


def test_objects_inside_arrays_inherit_the_policy(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Wishlist Shared:
            unplanned_properties: forbid
            properties:
              recipients:
                type: array
                items:
                  type: object
                  properties:
                    email: email
        """)
    recipient = _prop(load_plan(path), "Wishlist Shared", "recipients", "[]")
    # An object with planned properties inside an array is as nested as one inside an object.
    assert recipient.unplanned_properties is Policy.FORBID


def test_required_list_at_event_level(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        include:
          - library: segment/ecommerce
            events: [Order Completed]
        events:
          Review Submitted:
            required: [product_id, rating]
            properties:
              product_id: string
              rating: integer
              headline: string
          Order Completed:
            required: revenue
        """)
    plan = load_plan(path)
    review = plan.event("Review Submitted")
    assert review is not None
    assert [p.name for p in review.properties if p.required] == ["product_id", "rating"]
    order = plan.event("Order Completed")
    assert order is not None
    assert [p.name for p in order.properties if p.required] == ["revenue"]


def test_required_list_on_object(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Delivery Slot Selected:
            properties:
              slot:
                required: [starts_at]
                properties:
                  starts_at: date-time
                  ends_at: date-time
        """)
    slot = _prop(load_plan(path), "Delivery Slot Selected", "slot")
    assert not slot.required
    assert [(c.name, c.required) for c in slot.properties] == [
        ("starts_at", True),
        ("ends_at", False),
    ]


def test_yaml_anchors_and_merge_keys(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        properties:
          money: &money {type: number, minimum: 0, description: An amount.}
        events:
          Order Completed: &order
            description: An order.
            properties:
              revenue:
                <<: *money
                description: Revenue.
              total: *money
          Order Updated:
            <<: *order
            description: An updated order.
          Order Refunded:
            <<: [*order]
        """)
    plan = load_plan(path)
    revenue = _prop(plan, "Order Completed", "revenue")
    assert (revenue.types, revenue.minimum, revenue.description) == (("number",), 0, "Revenue.")
    total = _prop(plan, "Order Completed", "total")
    assert (total.types, total.description) == (("number",), "An amount.")
    updated = plan.event("Order Updated")
    assert updated is not None
    assert updated.description == "An updated order."
    assert [p.name for p in updated.properties] == ["revenue", "total"]
    refunded = plan.event("Order Refunded")
    assert refunded is not None and refunded.description == "An order."


def test_merge_key_with_a_scalar_is_an_error(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            <<: 5
        """)
    result = load(path)
    assert result.plan is None
    find(result, "TP002", 4, 9, "merge key")


def test_definition_fields(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        owner: data
        events:
          Coupon Shared:
            description: Shared a coupon.
            owner: growth
            side: client
            platforms: [ios, android]
            status: deprecated
            tags: referral
            version: 2
            lint:
              ignore: [TP301]
        pages:
          Home: {}
        screens:
          Checkout:
            properties:
              step: {type: integer, minimum: 1, maximum: 4}
        identify:
          unplanned_traits: forbid
          traits:
            email: {type: email, required: true}
        group:
          traits:
            name: string
        """)
    plan = load_plan(path)
    event = plan.event("Coupon Shared")
    assert event is not None
    assert event.owner == "growth"
    assert event.side is not None and event.side.value == "client"
    assert event.platforms == ("ios", "android")
    assert event.deprecated
    assert event.tags == ("referral",)
    assert event.version == 2
    assert event.lint_ignore == ("TP301",)
    assert [(d.call, d.name) for d in plan.definitions()] == [
        (CallType.TRACK, "Coupon Shared"),
        (CallType.IDENTIFY, "identify"),
        (CallType.GROUP, "group"),
        (CallType.PAGE, "Home"),
        (CallType.SCREEN, "Checkout"),
    ]
    assert plan.identify is not None
    assert plan.identify.unplanned_properties is Policy.FORBID
    assert plan.identify.owner == "data"
    step = plan.screens[0].property("step")
    assert step is not None and (step.minimum, step.maximum) == (1, 4)


def test_const_enum_examples_and_bounds(write_plan: WritePlan) -> None:
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              kind: {type: string, const: web}
              currency: {type: string, enum: [USD, EUR], example: USD}
              placed_on: {type: date, examples: [2024-01-01]}
              amount: {type: number, exclusive_minimum: 0, multiple_of: 0.5, maximum: 1000.0}
              items: {type: array, items: string, min_items: 1, max_items: 3, unique_items: true}
        """)
    plan = load_plan(path)
    assert _prop(plan, "Order Completed", "kind").enum == ("web",)
    currency = _prop(plan, "Order Completed", "currency")
    assert currency.enum == ("USD", "EUR")
    assert currency.examples == ("USD",)
    assert _prop(plan, "Order Completed", "placed_on").examples == ("2024-01-01",)
    amount = _prop(plan, "Order Completed", "amount")
    assert (amount.exclusive_minimum, amount.multiple_of, amount.maximum) == (0, 0.5, 1000.0)
    items = _prop(plan, "Order Completed", "items")
    assert (items.min_items, items.max_items, items.unique_items) == (1, 3, True)


def test_country_codes_in_string_enums_stay_strings(write_plan: WritePlan) -> None:
    # Under YAML 1.1 rules a bare `NO` (Norway) is false; in an enum of a string property that
    # silently compiles to `enum: [..., false, ...]` and rejects every Norwegian order.
    path = write_plan("""\
        plan: shop
        events:
          Order Completed:
            properties:
              country: {type: string, enum: [SE, NO, DK]}
        """)
    assert _prop(load_plan(path), "Order Completed", "country").enum == ("SE", "NO", "DK")


def test_shop_plan_loads_cleanly() -> None:
    result = read_plan(SHOP_PLAN)
    assert_clean(result)
    plan = result.plan
    assert plan is not None
    assert plan.name == "acme-shop"
    assert len(plan.events) == 13 + 6 + 9 + 9  # mobile + email + ecommerce subset + own
    assert [p.name for p in plan.pages] == ["Home", "Category", "Product", "Cart"]
    assert plan.identify is not None
    assert plan.identify.location.file is not None
    assert plan.identify.location.file.endswith("core.yaml")
    assert len(plan.files) == 2
