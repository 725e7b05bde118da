#!/usr/bin/env python3
"""Write plans/shop/sample-events.jsonl: Segment messages for the acme-shop plan.

The messages are what the Acme web shop, iOS and Android apps, order backend and
email bridge would send to Segment over two days: track, identify, page, screen
and group calls, one JSON object per line, in timestamp order. About 90% of them
are valid against plans/shop/plan.yaml; the rest carry the problems real
implementations have (see PROBLEM_KINDS below), so that `tp validate` has
something to find.

The output depends only on the seed: the same seed gives byte-identical output.
Only the standard library is used.

    python3 tools/make_sample_events.py            # rewrite the file
    python3 tools/make_sample_events.py --check    # exit 1 if the file is stale
    python3 tools/make_sample_events.py --summary  # which lines carry which problem
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

Json = dict[str, Any]
Product = tuple[str, str, str, str, str, str, float]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "plans" / "shop" / "sample-events.jsonl"
DEFAULT_SEED = 20241104
DEFAULT_COUNT = 300
BASE_TIME = datetime(2024, 11, 4, 7, 0, 0, tzinfo=UTC)
WINDOW_SECONDS = 2 * 24 * 3600

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

PRODUCTS = [
    # product_id, sku, name, brand, category, variant, price
    (
        "prd_004211",
        "AC-TEE-001",
        "Organic Cotton Tee",
        "Acme Basics",
        "t-shirts",
        "white / M",
        24.0,
    ),
    ("prd_004212", "AC-TEE-002", "Striped Breton Tee", "Acme Basics", "t-shirts", "navy / L", 32.5),
    (
        "prd_010388",
        "AC-JKT-014",
        "Packable Rain Jacket",
        "Acme Outdoor",
        "jackets",
        "olive / M",
        119.0,
    ),
    (
        "prd_010391",
        "AC-JKT-017",
        "Quilted Liner Jacket",
        "Acme Outdoor",
        "jackets",
        "black / S",
        89.99,
    ),
    (
        "prd_020145",
        "AC-SNK-102",
        "Canvas Low Sneaker",
        "Acme Footwear",
        "shoes",
        "off-white / 42",
        64.95,
    ),
    ("prd_020150", "AC-SNK-107", "Trail Runner", "Acme Footwear", "shoes", "grey / 44", 129.0),
    ("prd_030017", "AC-BAG-003", "Roll-top Backpack", "Acme Carry", "bags", "sand / 22l", 79.0),
    ("prd_030022", "AC-BAG-008", "Canvas Tote", "Acme Carry", "bags", "natural", 19.99),
    (
        "prd_040301",
        "AC-SCK-010",
        "Merino Socks 3-pack",
        "Acme Basics",
        "socks",
        "mixed / 39-42",
        21.0,
    ),
    ("prd_050077", "AC-CAP-005", "Six-panel Cap", "Acme Outdoor", "accessories", "khaki", 27.5),
]
CATEGORIES = sorted({p[4] for p in PRODUCTS})

LOCALES = [
    # locale, currency, timezone, country, cities
    ("en-US", "USD", "America/New_York", "US", ["Brooklyn", "Boston", "Austin", "Denver"]),
    ("en-US", "USD", "America/Los_Angeles", "US", ["Oakland", "Portland", "Seattle"]),
    ("en-GB", "GBP", "Europe/London", "GB", ["Leeds", "Bristol", "London"]),
    ("de-DE", "EUR", "Europe/Berlin", "DE", ["Berlin", "Hamburg", "Leipzig"]),
    ("fr-FR", "EUR", "Europe/Paris", "FR", ["Lyon", "Paris", "Nantes"]),
    ("en-CA", "CAD", "America/Toronto", "CA", ["Toronto", "Ottawa"]),
]
FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Lukas",
    "Chloe",
    "Kenji",
    "Olivia",
    "Mateo",
    "Priya",
    "Noah",
    "Emma",
    "Tomasz",
    "Zoe",
    "Samuel",
    "Ines",
    "Daniel",
]
LAST_NAMES = [
    "Gonzalez",
    "Smith",
    "Khan",
    "Schmidt",
    "Martin",
    "Tanaka",
    "Brown",
    "Rossi",
    "Patel",
    "Wilson",
    "Dubois",
    "Nowak",
    "Clarke",
    "Okafor",
    "Silva",
    "Meyer",
]
COUPONS = [
    ("WELCOME10", "Welcome 10% off", 0.10),
    ("AUTUMN24", "Autumn sale 15%", 0.15),
    ("FREESHIP", "Free shipping", 0.0),
]

WEB_APP = {"name": "acme-shop-web", "version": "2024.11.1"}
IOS_VERSIONS = [("4.12.0", "4120"), ("4.12.0", "4120"), ("4.11.3", "4113")]
ANDROID_VERSIONS = [("4.12.0", "41200"), ("4.11.2", "41102")]
ORDERS_APP = {"name": "acme-orders", "version": "3.18.0"}
EMAIL_APP = {"name": "acme-email-bridge", "version": "1.4.2"}
USER_AGENTS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
]
SITE = "https://shop.acme.example"
# How far visits get into the funnel: view a product, fill a cart, start checkout, order.
FUNNEL_DECK = ["view", "cart", "checkout", "order", "order", "order"]


def iso(dt: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and a Z, as the Segment libraries write it."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def tier(lifetime_orders: int) -> str:
    """Acme Rewards tier for a number of orders."""
    for limit, name in ((3, "bronze"), (8, "silver"), (15, "gold")):
        if lifetime_orders < limit:
            return name
    return "platinum"


def money(x: float) -> float:
    return round(x + 0.0, 2)


class Generator:
    def __init__(self, seed: int, count: int):
        self.rng = random.Random(seed)
        self.count = count
        self.messages: list[tuple[datetime, int, Json]] = []  # (time, seq, message)
        self.problems: dict[int, str] = {}  # id(message) -> problem kind
        self.seq = 0
        self.users: list[Json] = []
        self.orders: list[Json] = []
        self.decks: dict[str, list[str]] = {}

    # --- ids -------------------------------------------------------------
    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def order_id(self) -> str:
        return "ord_" + self.token("0123456789abcdefghijklmnopqrstuvwxyz", 12)

    def cart_id(self) -> str:
        return "cart_" + self.token("0123456789abcdef", 16)

    # --- people ----------------------------------------------------------
    def make_user(self, platform: str, known: bool) -> Json:
        rng = self.rng
        locale, currency, tz, country, cities = rng.choice(LOCALES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user: Json = {
            "platform": platform,
            "userId": "usr_" + self.token("0123456789abcdef", 10) if known else None,
            "anonymousId": self.uuid4(),
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com",
            "locale": locale,
            "currency": currency,
            "timezone": tz,
            "country": country,
            "city": rng.choice(cities),
            "created_at": BASE_TIME
            - timedelta(days=rng.randint(3, 900), seconds=rng.randint(0, 86399)),
            "lifetime_orders": rng.choice([0, 1, 2, 3, 5, 8, 12, 19]) if known else 0,
            "marketing_opt_in": rng.random() < 0.6,
            "last_seen": BASE_TIME,
        }
        user["loyalty_tier"] = tier(user["lifetime_orders"])
        if platform == "web":
            user["context"] = {
                "app": dict(WEB_APP),
                "library": {"name": "analytics.js", "version": "next-1.74.0"},
                "locale": locale,
                "timezone": tz,
                "userAgent": rng.choice(USER_AGENTS),
                "ip": f"203.0.113.{rng.randint(1, 254)}",
            }
        elif platform == "ios":
            version, build = rng.choice(IOS_VERSIONS)
            user["context"] = {
                "app": {
                    "name": "Acme Shop",
                    "version": version,
                    "build": build,
                    "namespace": "com.acme.shop",
                },
                "device": {
                    "type": "ios",
                    "manufacturer": "Apple",
                    "model": rng.choice(["iPhone15,2", "iPhone16,1", "iPhone14,5"]),
                    "id": self.uuid4().upper(),
                },
                "os": {"name": "iOS", "version": rng.choice(["17.6.1", "18.0.1", "18.1"])},
                "library": {"name": "analytics-swift", "version": "1.6.1"},
                "locale": locale,
                "timezone": tz,
                "network": {"wifi": rng.random() < 0.7, "cellular": True},
                "screen": {"width": 390, "height": 844},
            }
        else:
            version, build = rng.choice(ANDROID_VERSIONS)
            maker, model = rng.choice(
                [("Google", "Pixel 8"), ("samsung", "SM-S918B"), ("OnePlus", "CPH2581")]
            )
            user["context"] = {
                "app": {
                    "name": "Acme Shop",
                    "version": version,
                    "build": build,
                    "namespace": "com.acme.shop",
                },
                "device": {
                    "type": "android",
                    "manufacturer": maker,
                    "model": model,
                    "id": self.uuid4(),
                },
                "os": {"name": "Android", "version": rng.choice(["13", "14", "15"])},
                "library": {"name": "analytics-kotlin", "version": "1.16.3"},
                "locale": locale,
                "timezone": tz,
                "network": {"wifi": rng.random() < 0.6, "cellular": True, "carrier": "T-Mobile"},
                "screen": {"width": 1080, "height": 2400, "density": 2.625},
            }
        return user

    # --- message envelope -----------------------------------------------
    def emit(
        self,
        when: datetime,
        user: Json,
        kind: str,
        name: str | None,
        body: Json,
        context: Json | None = None,
        server: bool = False,
    ) -> Json:
        msg: Json = {"type": kind}
        if kind == "track":
            msg["event"] = name
        elif kind in ("page", "screen"):
            msg["name"] = name
        if user.get("userId"):
            msg["userId"] = user["userId"]
        if not server:
            msg["anonymousId"] = user["anonymousId"]
        if kind == "group":
            msg["groupId"] = body.pop("groupId")
        msg["messageId"] = self.uuid4()
        msg["timestamp"] = iso(when)
        delay = (
            self.rng.randint(40, 900)
            if (server or user["platform"] == "web")
            else self.rng.randint(200, 25000)
        )
        msg["sentAt"] = iso(when + timedelta(milliseconds=delay))
        msg["context"] = context if context is not None else self.client_context(user)
        msg.update(body)
        self.seq += 1
        self.messages.append((when, self.seq, msg))
        if "last_seen" in user:
            user["last_seen"] = max(user["last_seen"], when)
        return msg

    def client_context(self, user: Json, page: Json | None = None) -> Json:
        ctx: Json = json.loads(json.dumps(user["context"]))  # deep copy
        if page is not None:
            ctx["page"] = page
        return ctx

    def server_context(self, app: Json, user: Json | None = None) -> Json:
        ctx = {"app": dict(app), "library": {"name": "analytics-python", "version": "2.3.3"}}
        if user is not None and app is EMAIL_APP:
            ctx["traits"] = {"email": user["email"]}
        return ctx

    # --- building blocks -------------------------------------------------
    def product_props(self, p: Product, user: Json, quantity: int | None = None) -> Json:
        pid, sku, name, brand, category, variant, price = p
        props = {
            "product_id": pid,
            "sku": sku,
            "name": name,
            "brand": brand,
            "category": category,
            "variant": variant,
            "price": price,
        }
        if quantity is not None:
            props["quantity"] = quantity
        return props

    def page(
        self,
        when: datetime,
        user: Json,
        name: str,
        path: str,
        title: str,
        referrer: str,
        extra: Json | None = None,
    ) -> tuple[Json, str]:
        url = SITE + path
        props = {"path": path, "url": url, "title": title, "referrer": referrer}
        if extra:
            props.update(extra)
        self.emit(
            when,
            user,
            "page",
            name,
            {"properties": props},
            context=self.client_context(
                user, {"path": path, "url": url, "title": title, "referrer": referrer}
            ),
        )
        return {"path": path, "url": url, "title": title, "referrer": referrer}, url

    def identify(self, when: datetime, user: Json, full: bool) -> None:
        rng = self.rng
        traits = {"email": user["email"]}
        if full:
            traits.update(
                {
                    "first_name": user["first_name"],
                    "last_name": user["last_name"],
                    "created_at": iso(user["created_at"]),
                    "loyalty_tier": user["loyalty_tier"],
                    "marketing_opt_in": user["marketing_opt_in"],
                    "preferred_currency": user["currency"],
                    "lifetime_orders": user["lifetime_orders"],
                }
            )
            if rng.random() < 0.5:
                traits["phone"] = rng.choice(
                    [
                        None,
                        "+1415555" + self.token("0123456789", 4),
                        "+4915123" + self.token("0123456789", 6),
                    ]
                )
            if rng.random() < 0.6:
                traits["address"] = {
                    "city": user["city"],
                    "postal_code": self.token("0123456789", 5),
                    "country": user["country"],
                }
        self.emit(when, user, "identify", None, {"traits": traits})

    # --- visits ----------------------------------------------------------
    def deal(self, key: str, cards: list[str]) -> str:
        """Draw from a shuffled deck (refilled when empty): random order, fixed proportions."""
        deck = self.decks.setdefault(key, [])
        if not deck:
            deck.extend(cards)
            self.rng.shuffle(deck)
        return deck.pop()

    def depth(self, platform: str) -> str:
        """How far a visit gets into the funnel; one deck per platform so that every
        platform gets its share of orders."""
        return self.deal("depth:" + platform, FUNNEL_DECK)

    def step(self, t: datetime, lo: int = 3, hi: int = 75) -> datetime:
        return t + timedelta(
            seconds=self.rng.randint(lo, hi), milliseconds=self.rng.randint(0, 999)
        )

    def web_visit(self, user: Json, t: datetime) -> None:
        rng = self.rng
        if user["userId"] and rng.random() < 0.5:
            self.identify(t, user, full=rng.random() < 0.5)
            t = self.step(t, 1, 3)
        ctx_page, ref = self.page(
            t,
            user,
            "Home",
            "/",
            "Acme Shop",
            rng.choice(["", "https://www.google.com/", "https://duckduckgo.com/"]),
        )
        t = self.step(t)
        category = rng.choice(CATEGORIES)
        ctx_page, ref = self.page(
            t,
            user,
            "Category",
            f"/c/{category}",
            f"{category.title()} | Acme Shop",
            ref,
            {"category": category},
        )
        if rng.random() < 0.3:
            t = self.step(t)
            self.emit(
                t,
                user,
                "track",
                "Products Searched",
                {
                    "properties": {
                        "query": rng.choice(
                            ["rain jacket", "white tee", "socks", "backpack", "sneaker 42"]
                        )
                    }
                },
                context=self.client_context(user, ctx_page),
            )
        products = [p for p in PRODUCTS if p[4] == category] or PRODUCTS
        p = rng.choice(products)
        t = self.step(t)
        ctx_page, ref = self.page(
            t, user, "Product", f"/p/{p[0]}", f"{p[2]} | Acme Shop", ref, {"product_id": p[0]}
        )
        t = self.step(t, 1, 4)
        viewed = self.product_props(p, user)
        viewed.update(
            {
                "currency": user["currency"],
                "url": SITE + f"/p/{p[0]}",
                "image_url": f"https://img.acme.example/{p[1].lower()}.jpg",
            }
        )
        self.emit(
            t,
            user,
            "track",
            "Product Viewed",
            {"properties": viewed},
            context=self.client_context(user, ctx_page),
        )
        if p[4] in ("t-shirts", "jackets", "shoes", "socks") and rng.random() < 0.3:
            t = self.step(t)
            size = rng.choice(["S", "M", "L", "XL", 40, 42, 44, None])
            self.emit(
                t,
                user,
                "track",
                "Size Guide Viewed",
                {
                    "properties": {
                        "product_id": p[0],
                        "size_system": rng.choice(["us", "uk", "eu"]),
                        "selected_size": size,
                    }
                },
                context=self.client_context(user, ctx_page),
            )
        depth = self.depth("web")
        if depth == "view":
            return
        self.cart_flow(user, t, [p], ctx_page, ref, depth)

    def cart_flow(
        self,
        user: Json,
        t: datetime,
        picked: list[Product],
        ctx_page: Json | None,
        ref: str,
        depth: str,
    ) -> None:
        """Cart, checkout and order; `depth` says how far the shopper gets."""
        rng = self.rng
        web = user["platform"] == "web"
        cart_id = self.cart_id()
        lines = []
        for p in picked:
            qty = rng.choice([1, 1, 1, 2, 3])
            lines.append((p, qty))
            t = self.step(t, 2, 40)
            props = {"cart_id": cart_id}
            props.update(self.product_props(p, user, qty))
            self.emit(
                t,
                user,
                "track",
                "Product Added",
                {"properties": props},
                context=self.client_context(user, ctx_page) if web else None,
            )
        if rng.random() < 0.35:
            extra = rng.choice([q for q in PRODUCTS if q not in picked])
            qty = 1
            lines.append((extra, qty))
            t = self.step(t, 2, 40)
            props = {"cart_id": cart_id}
            props.update(self.product_props(extra, user, qty))
            self.emit(
                t,
                user,
                "track",
                "Product Added",
                {"properties": props},
                context=self.client_context(user, ctx_page) if web else None,
            )
        t = self.step(t)
        if web:
            ctx_page, ref = self.page(t, user, "Cart", "/cart", "Your cart | Acme Shop", ref)
        else:
            self.emit(t, user, "screen", "Cart", {"properties": {}})
        t = self.step(t, 1, 3)
        products = [self.product_props(p, user, q) for p, q in lines]
        self.emit(
            t,
            user,
            "track",
            "Cart Viewed",
            {"properties": {"cart_id": cart_id, "products": products}},
            context=self.client_context(user, ctx_page) if web else None,
        )
        if len(lines) > 1 and rng.random() < 0.3:
            p, q = lines.pop()
            products.pop()
            t = self.step(t)
            props = {"cart_id": cart_id}
            props.update(self.product_props(p, user, q))
            self.emit(
                t,
                user,
                "track",
                "Product Removed",
                {"properties": props},
                context=self.client_context(user, ctx_page) if web else None,
            )
        if depth == "cart":
            return
        subtotal = money(sum(p[6] * q for p, q in lines))
        coupon = None
        discount = 0.0
        if rng.random() < 0.3:
            coupon = rng.choice(COUPONS)
            discount = money(subtotal * coupon[2])
            t = self.step(t)
            self.emit(
                t,
                user,
                "track",
                "Coupon Applied",
                {
                    "properties": {
                        "cart_id": cart_id,
                        "coupon_id": coupon[0],
                        "coupon_name": coupon[1],
                        "discount": discount,
                    }
                },
                context=self.client_context(user, ctx_page) if web else None,
            )
        order_id = self.order_id()
        revenue = money(subtotal - discount)
        t = self.step(t)
        checkout = {
            "order_id": order_id,
            "value": revenue,
            "revenue": revenue,
            "currency": user["currency"],
            "products": products,
        }
        if coupon:
            checkout["coupon"] = coupon[0]
        self.emit(
            t,
            user,
            "track",
            "Checkout Started",
            {"properties": checkout},
            context=self.client_context(user, ctx_page) if web else None,
        )
        if not web:
            for step_no in (1, 2):
                t = self.step(t, 5, 60)
                self.emit(t, user, "screen", "Checkout", {"properties": {"step": step_no}})
        t = self.step(t, 10, 90)
        day = (t + timedelta(days=rng.randint(1, 3))).replace(
            hour=rng.choice([8, 10, 14, 18]), minute=0, second=0, microsecond=0
        )
        fee = rng.choice([0.0, 4.99, 7.5])
        slot = {
            "starts_at": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ends_at": (day + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "fee": fee,
            "express": fee == 7.5,
        }
        self.emit(
            t,
            user,
            "track",
            "Delivery Slot Selected",
            {"properties": {"cart_id": cart_id, "slot": slot, "currency": user["currency"]}},
            context=self.client_context(user, ctx_page) if web else None,
        )
        if not web:
            for step_no in (3, 4):
                t = self.step(t, 5, 60)
                self.emit(t, user, "screen", "Checkout", {"properties": {"step": step_no}})
        if depth == "checkout":
            return
        if web and not user["userId"]:
            # Guest checkout creates an account on the fly.
            user["userId"] = "usr_" + self.token("0123456789abcdef", 10)
            t = self.step(t, 5, 30)
            user["created_at"] = t
            self.emit(
                t,
                user,
                "track",
                "Signup Completed",
                {
                    "properties": {
                        "method": rng.choice(["email", "email", "google", "apple"]),
                        "marketing_opt_in": user["marketing_opt_in"],
                        "referral_code": rng.choice(
                            [None, None, "FRND" + self.token("0123456789", 4)]
                        ),
                    }
                },
                context=self.client_context(user, ctx_page),
            )
            t = self.step(t, 1, 2)
            self.identify(t, user, full=True)
        tax = money(revenue * 0.08)
        shipping = fee
        total = money(revenue + tax + shipping)
        t = self.step(t, 20, 120)
        affiliation = {"web": "acme-web", "ios": "acme-ios", "android": "acme-android"}[
            user["platform"]
        ]
        order = {
            "order_id": order_id,
            "affiliation": affiliation,
            "subtotal": subtotal,
            "total": total,
            "revenue": revenue,
            "shipping": shipping,
            "tax": tax,
            "discount": discount,
            "currency": user["currency"],
            "products": products,
        }
        if coupon:
            order["coupon"] = coupon[0]
        if web:
            ctx_page = {
                "path": "/checkout/confirmation",
                "url": SITE + "/checkout/confirmation",
                "title": "Thank you | Acme Shop",
                "referrer": SITE + "/checkout",
            }
        self.emit(
            t,
            user,
            "track",
            "Order Completed",
            {"properties": order},
            context=self.client_context(user, ctx_page) if web else None,
        )
        self.orders.append(
            {
                "user": user,
                "order_id": order_id,
                "total": total,
                "revenue": revenue,
                "currency": user["currency"],
                "products": products,
                "time": t,
            }
        )
        user["lifetime_orders"] += 1
        if not web and rng.random() < 0.35:
            t = self.step(t, 2, 10)
            self.emit(
                t,
                user,
                "track",
                "Push Permission Granted",
                {
                    "properties": {
                        "prompt_location": "order_confirmation",
                        "previously_denied": rng.random() < 0.2,
                    }
                },
            )
        # Order confirmation email, sent by the email bridge.
        self.emails(user, t, order_id)
        if user["loyalty_tier"] in ("gold", "platinum") and rng.random() < 0.5:
            points = rng.choice([100, 200, 250, 500])
            self.emit(
                self.step(t, 1, 5),
                user,
                "track",
                "Loyalty Points Redeemed",
                {
                    "properties": {
                        "order_id": order_id,
                        "points": points,
                        "balance_after": rng.randint(0, 40) * 50,
                        "discount": money(points / 50),
                    }
                },
                context=self.server_context(ORDERS_APP),
                server=True,
            )

    def emails(self, user: Json, t: datetime, order_id: str) -> None:
        rng = self.rng
        email_id = self.token("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 9)
        base = {
            "email_id": email_id,
            "email_subject": "Your Acme order is confirmed",
            "campaign_id": "txn-order-confirmation",
            "campaign_name": "Order confirmation",
        }
        t = self.step(t, 20, 90)
        self.emit(
            t,
            user,
            "track",
            "Email Delivered",
            {"properties": dict(base)},
            context=self.server_context(EMAIL_APP, user),
            server=True,
        )
        if rng.random() < 0.7:
            t = self.step(t, 120, 3600)
            self.emit(
                t,
                user,
                "track",
                "Email Opened",
                {"properties": dict(base)},
                context=self.server_context(EMAIL_APP, user),
                server=True,
            )
            if rng.random() < 0.4:
                t = self.step(t, 5, 60)
                props = dict(base)
                props.update(
                    {
                        "link_id": "track-order",
                        "link_url": f"{SITE}/account/orders/{order_id}?utm_source=email",
                    }
                )
                self.emit(
                    t,
                    user,
                    "track",
                    "Email Link Clicked",
                    {"properties": props},
                    context=self.server_context(EMAIL_APP, user),
                    server=True,
                )

    def mobile_visit(self, user: Json, t: datetime, first: bool) -> None:
        rng = self.rng
        app = user["context"]["app"]
        if first:
            self.emit(
                t,
                user,
                "track",
                "Application Installed",
                {"properties": {"version": app["version"], "build": app["build"]}},
            )
            t = self.step(t, 0, 1)
            props = {"from_background": False, "version": app["version"], "build": app["build"]}
        else:
            from_bg = rng.random() < 0.5
            props = {"from_background": from_bg}
            if user["platform"] == "ios" or not from_bg:
                props.update({"version": app["version"], "build": app["build"]})
            if user["platform"] == "ios" and not from_bg:
                props.update({"referring_application": "", "url": ""})
        self.emit(t, user, "track", "Application Opened", {"properties": props})
        if not first and rng.random() < 0.15:
            p = rng.choice(PRODUCTS)
            t = self.step(t, 0, 1)
            self.emit(
                t,
                user,
                "track",
                "Deep Link Opened",
                {"properties": {"url": f"acmeshop://product/{p[0]}"}},
            )
        if user["userId"] and (first or rng.random() < 0.3):
            t = self.step(t, 1, 3)
            self.identify(t, user, full=first or rng.random() < 0.5)
        if first and rng.random() < 0.6:
            t = self.step(t, 5, 20)
            self.emit(
                t,
                user,
                "track",
                "Push Permission Granted",
                {"properties": {"prompt_location": "onboarding", "previously_denied": False}},
            )
        t = self.step(t, 1, 5)
        self.emit(t, user, "screen", "Home", {"properties": {}})
        p = rng.choice(PRODUCTS)
        t = self.step(t)
        self.emit(t, user, "screen", "Product", {"properties": {"product_id": p[0]}})
        t = self.step(t, 0, 2)
        viewed = self.product_props(p, user)
        viewed["currency"] = user["currency"]
        self.emit(t, user, "track", "Product Viewed", {"properties": viewed})
        roll = rng.random()
        if roll < 0.15 and user["userId"]:
            t = self.step(t)
            channel = rng.choice(["sms", "email", "whatsapp", "link"])
            recipients = []
            if channel in ("sms", "email", "whatsapp"):
                for _ in range(rng.randint(1, 3)):
                    recipients.append(
                        {
                            "email": f"friend{rng.randint(100, 999)}@example.net",
                            "name": rng.choice([None, rng.choice(FIRST_NAMES)]),
                        }
                    )
            self.emit(
                t,
                user,
                "track",
                "Wishlist Shared",
                {
                    "properties": {
                        "wishlist_id": "wl_"
                        + self.token("0123456789abcdefghijklmnopqrstuvwxyz", 10),
                        "channel": channel,
                        "item_count": rng.randint(1, 12),
                        "recipients": recipients,
                    }
                },
            )
        elif roll < 0.3 and user["userId"]:
            t = self.step(t, 30, 240)
            self.emit(
                t,
                user,
                "track",
                "Review Submitted",
                {
                    "properties": {
                        "product_id": p[0],
                        "rating": rng.choice([5, 5, 4, 4, 3, 2, 1]),
                        "headline": rng.choice(
                            [
                                "Fits great",
                                "Runs small",
                                "Love the colour",
                                "Not as pictured",
                                "Perfect for travel",
                            ]
                        ),
                        "body_length": rng.randint(40, 900),
                        "photo_count": rng.randint(0, 3),
                        "verified_purchase": rng.random() < 0.8,
                    }
                },
            )
        depth = self.depth(user["platform"])
        if depth != "view":
            self.cart_flow(user, t, [p], None, "", depth)
        else:
            self.emit(
                self.step(t, 30, 300), user, "track", "Application Backgrounded", {"properties": {}}
            )

    def server_jobs(self) -> None:
        rng = self.rng
        # Refunds for a few of the orders.
        for order in rng.sample(self.orders, min(4, len(self.orders))):
            t = order["time"] + timedelta(hours=rng.randint(6, 30), seconds=rng.randint(0, 3599))
            self.emit(
                t,
                order["user"],
                "track",
                "Order Refunded",
                {
                    "properties": {
                        "order_id": order["order_id"],
                        "total": order["total"],
                        "currency": order["currency"],
                        "products": order["products"],
                        "refund_reason": rng.choice(
                            ["damaged", "late_delivery", "wrong_item", "changed_mind"]
                        ),
                    }
                },
                context=self.server_context(ORDERS_APP),
                server=True,
            )
        # Business accounts: group calls from the backend.
        known = [u for u in self.users if u["userId"]]
        for user in rng.sample(known, min(3, len(known))):
            t = BASE_TIME + timedelta(seconds=rng.randint(0, WINDOW_SECONDS))
            name = rng.choice(
                ["Northwind Cafe", "Blue Fern Studio", "Harbor Lane School", "Kite & Co Retail"]
            )
            traits = {
                "name": name,
                "industry": rng.choice(["retail", "hospitality", "education", "technology"]),
                "employees": rng.randint(3, 250),
                "plan": rng.choice(["business", "business_plus"]),
                "vat_id": rng.choice([None, "DE" + self.token("0123456789", 9)]),
                "created_at": iso(user["created_at"] + timedelta(days=2)),
            }
            self.emit(
                t,
                user,
                "group",
                None,
                {"groupId": "biz_" + self.token("0123456789", 8), "traits": traits},
                context=self.server_context(ORDERS_APP),
                server=True,
            )
        # Gift cards bought on the web.
        web_users = [u for u in self.users if u["platform"] == "web"]
        for user in rng.sample(web_users, min(3, len(web_users))):
            t = BASE_TIME + timedelta(seconds=rng.randint(0, WINDOW_SECONDS))
            delivery = (t + timedelta(days=rng.randint(0, 10))).strftime("%Y-%m-%d")
            self.emit(
                t,
                user,
                "track",
                "Gift Card Purchased",
                {
                    "properties": {
                        "amount": rng.choice([25, 50, 100]),
                        "currency": user["currency"],
                        "recipient_email": rng.choice(
                            [None, f"gift{rng.randint(10, 99)}@example.org"]
                        ),
                        "delivery_date": delivery,
                        "design": rng.choice(["birthday", "thank_you", "holiday", "classic"]),
                    }
                },
                context=self.client_context(
                    user,
                    {
                        "path": "/gift-cards",
                        "url": SITE + "/gift-cards",
                        "title": "Gift cards | Acme Shop",
                        "referrer": SITE + "/",
                    },
                ),
            )

    # --- problems --------------------------------------------------------
    def pick(self, used: set[int], pred: Callable[[Json], bool]) -> Json:
        candidates = [m for _, _, m in self.messages if id(m) not in used and pred(m)]
        m = self.rng.choice(candidates)
        used.add(id(m))
        return m

    def mark(self, m: Json, kind: str) -> None:
        self.problems[id(m)] = kind

    def inject_problems(self) -> None:
        rng = self.rng
        used: set[int] = set()

        def ev(name: str, platform: str | None = None) -> Callable[[Json], bool]:
            def pred(m: Json) -> bool:
                if m.get("event") != name:
                    return False
                if platform is None:
                    return True
                return m["context"].get("device", {}).get("type") == platform or (
                    platform == "web"
                    and m["context"].get("library", {}).get("name") == "analytics.js"
                )

            return pred

        def rename_key(d: Json, old: str, new: str) -> Json:
            return {(new if k == old else k): v for k, v in d.items()}

        # An old Android build that still sends the v1 snake_case name.
        for _ in range(3):
            m = self.pick(used, ev("Order Completed", "android"))
            m["event"] = "completed_order"
            self.mark(m, "naming_drift")
        # The iOS StoreKit integration sends orderId (v1 camelCase).
        for _ in range(3):
            m = self.pick(used, ev("Order Completed", "ios"))
            m["properties"] = rename_key(m["properties"], "order_id", "orderId")
            self.mark(m, "property_name_drift")
        # The web checkout formats revenue before sending it.
        for _ in range(3):
            m = self.pick(used, ev("Order Completed", "web"))
            m["properties"]["revenue"] = f"{m['properties']['revenue']:.2f}"
            self.mark(m, "revenue_string")
        # Required properties left out.
        for name, prop in [
            ("Product Viewed", "product_id"),
            ("Product Viewed", "product_id"),
            ("Checkout Started", "currency"),
            ("Delivery Slot Selected", "cart_id"),
        ]:
            m = self.pick(used, ev(name))
            del m["properties"][prop]
            self.mark(m, "required_missing")
        # Values outside an enum.
        m = self.pick(used, ev("Order Completed"))
        m["properties"]["currency"] = m["properties"]["currency"].lower()
        self.mark(m, "enum_violation")
        m = self.pick(used, ev("Product Viewed"))
        m["properties"]["currency"] = "JPY"
        self.mark(m, "enum_violation")
        m = self.pick(used, lambda m: m.get("event") == "Push Permission Granted")
        m["properties"]["prompt_location"] = "home_banner"
        self.mark(m, "enum_violation")
        m = self.pick(used, lambda m: m.get("type") == "screen" and m.get("name") == "Checkout")
        m["properties"]["step"] = 5
        self.mark(m, "out_of_range")
        # A developer's debug event that reached production.
        for _ in range(3):
            src = self.pick(used, lambda m: m.get("type") == "page" and m.get("name") == "Product")
            user = {
                "platform": "web",
                "userId": src.get("userId"),
                "anonymousId": src["anonymousId"],
                "context": src["context"],
            }
            t = datetime.strptime(src["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z") + timedelta(
                seconds=rng.randint(2, 20)
            )
            m = self.emit(
                t,
                user,
                "track",
                "Button Clicked 42",
                {"properties": {"button_id": 42, "label": "Add to bag"}},
                context=json.loads(json.dumps(src["context"])),
            )
            used.add(id(m))
            self.mark(m, "unplanned_event")
        # A server job that forgot to set the user.
        for _ in range(3):
            m = self.pick(
                used,
                lambda m: (
                    m.get("type") == "track"
                    and "userId" in m
                    and m["event"] in ("Email Delivered", "Email Opened", "Loyalty Points Redeemed")
                ),
            )
            m.pop("userId", None)
            m.pop("anonymousId", None)
            self.mark(m, "missing_identity")
        # Mobile retries that resend a batch: same messageId, later sentAt.
        for _ in range(3):
            src = self.pick(used, lambda m: m.get("type") == "track" and "device" in m["context"])
            dup = json.loads(json.dumps(src))
            sent = datetime.strptime(src["sentAt"], "%Y-%m-%dT%H:%M:%S.%f%z")
            dup["sentAt"] = iso(sent + timedelta(seconds=rng.randint(30, 600)))
            when = datetime.strptime(src["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z")
            self.seq += 1
            self.messages.append((when, self.seq, dup))
            used.add(id(dup))
            self.mark(dup, "duplicate_message_id")
        # Old app builds still send the deprecated checkout event.
        for _ in range(3):
            src = self.pick(
                used, lambda m: m.get("event") == "Cart Viewed" and "device" in m["context"]
            )
            user = {
                "platform": src["context"]["device"]["type"],
                "userId": src.get("userId"),
                "anonymousId": src["anonymousId"],
                "context": src["context"],
            }
            t = datetime.strptime(src["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z") + timedelta(
                seconds=rng.randint(3, 15)
            )
            m = self.emit(
                t,
                user,
                "track",
                "Checkout Button Tapped",
                {
                    "properties": {
                        "cart_id": src["properties"]["cart_id"],
                        "item_count": len(src["properties"]["products"]),
                    }
                },
                context=json.loads(json.dumps(src["context"])),
            )
            used.add(id(m))
            self.mark(m, "deprecated_event")
        # Web pages where the plugin that sets context.app did not load.
        for _ in range(2):
            m = self.pick(used, lambda m: m.get("type") == "page")
            del m["context"]["app"]
            self.mark(m, "context_missing")

    # --- main ------------------------------------------------------------
    def enough_for_problems(self) -> bool:
        """True when there are enough messages of each kind for inject_problems()."""
        orders = {"web": 0, "ios": 0, "android": 0}
        for o in self.orders:
            orders[o["user"]["platform"]] += 1
        mobile_carts = sum(
            1
            for _, _, m in self.messages
            if m.get("event") == "Cart Viewed" and "device" in m["context"]
        )
        pushes = sum(1 for _, _, m in self.messages if m.get("event") == "Push Permission Granted")
        return (
            min(orders.values()) >= 3
            and sum(orders.values()) >= 10
            and mobile_carts >= 5
            and pushes >= 2
        )

    def run(self) -> list[Json]:
        rng = self.rng
        # inject_problems() adds 9 messages (unplanned, duplicate and deprecated events)
        # and server_jobs() about 10.
        visits_until = self.count - 9 - 12
        returning: list[Json] = []
        while len(self.messages) < visits_until or not self.enough_for_problems():
            platform = self.deal("platform", ["web", "ios", "android"])
            t = BASE_TIME + timedelta(seconds=rng.randint(0, WINDOW_SECONDS - 3 * 3600))
            pool = [u for u in returning if u["platform"] == platform]
            if pool and rng.random() < 0.3:
                user = rng.choice(pool)
                t = max(t, user["last_seen"] + timedelta(minutes=rng.randint(30, 600)))
                if user["platform"] == "web":
                    self.web_visit(user, t)
                else:
                    self.mobile_visit(user, t, first=False)
                continue
            if platform == "web":
                user = self.make_user("web", known=rng.random() < 0.5)
                self.users.append(user)
                self.web_visit(user, t)
            else:
                first = rng.random() < 0.3
                user = self.make_user(platform, known=True)
                self.users.append(user)
                self.mobile_visit(user, t, first=first)
            returning.append(user)
        self.server_jobs()
        self.inject_problems()
        self.messages.sort(key=lambda x: (x[0], x[1]))
        return [m for _, _, m in self.messages]


def render(seed: int, count: int) -> tuple[str, dict[str, list[int]]]:
    gen = Generator(seed, count)
    messages = gen.run()
    lines = [json.dumps(m, separators=(",", ":"), sort_keys=False) for m in messages]
    summary: dict[str, list[int]] = {k: [] for k in PROBLEM_KINDS}
    for lineno, m in enumerate(messages, 1):
        kind = gen.problems.get(id(m))
        if kind:
            summary[kind].append(lineno)
    return "\n".join(lines) + "\n", summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    ap.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        help=f"about how many messages to write (default {DEFAULT_COUNT})",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output file (default plans/shop/sample-events.jsonl)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if --out differs from the generated output",
    )
    ap.add_argument(
        "--summary",
        action="store_true",
        help="print the line numbers of the messages with deliberate problems, as JSON",
    )
    args = ap.parse_args(argv)

    text, summary = render(args.seed, args.count)
    if args.summary:
        print(
            json.dumps(
                {
                    "messages": text.count("\n"),
                    "problems": {
                        k: {"lines": v, "what": PROBLEM_KINDS[k]} for k, v in summary.items()
                    },
                },
                indent=2,
            )
        )
    if args.check:
        try:
            current = args.out.read_bytes()
        except OSError as exc:
            print(
                f"{args.out}: cannot read ({exc.strerror}); run tools/make_sample_events.py",
                file=sys.stderr,
            )
            return 1
        if current != text.encode("utf-8"):
            print(f"{args.out} is out of date; run tools/make_sample_events.py", file=sys.stderr)
            return 1
        return 0
    if not args.summary:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(text.encode("utf-8"))
        print(f"wrote {text.count(chr(10))} messages to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
