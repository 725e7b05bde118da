"""tracking_plan.diff.compare (issue 14, in progress): each kind of change between two plans,
and its impact on producers and consumers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tracking_plan.diff.change import Change
from tracking_plan.diff.compare import diff_plans
from tracking_plan.diff.impact import Impact
from tracking_plan.diff.witness import Witnesses
from tracking_plan.loader import load_plan
from tracking_plan.model import Plan

S, R, B = Impact.SAFE, Impact.RISKY, Impact.BREAKING

BASE = """\
plan: shop
unplanned_events: forbid
events:
  Order Completed:
    description: An order was placed.
    unplanned_properties: warn
    properties:
      order_id: {type: string, required: true, pattern: "^o-[0-9]+$"}
      total: {type: number, minimum: 0}
      currency: {type: string, enum: [EUR, USD]}
      coupon: {type: string}
      products:
        type: array
        items:
          type: object
          properties:
            sku: {type: string, max_length: 20}
            price: {type: number}
  Product Viewed:
    description: A product page was shown.
    status: deprecated
    properties:
      product_id: {type: string, required: true}
"""


def plan(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def plans(tmp_path: Path, new_text: str, old_text: str = BASE) -> tuple[Plan, Plan]:
    old = load_plan(plan(tmp_path, old_text, "old.yaml"))
    new = load_plan(plan(tmp_path, new_text, "new.yaml"))
    return old, new


def changes(tmp_path: Path, new_text: str, old_text: str = BASE) -> list[Change]:
    return diff_plans(*plans(tmp_path, new_text, old_text))


def only(found: list[Change]) -> Change:
    assert len(found) == 1, [(c.kind, c.path, c.message) for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("old", "new", "kind", "path", "producers", "consumers"),
    [
        (
            "      total: {type: number, minimum: 0}",
            "      total: {type: integer, minimum: 0}",
            "type-narrowed",
            "total",
            B,
            S,
        ),
        (
            "      coupon: {type: string}",
            "      coupon: {type: [string, number]}",
            "type-widened",
            "coupon",
            S,
            B,
        ),
        (
            "      coupon: {type: string}",
            "      coupon: {type: boolean}",
            "type-changed",
            "coupon",
            B,
            B,
        ),
        (
            "      coupon: {type: string}",
            '      coupon: {type: [string, "null"]}',
            "nullable-added",
            "coupon",
            S,
            R,
        ),
        (
            "      currency: {type: string, enum: [EUR, USD]}",
            "      currency: {type: string, enum: [EUR, USD, GBP]}",
            "enum-value-added",
            "currency",
            S,
            R,
        ),
        (
            "      currency: {type: string, enum: [EUR, USD]}",
            "      currency: {type: string, enum: [EUR]}",
            "enum-value-removed",
            "currency",
            B,
            S,
        ),
        (
            "      coupon: {type: string}",
            "      coupon: {type: string, enum: [A, B]}",
            "enum-added",
            "coupon",
            B,
            S,
        ),
        (
            "      currency: {type: string, enum: [EUR, USD]}",
            "      currency: {type: string}",
            "enum-removed",
            "currency",
            S,
            R,
        ),
        ('pattern: "^o-[0-9]+$"}', 'pattern: "^o-[0-9]{4}$"}', "pattern-changed", "order_id", B, B),
        (
            "      coupon: {type: string}",
            '      coupon: {type: string, pattern: "^[A-Z]+$"}',
            "pattern-tightened",
            "coupon",
            B,
            S,
        ),
        (', pattern: "^o-[0-9]+$"}', "}", "pattern-loosened", "order_id", S, R),
        (
            "      coupon: {type: string}",
            "      coupon: {type: string, format: email}",
            "format-tightened",
            "coupon",
            B,
            S,
        ),
        (
            "      total: {type: number, minimum: 0}",
            "      total: {type: number, minimum: 1}",
            "range-tightened",
            "total",
            B,
            S,
        ),
        (
            "      total: {type: number, minimum: 0}",
            "      total: {type: number}",
            "range-loosened",
            "total",
            S,
            R,
        ),
        (
            "      total: {type: number, minimum: 0}",
            "      total: {type: number, minimum: 1, maximum: 10, exclusive_minimum: -5}",
            "range-tightened",
            "total",
            B,
            S,
        ),
        (
            "sku: {type: string, max_length: 20}",
            "sku: {type: string, max_length: 10}",
            "length-tightened",
            "products/items/sku",
            B,
            S,
        ),
        (
            "sku: {type: string, max_length: 20}",
            "sku: {type: string, max_length: 30, min_length: 2}",
            "length-changed",
            "products/items/sku",
            B,
            B,
        ),
        (
            "      coupon: {type: string}",
            "      coupon: {type: string, required: true}",
            "property-made-required",
            "coupon",
            B,
            S,
        ),
        ("required: true, pattern", "pattern", "property-made-optional", "order_id", S, R),
        ("      coupon: {type: string}\n", "", "property-removed", "coupon", R, B),
        (
            "            price: {type: number}\n",
            "            price: {type: number}\n            qty: {type: integer, required: true}\n",
            "property-added-required",
            "products/items/qty",
            B,
            S,
        ),
        (
            "      coupon: {type: string}\n",
            "      coupon: {type: string}\n      note: {type: string}\n",
            "property-added-optional",
            "note",
            R,
            S,
        ),
        (
            "    unplanned_properties: warn\n",
            "    unplanned_properties: forbid\n",
            "unplanned-properties-closed",
            "",
            B,
            S,
        ),
        (
            "    description: An order was placed.",
            "    description: An order was completed.",
            "documentation-changed",
            "",
            S,
            S,
        ),
        ("    status: deprecated\n", "", "definition-undeprecated", "", S, S),
    ],
)
def test_each_kind_of_change_and_its_impacts(
    tmp_path: Path,
    old: str,
    new: str,
    kind: str,
    path: str,
    producers: Impact,
    consumers: Impact,
) -> None:
    assert old in BASE
    before, after = plans(tmp_path, BASE.replace(old, new, 1))
    change = only(diff_plans(before, after))
    assert (change.kind, change.path) == (kind, path)
    assert (change.impacts.producers, change.impacts.consumers) == (producers, consumers)
    witness = Witnesses(before, after).find(change)
    if producers is B:  # a proof: valid under the old plan's bundle, invalid under the new one
        assert witness is not None
    elif producers is S:  # nothing the search tries is valid before and invalid after
        assert witness is None, witness


def test_the_same_plan_has_no_changes(tmp_path: Path) -> None:
    assert changes(tmp_path, BASE) == []


def test_moving_a_property_into_shared_properties_is_no_change(tmp_path: Path) -> None:
    new = BASE.replace("events:\n", "properties:\n  coupon: {type: string}\nevents:\n", 1)
    new = new.replace("      coupon: {type: string}", "      coupon: {ref: coupon}")
    assert changes(tmp_path, new) == []


def test_removals_depend_on_deprecation_and_the_unplanned_events_policy(tmp_path: Path) -> None:
    without_order = BASE.replace(
        BASE[BASE.index("  Order Completed:") : BASE.index("  Product Viewed:")], ""
    )
    removed = only(changes(tmp_path, without_order))
    assert removed.kind == "definition-removed"
    assert (removed.impacts.producers, removed.impacts.consumers) == (B, B)
    without_product = BASE[: BASE.index("  Product Viewed:")]
    deprecated = only(changes(tmp_path, without_product))
    assert deprecated.kind == "deprecated-definition-removed"
    assert (deprecated.impacts.producers, deprecated.impacts.consumers) == (B, R)
    allowing = without_product.replace("unplanned_events: forbid", "unplanned_events: allow")
    found = {c.kind: c for c in changes(tmp_path, allowing)}
    assert found["deprecated-definition-removed"].impacts.producers is S
    assert found["unplanned-events-opened"].impacts.consumers is R


def test_a_close_name_with_the_same_properties_is_a_rename(tmp_path: Path) -> None:
    renamed = BASE.replace("  Order Completed:", "  Order Complete:")
    change = only(changes(tmp_path, renamed))
    assert (change.kind, change.definition, change.old, change.new) == (
        "definition-renamed",
        "Order Complete",
        "Order Completed",
        "Order Complete",
    )
    other = BASE.replace("  Order Completed:", "  Cart Emptied:")
    assert sorted(c.kind for c in changes(tmp_path, other)) == [
        "definition-added",
        "definition-removed",
    ]


def test_a_new_definition_is_safe(tmp_path: Path) -> None:
    added = BASE + "  Cart Viewed:\n    description: The cart was shown.\n"
    change = only(changes(tmp_path, added))
    assert change.kind == "definition-added"
    assert change.impacts.worst is S


def test_a_close_property_name_of_the_same_type_is_a_rename(tmp_path: Path) -> None:
    renamed = BASE.replace("      coupon: {type: string}", "      coupon_code: {type: string}")
    change = only(changes(tmp_path, renamed.replace("coupon_code", "Coupon")))
    assert (change.kind, change.path, change.old) == ("property-renamed", "Coupon", "coupon")
    assert (change.impacts.producers, change.impacts.consumers) == (R, B)
    other = BASE.replace("      coupon: {type: string}", "      voucher: {type: string}")
    assert sorted(c.kind for c in changes(tmp_path, other)) == [
        "property-added-optional",
        "property-removed",
    ]
