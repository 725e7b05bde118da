"""The vocabulary of the `tp validate` benchmark plan: its properties (`Field`: what the plan
says and how to draw values for it), track events, identify traits, pages and screens, and the
mix of calls."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = Any
Generate = Callable[[random.Random], Json]


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
            return iso(1_730_000_000_000 + rng.randrange(30 * 86_400_000))
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


def iso(epoch_ms: int) -> str:
    """ISO-8601 in UTC with milliseconds and a Z."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def parse_event(text: str) -> tuple[dict[str, tuple[Field, bool]], bool]:
    """The fields of an `EVENTS` or `SCREENS` entry, and whether it forbids unplanned ones."""
    fields: dict[str, tuple[Field, bool]] = {}
    forbid = False
    for word in text.split():
        if word == "forbid":
            forbid = True
            continue
        name = word.rstrip("!")
        fields[name] = (PROPERTIES[name], word.endswith("!"))
    return fields, forbid
