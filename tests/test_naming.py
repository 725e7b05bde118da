"""tracking_plan.naming: inferring a naming convention from names."""

from __future__ import annotations

import pytest

from tracking_plan.naming import EVENT_CONVENTIONS, PROPERTY_CONVENTIONS, infer_convention


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["order_completed", "product_viewed", "signup"], "snake_case"),
        (["Order Completed", "Product Added to Cart", "User Signed Up"], "object-action"),
        (["Completed Order", "Viewed Product"], "action-object"),
        (["orderCompleted", "productViewed", "signup"], "camelCase"),
        (["OrderCompleted", "ProductViewed"], "PascalCase"),
        (["order-completed", "signup"], "kebab-case"),
        # A name that several conventions accept goes to the first: Segment's recommendation.
        (["signup", "login"], "snake_case"),
        (["Page View", "Search Run"], "object-action"),
        # One style in 90% of the names or more is the plan's; tp lint reports the rest.
        ([f"event_{n}" for n in range(9)] + ["Odd One Out"], "snake_case"),
        ([f"event_{n}" for n in range(8)] + ["Odd One", "Out Again"], "any"),
        (["order_completed", "Product Viewed", "cartOpened"], "any"),
        ([], None),
    ],
)
def test_infer_event_convention(names: list[str], expected: str | None) -> None:
    assert infer_convention(names, EVENT_CONVENTIONS) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["order_id", "revenue", "product_id"], "snake_case"),
        (["orderId", "revenue", "productId"], "camelCase"),
        (["OrderId", "Revenue"], "PascalCase"),
        (["order_id", "orderId", "Revenue", "order-id"], "any"),
        # Each name counts once, however many events define it.
        (["orderId"] * 20 + ["order_id", "product_id"], "any"),
    ],
)
def test_infer_property_convention(names: list[str], expected: str | None) -> None:
    assert infer_convention(names, PROPERTY_CONVENTIONS) == expected
