"""The generator's state (its random numbers, the messages so far, users, orders, the problems
planted) and what every visit uses: ids, users, the message envelope, pages and identify calls."""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta

from .catalog import (
    ANDROID_VERSIONS,
    BASE_TIME,
    EMAIL_APP,
    FIRST_NAMES,
    FUNNEL_DECK,
    IOS_VERSIONS,
    LAST_NAMES,
    LOCALES,
    SITE,
    USER_AGENTS,
    WEB_APP,
    Json,
    Product,
    iso,
    tier,
)


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
                "app": _mobile_app(version, build),
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
                "app": _mobile_app(version, build),
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

    # --- funnel and clock ------------------------------------------------
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


def _mobile_app(version: str, build: str) -> Json:
    """`context.app` of the iOS and Android apps."""
    return {"name": "Acme Shop", "version": version, "build": build, "namespace": "com.acme.shop"}
