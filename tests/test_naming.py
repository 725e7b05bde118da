"""tracking_plan.naming: inferring a naming convention, writing an action in the past tense."""

from __future__ import annotations

import pytest

from tracking_plan.naming import (
    EVENT_CONVENTIONS,
    PROPERTY_CONVENTIONS,
    infer_convention,
    is_past_form,
    is_past_tense,
    past_action,
    replace_word,
)


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


@pytest.mark.parametrize(
    ("word", "past"),
    [
        # -e: add d, also where the -ing form keeps the e
        ("Activate", "Activated"),
        ("activating", "activated"),
        ("agree", "agreed"),
        ("agreeing", "agreed"),
        ("freeing", "freed"),
        ("queueing", "queued"),
        ("dyeing", "dyed"),
        ("canoeing", "canoed"),
        # consonant doubling, prefixed verbs included
        ("stop", "stopped"),
        ("stopping", "stopped"),
        ("submit", "submitted"),
        ("unpin", "unpinned"),
        ("resubmit", "resubmitted"),
        ("unzip", "unzipped"),
        ("overlap", "overlapped"),
        ("visit", "visited"),
        ("open", "opened"),
        ("unlock", "unlocked"),
        ("unbox", "unboxed"),
        # -y and -ic
        ("copy", "copied"),
        ("copying", "copied"),
        ("retry", "retried"),
        ("play", "played"),
        ("panic", "panicked"),
        # irregular verbs, prefixed ones included
        ("Forget", "Forgot"),
        ("catch", "caught"),
        ("think", "thought"),
        ("resend", "resent"),
        ("resending", "resent"),
        ("rebuild", "rebuilt"),
        ("undo", "undid"),
        ("undergo", "underwent"),
        ("unite", "united"),
        ("overwrite", "overwrote"),
        ("repay", "repaid"),
        ("relay", "relayed"),
        ("see", "saw"),
        ("Signup", "Signed Up"),
    ],
)
def test_past_action(word: str, past: str) -> None:
    assert past_action(word) == past


@pytest.mark.parametrize(
    ("word", "participle"),
    [
        ("take", "taken"),
        ("Forget", "Forgotten"),
        ("rewrite", "rewritten"),
        ("undo", "undone"),
        ("override", "overridden"),
        ("activate", "activated"),
        ("run", "run"),
    ],
)
def test_past_participle(word: str, participle: str) -> None:
    assert past_action(word, participle=True) == participle


def test_every_irregular_past_has_its_verb() -> None:
    """What `is_past_form` accepts as an irregular past, `past_action` writes for its verb."""
    from tracking_plan import naming

    for verb, (past, participle) in naming._IRREGULAR.items():
        assert is_past_tense(past), verb
        assert participle == verb or is_past_form(participle), verb
        assert past_action(verb) == past
        # A verb that is its own past (`beat`, `cut`) is taken as past already.
        assert past_action(verb, participle=True) == (verb if past == verb else participle)


@pytest.mark.parametrize(
    ("name", "index", "replacement", "expected"),
    [
        ("Guest Space Activate", 2, "Activated", "Guest Space Activated"),
        ("guest_space_activate", 2, "activated", "guest_space_activated"),
        ("guestSpaceActivate", 2, "Activated", "guestSpaceActivated"),
        ("Check-Out Start", 2, "Started", "Check-Out Started"),
        ("User Signup", 1, "Signed Up", "User Signed Up"),
        ("user_signup", 1, "signed up", "user_signed_up"),
        ("userSignup", 1, "Signed Up", "userSignedUp"),
        ("Complete Order", 0, "Completed", "Completed Order"),
        ("Signup", 0, "Signed Up", "Signed Up"),
    ],
)
def test_replace_word(name: str, index: int, replacement: str, expected: str) -> None:
    assert replace_word(name, index, replacement) == expected
