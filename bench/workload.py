"""A reproducible `tp validate` workload: a plan and a JSONL dump of Segment messages.

The plan has 40 track events, identify traits, three pages and two screens, built from a
vocabulary of shared properties (strings with enums, patterns and length limits, integers and
numbers with ranges, booleans, a date-time, a nested object and an array of objects), with
`unplanned_properties: warn` and `unplanned_events: forbid`.

The dump holds Segment messages of about 300 bytes (85% track, then identify, page, screen),
each with a realistic envelope: `type`, `event` or `name`, `userId` or `anonymousId`, a
uuid4-like `messageId`, `timestamp` and `sentAt` (ISO-8601 UTC with milliseconds and `Z`),
`context.library` and `context.app.version`. About 3% of the valid messages carry a property
the plan does not list (allowed: the plan only warns). 5% are invalid in exactly one way, one of
`INVALID_KINDS`. Everything is drawn from one seeded `random.Random`, so a given generator
version, seed and count always writes the same bytes; `ensure_workload` caches the files and
reuses them while the version matches.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

GENERATOR_VERSION = 1
SEED = 20241104
INVALID_RATE = 0.05
UNPLANNED_PROPERTY_RATE = 0.03
OPTIONAL_RATE = 0.4  # how often an optional property is sent

# The ways an invalid record is invalid, with their weights.
INVALID_KINDS = {
    "wrong_type": 20,
    "missing_required": 15,
    "enum": 12,
    "unplanned_event": 12,
    "pattern": 12,
    "out_of_range": 12,
    "too_long": 7,
    "date_time_format": 5,
    "forbidden_property": 5,
}

Json = Any
Generate = Callable[[random.Random], Json]


# --- Property vocabulary -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """One planned property: what the plan says and how to draw values for it.

    `valid` draws a value the plan accepts; `bad_pattern` one that fails the pattern only.
    """

    kind: str  # string, integer, number, boolean, date-time, email, object, array
    description: str
    valid: Generate | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    bad_pattern: Generate | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    children: dict[str, tuple[Field, bool]] = field(default_factory=dict)  # name: (field, req)
    items: Field | None = None
    max_items: int | None = None

    def spec(self) -> dict[str, Any]:
        """The property as written in the plan YAML."""
        spec: dict[str, Any] = {"type": self.kind, "description": self.description}
        for key, value in (
            ("enum", list(self.enum) if self.enum else None),
            ("pattern", self.pattern),
            ("max_length", self.max_length),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("max_items", self.max_items),
        ):
            if value is not None:
                spec[key] = value
        if self.nullable:
            spec["nullable"] = True
        if self.children:
            spec["properties"] = {
                name: {**child.spec(), **({"required": True} if required else {})}
                for name, (child, required) in self.children.items()
            }
        if self.items is not None:
            spec["items"] = self.items.spec()
        return spec

    def draw(self, rng: random.Random) -> Json:
        if self.nullable and rng.random() < 0.1:
            return None
        if self.valid is not None:
            return self.valid(rng)
        if self.enum:
            return rng.choice(self.enum)
        if self.kind == "integer":
            low = int(self.minimum) if self.minimum is not None else 0
            high = int(self.maximum) if self.maximum is not None else low + 500
            return rng.randint(low, high)
        if self.kind == "number":
            bottom = self.minimum if self.minimum is not None else 0.0
            top = self.maximum if self.maximum is not None else bottom + 250.0
            return round(rng.uniform(bottom, top), 2)
        if self.kind == "boolean":
            return rng.random() < 0.5
        if self.kind == "date-time":
            return _iso(1_730_000_000_000 + rng.randrange(30 * 86_400_000))
        if self.kind == "object":
            return {
                name: child.draw(rng)
                for name, (child, required) in self.children.items()
                if required or rng.random() < 0.7
            }
        if self.kind == "array" and self.items is not None:
            return [self.items.draw(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        raise ValueError(f"no value generator for a {self.kind} field")


def _words(*words: str) -> Generate:
    return lambda rng: rng.choice(words)


def _hex_id(prefix: str, digits: int) -> Generate:
    return lambda rng: f"{prefix}{rng.getrandbits(4 * digits):0{digits}x}"


def _alnum_id(prefix: str, length: int) -> Generate:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    return lambda rng: prefix + "".join(rng.choices(alphabet, k=length))


def _sku(rng: random.Random) -> str:
    return f"SKU-{rng.randrange(1_000_000):06d}"


def _bad_sku(rng: random.Random) -> str:
    return rng.choice((f"sku-{rng.randrange(1_000_000):06d}", f"SKU{rng.randrange(10**6)}"))


def _bad_order_id(rng: random.Random) -> str:
    return rng.choice(("ORD-" + str(rng.randrange(10**8)), f"ord_{rng.randrange(10**6)}"))


def _bad_code(rng: random.Random) -> str:
    return rng.choice(("welcome10", "Black Friday", "X"))


def _bad_country(rng: random.Random) -> str:
    return rng.choice(("usa", "Germany", "fr", "U.K."))


def _bad_path(rng: random.Random) -> str:
    return rng.choice(("products/sku-1", "https://shop.example.com/cart", "cart"))


STRING_WORDS = _words("Blue Denim Jacket", "Trail Runner 2", "Espresso Maker", "Desk Lamp")

PRODUCT_ID = Field(
    "string",
    "Catalog SKU of the product.",
    _sku,
    pattern="^SKU-[0-9]{6}$",
    bad_pattern=_bad_sku,
)
PRODUCT_ITEM = Field(
    "object",
    "One product of a cart or an order.",
    children={
        "product_id": (PRODUCT_ID, True),
        "name": (Field("string", "Product name.", STRING_WORDS, max_length=120), False),
        "price": (Field("number", "Unit price.", minimum=0, maximum=5000), False),
        "quantity": (Field("integer", "Units.", minimum=1, maximum=99), True),
    },
)
ADDRESS = Field(
    "object",
    "Where the order ships to.",
    children={
        "city": (Field("string", "City.", _words("Berlin", "Austin", "Lyon"), max_length=80), True),
        "postal_code": (
            Field("string", "Postal code.", _words("10115", "73301"), max_length=16),
            False,
        ),
        "country_code": (
            Field(
                "string",
                "ISO 3166-1 alpha-2 country code.",
                _words("DE", "US", "FR", "GB", "NL"),
                pattern="^[A-Z]{2}$",
                bad_pattern=_bad_country,
            ),
            True,
        ),
    },
)

PROPERTIES: dict[str, Field] = {
    "product_id": PRODUCT_ID,
    "sku_name": Field("string", "Product name as shown.", STRING_WORDS, max_length=120),
    "category": Field(
        "string", "Catalog category.", enum=("apparel", "shoes", "home", "electronics", "toys")
    ),
    "brand": Field("string", "Brand name.", _words("Acme", "Northwind", "Globex"), max_length=60),
    "price": Field("number", "Unit price in `currency`.", minimum=0, maximum=5000),
    "quantity": Field("integer", "Number of units.", minimum=1, maximum=99),
    "currency": Field("string", "ISO 4217 currency code.", enum=("USD", "EUR", "GBP")),
    "position": Field("integer", "1-based position in the list.", minimum=1, maximum=200),
    "list_id": Field("string", "Id of the product list.", _hex_id("lst_", 8), max_length=32),
    "cart_id": Field(
        "string",
        "Id of the cart.",
        _alnum_id("cart_", 10),
        pattern="^cart_[0-9a-z]{10}$",
        bad_pattern=lambda rng: f"CART-{rng.randrange(10**6)}",
    ),
    "order_id": Field(
        "string",
        "Order id from the orders database.",
        _alnum_id("ord_", 12),
        pattern="^ord_[0-9a-z]{12}$",
        bad_pattern=_bad_order_id,
    ),
    "revenue": Field("number", "Order revenue, excluding shipping and tax.", minimum=0),
    "shipping": Field("number", "Shipping cost.", minimum=0, maximum=100),
    "coupon": Field(
        "string",
        "Coupon code used, if any.",
        _words("WELCOME10", "SPRING24", "FREESHIP"),
        pattern="^[A-Z0-9]{4,16}$",
        bad_pattern=_bad_code,
        nullable=True,
    ),
    "discount": Field("number", "Discount amount.", minimum=0, maximum=500),
    "products": Field("array", "Products in the cart or order.", items=PRODUCT_ITEM, max_items=50),
    "shipping_address": ADDRESS,
    "payment_method": Field(
        "string", "How the user paid.", enum=("card", "paypal", "apple_pay", "google_pay", "klarna")
    ),
    "step": Field("integer", "Checkout step.", minimum=1, maximum=4),
    "query": Field(
        "string",
        "The search text.",
        _words("running shoes", "lamp", "gift for dad"),
        max_length=200,
    ),
    "results_count": Field("integer", "Number of results.", minimum=0, maximum=10_000),
    "filter_type": Field("string", "Filter applied.", enum=("price", "brand", "size", "color")),
    "sort_order": Field("string", "Sort order.", enum=("relevance", "price_asc", "price_desc")),
    "promotion_id": Field("string", "Id of the promotion.", _hex_id("promo_", 6), max_length=32),
    "creative": Field("string", "Banner creative.", _words("hero_1", "sidebar_b"), max_length=64),
    "share_via": Field("string", "Channel.", enum=("email", "sms", "whatsapp", "link")),
    "rating": Field("integer", "Star rating.", minimum=1, maximum=5),
    "review_body": Field(
        "string", "Review text.", _words("Great fit.", "Too small."), max_length=500
    ),
    "method": Field("string", "Sign-in method.", enum=("email", "google", "apple", "sso")),
    "plan_name": Field("string", "Subscription plan.", enum=("basic", "plus", "premium")),
    "billing_period": Field("string", "Billing period.", enum=("monthly", "yearly")),
    "trial_days": Field("integer", "Length of the trial.", minimum=1, maximum=90),
    "reason": Field(
        "string", "Why, in the user's words.", _words("too expensive", "moved"), max_length=200
    ),
    "campaign_id": Field(
        "string",
        "Id of the campaign.",
        _alnum_id("cmp_", 8),
        pattern="^cmp_[0-9a-z]{8}$",
        bad_pattern=lambda rng: f"campaign-{rng.randrange(1000)}",
    ),
    "link_url": Field(
        "string", "Clicked link.", _words("https://shop.example.com/sale"), max_length=2048
    ),
    "video_id": Field("string", "Id of the video.", _hex_id("vid_", 8), max_length=32),
    "position_seconds": Field("integer", "Playhead position.", minimum=0, maximum=36_000),
    "duration_seconds": Field("integer", "Video length.", minimum=1, maximum=36_000),
    "is_logged_in": Field("boolean", "Whether the user is signed in."),
    "is_first_order": Field("boolean", "Whether this is the user's first order."),
    "score": Field("integer", "NPS score.", minimum=0, maximum=10),
    "from_background": Field("boolean", "Whether the app came back from the background."),
    "scheduled_at": Field("date-time", "When it was scheduled for."),
    "opened_at": Field("date-time", "When the notification was opened."),
}

# Event name: properties (a trailing "!" marks a required one); events marked with `forbid`
# have `unplanned_properties: forbid`. Weights give a realistic mix (product views dominate).
EVENTS: dict[str, tuple[str, int]] = {
    "Product Viewed": ("product_id! sku_name category brand price currency", 120),
    "Product Clicked": ("product_id! list_id position category", 60),
    "Product Added": ("cart_id! product_id! quantity! price currency", 45),
    "Product Removed": ("cart_id! product_id! quantity", 12),
    "Product List Viewed": ("list_id! category sort_order", 50),
    "Product List Filtered": ("list_id! filter_type! sort_order", 18),
    "Products Searched": ("query! results_count is_logged_in", 40),
    "Search Results Viewed": ("query! results_count! position", 20),
    "Cart Viewed": ("cart_id! products currency", 25),
    "Checkout Started": ("cart_id! order_id! products! revenue currency coupon", 15),
    "Checkout Step Viewed": ("order_id! step!", 14),
    "Checkout Step Completed": ("order_id! step! payment_method", 12),
    "Payment Info Entered": ("order_id! payment_method!", 9),
    "Order Completed": (
        "order_id! revenue! currency! products! shipping discount coupon shipping_address "
        "is_first_order forbid",
        10,
    ),
    "Order Refunded": ("order_id! revenue! currency! reason", 2),
    "Order Cancelled": ("order_id! reason", 2),
    "Coupon Entered": ("cart_id! coupon!", 5),
    "Coupon Applied": ("cart_id! coupon! discount!", 4),
    "Coupon Denied": ("cart_id! coupon! reason", 2),
    "Promotion Viewed": ("promotion_id! creative position", 20),
    "Promotion Clicked": ("promotion_id! creative position", 6),
    "Wishlist Product Added": ("product_id! sku_name category", 6),
    "Wishlist Product Removed": ("product_id!", 2),
    "Product Shared": ("product_id! share_via!", 3),
    "Product Reviewed": ("product_id! rating! review_body", 2),
    "Signed Up": ("method! is_logged_in", 4),
    "Signed In": ("method!", 12),
    "Signed Out": ("is_logged_in", 5),
    "Password Reset Requested": ("method", 1),
    "Account Deleted": ("reason", 1),
    "Subscription Started": ("plan_name! billing_period! revenue currency", 2),
    "Subscription Cancelled": ("plan_name! reason", 1),
    "Trial Started": ("plan_name! trial_days!", 2),
    "Notification Opened": ("campaign_id! opened_at! scheduled_at", 8),
    "Email Link Clicked": ("campaign_id! link_url!", 6),
    "Video Playback Started": ("video_id! position_seconds duration_seconds", 10),
    "Video Playback Completed": ("video_id! duration_seconds!", 5),
    "Feedback Submitted": ("score! reason", 2),
    "Application Opened": ("from_background! is_logged_in", 30),
    "Application Backgrounded": ("is_logged_in", 20),
}

IDENTIFY_TRAITS: dict[str, tuple[Field, bool]] = {
    "email": (
        Field("email", "Email address.", lambda rng: f"user{rng.randrange(10**6)}@example.com"),
        True,
    ),
    "first_name": (
        Field("string", "First name.", _words("Ada", "Linus", "Grace"), max_length=50),
        False,
    ),
    "plan": (Field("string", "Subscription plan.", enum=("free", "plus", "premium")), False),
    "age": (Field("integer", "Age in years.", minimum=13, maximum=120), False),
    "created_at": (Field("date-time", "When the account was created."), True),
    "marketing_opt_in": (Field("boolean", "Whether the user accepts marketing email."), False),
}
PAGE_PROPERTIES: dict[str, tuple[Field, bool]] = {
    "path": (
        Field(
            "string",
            "URL path of the page.",
            _words("/", "/products/sku-42", "/cart", "/search"),
            pattern="^/",
            bad_pattern=_bad_path,
            max_length=512,
        ),
        True,
    ),
    "title": (
        Field("string", "Document title.", _words("Acme Shop", "Cart | Acme"), max_length=120),
        False,
    ),
    "search": (
        Field("string", "Query string.", _words("?q=lamp", "?utm_source=mail"), max_length=512),
        False,
    ),
}
PAGES: dict[str, int] = {"Home": 3, "Product": 4, "Cart": 1}
SCREENS: dict[str, tuple[str, int]] = {
    "Home": ("from_background! is_logged_in", 2),
    "Product Detail": ("product_id!", 1),
}
CALL_WEIGHTS = {"track": 85, "identify": 7, "page": 5, "screen": 3}

# Track event names that are not in the plan: typos, other spellings, forgotten events.
UNPLANNED_EVENTS = (
    "Product Viewd",
    "product_viewed",
    "Button Clicked",
    "Add To Cart",
    "Checkout Step Complete",
    "Order Completed ",
)
UNPLANNED_PROPERTIES = ("experiment_variant", "utm_source", "debug", "screen_density")
LIBRARIES = (
    ("analytics.js", "next-1.70.0", "web"),
    ("analytics-swift", "1.6.1", "ios"),
    ("analytics-kotlin", "1.16.3", "android"),
    ("analytics-node", "2.1.2", "server"),
)
APP_VERSIONS = ("4.11.3", "4.12.0", "4.12.1", "5.0.0")
START_MS = 1_730_678_400_000  # 2024-11-04T00:00:00Z


def _iso(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def _parse_event(text: str) -> tuple[dict[str, tuple[Field, bool]], bool]:
    fields: dict[str, tuple[Field, bool]] = {}
    forbid = False
    for word in text.split():
        if word == "forbid":
            forbid = True
            continue
        name = word.rstrip("!")
        fields[name] = (PROPERTIES[name], word.endswith("!"))
    return fields, forbid


def _payload_spec(fields: dict[str, tuple[Field, bool]], shared: bool) -> dict[str, Any]:
    """Plan YAML of a payload: `ref:` to the shared vocabulary when `shared`, else inline."""
    result: dict[str, Any] = {}
    for name, (prop, required) in fields.items():
        spec: dict[str, Any] = {"ref": name} if shared else prop.spec()
        if required:
            spec["required"] = True
        result[name] = spec
    return result


def plan_document() -> dict[str, Any]:
    """The benchmark plan, as the YAML document `tp` loads."""
    events: dict[str, Any] = {}
    for name, (text, _) in EVENTS.items():
        fields, forbid = _parse_event(text)
        event: dict[str, Any] = {"description": f"The user: {name.lower()}."}
        if forbid:
            event["unplanned_properties"] = "forbid"
        event["properties"] = _payload_spec(fields, shared=True)
        events[name] = event
    return {
        "plan": "bench-validate",
        "version": f"{GENERATOR_VERSION}.0.0",
        "description": "A generated plan for the tp validate benchmark.",
        "owner": "bench",
        "conventions": {"events": "object-action", "properties": "snake_case"},
        "unplanned_events": "forbid",
        "unplanned_properties": "warn",
        "context": {
            "app.version": {
                "type": "string",
                "required": True,
                "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$",
                "description": "Version of the app that sent the call.",
            },
            "library.name": {"type": "string", "max_length": 64, "description": "SDK name."},
        },
        "properties": {name: prop.spec() for name, prop in PROPERTIES.items()},
        "events": events,
        "identify": {
            "description": "Who the user is.",
            "traits": _payload_spec(IDENTIFY_TRAITS, shared=False),
        },
        "pages": {
            name: {
                "description": f"The {name} page.",
                "properties": _payload_spec(PAGE_PROPERTIES, False),
            }
            for name in PAGES
        },
        "screens": {
            name: {
                "description": f"The {name} screen.",
                "properties": _payload_spec(_parse_event(text)[0], shared=True),
            }
            for name, (text, _) in SCREENS.items()
        },
    }


# --- Messages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Call:
    type: str
    name: str | None  # event or page/screen name
    fields: dict[str, tuple[Field, bool]]
    forbid: bool = False


def _calls() -> tuple[list[_Call], list[int]]:
    calls: list[_Call] = []
    weights: list[int] = []
    track_total = sum(weight for _, weight in EVENTS.values())
    for name, (text, weight) in EVENTS.items():
        fields, forbid = _parse_event(text)
        calls.append(_Call("track", name, fields, forbid))
        weights.append(weight * CALL_WEIGHTS["track"] * 1000 // track_total)
    calls.append(_Call("identify", None, IDENTIFY_TRAITS))
    weights.append(CALL_WEIGHTS["identify"] * 1000)
    page_total = sum(PAGES.values())
    for name, weight in PAGES.items():
        calls.append(_Call("page", name, PAGE_PROPERTIES))
        weights.append(weight * CALL_WEIGHTS["page"] * 1000 // page_total)
    screen_total = sum(weight for _, weight in SCREENS.values())
    for name, (text, weight) in SCREENS.items():
        calls.append(_Call("screen", name, _parse_event(text)[0]))
        weights.append(weight * CALL_WEIGHTS["screen"] * 1000 // screen_total)
    return calls, weights


def _uuid4(rng: random.Random) -> str:
    value = (rng.getrandbits(128) & ~(0xF << 76) | (4 << 76)) & ~(0x3 << 62) | (0x2 << 62)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# A slot is somewhere a mutation can act: the container, the key, the field and whether the
# key is required there.
_Slot = tuple[dict[str, Any], str, Field, bool]


def _slots(payload: dict[str, Any], fields: dict[str, tuple[Field, bool]]) -> Iterator[_Slot]:
    """Every planned key of the payload and of its nested objects and array items; missing
    required keys too (so `missing_required` can pick them)."""
    for name, (prop, required) in fields.items():
        if name not in payload:
            continue
        yield payload, name, prop, required
        value = payload[name]
        if prop.kind == "object" and isinstance(value, dict):
            yield from _slots(value, prop.children)
        elif prop.kind == "array" and prop.items is not None and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _slots(item, prop.items.children)


def _wrong_type(value: Json, prop: Field) -> Json:
    if prop.kind in ("string", "date-time", "email"):
        return 42
    if prop.kind in ("integer", "number"):
        return str(value)
    if prop.kind == "boolean":
        return "true" if value else "false"
    if prop.kind == "object":
        return "n/a"
    return {"items": value}


def _mutate(kind: str, message: dict[str, Any], call: _Call, rng: random.Random) -> bool:
    """Make `message` invalid in the `kind` way; False when this call cannot be."""
    if kind == "unplanned_event":
        if call.type != "track":
            return False
        message["event"] = rng.choice(UNPLANNED_EVENTS)
        return True
    payload = message["traits" if call.type == "identify" else "properties"]
    if kind == "forbidden_property":
        if not call.forbid:
            return False
        payload[rng.choice(UNPLANNED_PROPERTIES)] = "x"
        return True
    slots = list(_slots(payload, call.fields))
    candidates: list[_Slot]
    if kind == "wrong_type":
        candidates = slots
    elif kind == "missing_required":
        candidates = [s for s in slots if s[3]]
    elif kind == "enum":
        candidates = [s for s in slots if s[2].enum]
    elif kind == "pattern":
        candidates = [s for s in slots if s[2].bad_pattern is not None]
    elif kind == "out_of_range":
        candidates = [s for s in slots if s[2].kind in ("integer", "number")]
    elif kind == "too_long":
        candidates = [s for s in slots if s[2].max_length is not None and s[2].max_length <= 200]
    elif kind == "date_time_format":
        candidates = [s for s in slots if s[2].kind == "date-time"]
    else:
        raise ValueError(kind)
    if not candidates:
        return False
    container, key, prop, _ = rng.choice(candidates)
    value = container[key]
    if kind == "wrong_type":
        container[key] = _wrong_type(value, prop)
    elif kind == "missing_required":
        del container[key]
    elif kind == "enum":
        assert prop.enum is not None
        text = str(value)
        wrong = [v for v in (text.upper(), text.title(), f"{text}s", "other") if v not in prop.enum]
        container[key] = rng.choice(wrong)
    elif kind == "pattern":
        assert prop.bad_pattern is not None
        container[key] = prop.bad_pattern(rng)
    elif kind == "out_of_range":
        if prop.maximum is not None and rng.random() < 0.5:
            container[key] = int(prop.maximum) + rng.randint(1, 10)
        else:
            low = prop.minimum if prop.minimum is not None else 0
            container[key] = int(low) - rng.randint(1, 10)
    elif kind == "too_long":
        assert prop.max_length is not None
        word = str(value) or "x"
        container[key] = (word + " ") * (prop.max_length // (len(word) + 1) + 1)
    else:  # date_time_format: no `T`, no zone (what many backends log)
        container[key] = str(value).replace("T", " ").removesuffix("Z")[:19]
    return True


def _message(call: _Call, epoch_ms: int, rng: random.Random) -> dict[str, Any]:
    message: dict[str, Any] = {"type": call.type}
    if call.type == "track":
        message["event"] = call.name
    elif call.name is not None:
        message["name"] = call.name
    if rng.random() < 0.7:
        message["userId"] = f"usr_{rng.getrandbits(40):010x}"
    else:
        message["anonymousId"] = _uuid4(rng)
    message["messageId"] = _uuid4(rng)
    message["timestamp"] = _iso(epoch_ms)
    message["sentAt"] = _iso(epoch_ms + rng.randrange(50, 5000))
    library, library_version, _ = rng.choice(LIBRARIES)
    message["context"] = {
        "library": {"name": library, "version": library_version},
        "app": {"version": rng.choice(APP_VERSIONS)},
    }
    payload = {
        name: prop.draw(rng)
        for name, (prop, required) in call.fields.items()
        if required or rng.random() < OPTIONAL_RATE
    }
    message["traits" if call.type == "identify" else "properties"] = payload
    return message


@dataclass(frozen=True, slots=True)
class Summary:
    records: int
    invalid: int
    bytes: int
    by_type: dict[str, int]
    by_kind: dict[str, int]
    invalid_lines: list[int]  # 0-based line numbers of the invalid records


def generate_events(path: Path, count: int, seed: int = SEED) -> Summary:
    """Write `count` messages to `path` (JSONL) and say what was written."""
    rng = random.Random(seed)
    calls, weights = _calls()
    cumulative = [0]
    for weight in weights:
        cumulative.append(cumulative[-1] + weight)
    cumulative.pop(0)
    by_type: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    invalid_lines: list[int] = []
    epoch_ms = START_MS
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        lines: list[str] = []
        kinds, kind_weights = list(INVALID_KINDS), list(INVALID_KINDS.values())
        for number in range(count):
            epoch_ms += rng.randrange(1, 40)
            if rng.random() < INVALID_RATE:
                # Draw the kind first, then calls until one can be invalid that way.
                kind = rng.choices(kinds, kind_weights)[0]
                while True:
                    call = rng.choices(calls, cum_weights=cumulative)[0]
                    message = _message(call, epoch_ms, rng)
                    if _mutate(kind, message, call, rng):
                        break
                by_kind[kind] += 1
                invalid_lines.append(number)
            else:
                call = rng.choices(calls, cum_weights=cumulative)[0]
                message = _message(call, epoch_ms, rng)
                if rng.random() < UNPLANNED_PROPERTY_RATE and not call.forbid:
                    payload = message["traits" if call.type == "identify" else "properties"]
                    payload[rng.choice(UNPLANNED_PROPERTIES)] = rng.choice(("b", 2, True))
            by_type[call.type] += 1
            line = json.dumps(message, separators=(",", ":")) + "\n"
            size += len(line)
            lines.append(line)
            if len(lines) == 10_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    return Summary(count, len(invalid_lines), size, dict(by_type), dict(by_kind), invalid_lines)


# --- Cache ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workload:
    plan: Path
    events: Path
    summary: Summary

    def head(self, records: int) -> Path:
        """A file with the first `records` lines of the dump (cached next to it)."""
        path = self.events.with_name(f"{self.events.stem}.head{records}.jsonl")
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with self.events.open("rb") as source, tmp.open("wb") as out:
                for number, line in enumerate(source):
                    if number == records:
                        break
                    out.write(line)
            os.replace(tmp, path)
        return path

    def invalid_in_head(self, records: int) -> int:
        return sum(1 for line in self.summary.invalid_lines if line < records)


def ensure_plan(cache: Path) -> Path:
    path = cache / f"plan-v{GENERATOR_VERSION}.yaml"
    if not path.exists():
        text = yaml.safe_dump(plan_document(), sort_keys=False, width=100, allow_unicode=True)
        header = "# Generated by bench/workload.py: the tp validate benchmark plan.\n"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(header + text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def ensure_workload(
    cache: Path, count: int, seed: int = SEED, log: Callable[[str], None] = print
) -> Workload:
    """The plan and a dump of `count` messages, generated into `cache` unless already there
    (same generator version, seed and count)."""
    cache.mkdir(parents=True, exist_ok=True)
    plan = ensure_plan(cache)
    stem = f"events-v{GENERATOR_VERSION}-s{seed}-n{count}"
    events = cache / f"{stem}.jsonl"
    meta = cache / f"{stem}.meta.json"
    if events.exists() and meta.exists():
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("generator_version") == GENERATOR_VERSION and data.get("seed") == seed:
            summary = Summary(**data["summary"])
            if events.stat().st_size == summary.bytes:
                return Workload(plan, events, summary)
    log(f"generating {count:,} messages into {events} (cached for the next runs) ...")
    tmp = events.with_suffix(".tmp")
    summary = generate_events(tmp, count, seed)
    os.replace(tmp, events)
    document = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "summary": {name: getattr(summary, name) for name in Summary.__slots__},
    }
    meta.write_text(json.dumps(document), encoding="utf-8")
    return Workload(plan, events, summary)
