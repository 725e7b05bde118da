"""The problems real implementations have, planted in a few of the generated messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from .catalog import Json, iso
from .generator import Generator

# Problem kind -> what it is and the code `tp validate` is expected to report.
PROBLEM_KINDS = {
    "naming_drift": "event `completed_order` instead of `Order Completed` (EV100; DR305)",
    "property_name_drift": "`orderId` instead of `order_id` in Order Completed (EV102, EV103)",
    "revenue_string": '`revenue` sent as a string such as "19.99" (EV104)',
    "required_missing": "a required property left out (EV103)",
    "enum_violation": "a value outside the property's enum (EV105)",
    "out_of_range": "Checkout screen step 5, above the maximum of 4 (EV107)",
    "unplanned_event": "`Button Clicked 42`, an event that is not in the plan (EV100)",
    "missing_identity": "neither userId nor anonymousId (EN203)",
    "duplicate_message_id": "a retry that reuses an earlier messageId (EN205)",
    "deprecated_event": "`Checkout Button Tapped`, deprecated in the plan (EV114)",
    "context_missing": "context.app.version missing (EV112)",
}


def pick(gen: Generator, used: set[int], pred: Callable[[Json], bool]) -> Json:
    candidates = [m for _, _, m in gen.messages if id(m) not in used and pred(m)]
    m = gen.rng.choice(candidates)
    used.add(id(m))
    return m


def mark(gen: Generator, m: Json, kind: str) -> None:
    gen.problems[id(m)] = kind


def inject_problems(gen: Generator) -> None:
    rng = gen.rng
    used: set[int] = set()

    def ev(name: str, platform: str | None = None) -> Callable[[Json], bool]:
        def pred(m: Json) -> bool:
            if m.get("event") != name:
                return False
            if platform is None:
                return True
            return m["context"].get("device", {}).get("type") == platform or (
                platform == "web" and m["context"].get("library", {}).get("name") == "analytics.js"
            )

        return pred

    def rename_key(d: Json, old: str, new: str) -> Json:
        return {(new if k == old else k): v for k, v in d.items()}

    # An old Android build that still sends the v1 snake_case name.
    for _ in range(3):
        m = pick(gen, used, ev("Order Completed", "android"))
        m["event"] = "completed_order"
        mark(gen, m, "naming_drift")
    # The iOS StoreKit integration sends orderId (v1 camelCase).
    for _ in range(3):
        m = pick(gen, used, ev("Order Completed", "ios"))
        m["properties"] = rename_key(m["properties"], "order_id", "orderId")
        mark(gen, m, "property_name_drift")
    # The web checkout formats revenue before sending it.
    for _ in range(3):
        m = pick(gen, used, ev("Order Completed", "web"))
        m["properties"]["revenue"] = f"{m['properties']['revenue']:.2f}"
        mark(gen, m, "revenue_string")
    # Required properties left out.
    for name, prop in [
        ("Product Viewed", "product_id"),
        ("Product Viewed", "product_id"),
        ("Checkout Started", "currency"),
        ("Delivery Slot Selected", "cart_id"),
    ]:
        m = pick(gen, used, ev(name))
        del m["properties"][prop]
        mark(gen, m, "required_missing")
    # Values outside an enum.
    m = pick(gen, used, ev("Order Completed"))
    m["properties"]["currency"] = m["properties"]["currency"].lower()
    mark(gen, m, "enum_violation")
    m = pick(gen, used, ev("Product Viewed"))
    m["properties"]["currency"] = "JPY"
    mark(gen, m, "enum_violation")
    m = pick(gen, used, lambda m: m.get("event") == "Push Permission Granted")
    m["properties"]["prompt_location"] = "home_banner"
    mark(gen, m, "enum_violation")
    m = pick(gen, used, lambda m: m.get("type") == "screen" and m.get("name") == "Checkout")
    m["properties"]["step"] = 5
    mark(gen, m, "out_of_range")
    # A developer's debug event that reached production.
    for _ in range(3):
        src = pick(gen, used, lambda m: m.get("type") == "page" and m.get("name") == "Product")
        properties = {"button_id": 42, "label": "Add to bag"}
        m = _follow(gen, src, "web", rng.randint(2, 20), "Button Clicked 42", properties)
        used.add(id(m))
        mark(gen, m, "unplanned_event")
    # A server job that forgot to set the user.
    for _ in range(3):
        m = pick(
            gen,
            used,
            lambda m: (
                m.get("type") == "track"
                and "userId" in m
                and m["event"] in ("Email Delivered", "Email Opened", "Loyalty Points Redeemed")
            ),
        )
        m.pop("userId", None)
        m.pop("anonymousId", None)
        mark(gen, m, "missing_identity")
    # Mobile retries that resend a batch: same messageId, later sentAt.
    for _ in range(3):
        src = pick(gen, used, lambda m: m.get("type") == "track" and "device" in m["context"])
        dup = json.loads(json.dumps(src))
        sent = datetime.strptime(src["sentAt"], "%Y-%m-%dT%H:%M:%S.%f%z")
        dup["sentAt"] = iso(sent + timedelta(seconds=rng.randint(30, 600)))
        when = datetime.strptime(src["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z")
        gen.seq += 1
        gen.messages.append((when, gen.seq, dup))
        used.add(id(dup))
        mark(gen, dup, "duplicate_message_id")
    # Old app builds still send the deprecated checkout event.
    for _ in range(3):
        src = pick(
            gen, used, lambda m: m.get("event") == "Cart Viewed" and "device" in m["context"]
        )
        platform = src["context"]["device"]["type"]
        properties = {
            "cart_id": src["properties"]["cart_id"],
            "item_count": len(src["properties"]["products"]),
        }
        m = _follow(gen, src, platform, rng.randint(3, 15), "Checkout Button Tapped", properties)
        used.add(id(m))
        mark(gen, m, "deprecated_event")
    # Web pages where the plugin that sets context.app did not load.
    for _ in range(2):
        m = pick(gen, used, lambda m: m.get("type") == "page")
        del m["context"]["app"]
        mark(gen, m, "context_missing")


def _follow(
    gen: Generator, src: Json, platform: str, seconds: int, event: str, properties: Json
) -> Json:
    """A track event from the sender of `src`, `seconds` after it, with its context."""
    user = {
        "platform": platform,
        "userId": src.get("userId"),
        "anonymousId": src["anonymousId"],
        "context": src["context"],
    }
    t = datetime.strptime(src["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z") + timedelta(seconds=seconds)
    context = json.loads(json.dumps(src["context"]))
    return gen.emit(t, user, "track", event, {"properties": properties}, context=context)
