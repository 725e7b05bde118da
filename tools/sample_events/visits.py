"""A shopper's visit: on the web (home, a category, a product) or in a mobile app (opened,
home, a product, sometimes a wishlist share), on into the cart when the funnel deck says so."""

from __future__ import annotations

from datetime import datetime

from .catalog import CATEGORIES, FIRST_NAMES, PRODUCTS, SITE, Json
from .checkout import cart_flow
from .generator import Generator


def web_visit(gen: Generator, user: Json, t: datetime) -> None:
    rng = gen.rng
    if user["userId"] and rng.random() < 0.5:
        gen.identify(t, user, full=rng.random() < 0.5)
        t = gen.step(t, 1, 3)
    ctx_page, ref = gen.page(
        t,
        user,
        "Home",
        "/",
        "Acme Shop",
        rng.choice(["", "https://www.google.com/", "https://duckduckgo.com/"]),
    )
    t = gen.step(t)
    category = rng.choice(CATEGORIES)
    ctx_page, ref = gen.page(
        t,
        user,
        "Category",
        f"/c/{category}",
        f"{category.title()} | Acme Shop",
        ref,
        {"category": category},
    )
    if rng.random() < 0.3:
        t = gen.step(t)
        gen.emit(
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
            context=gen.client_context(user, ctx_page),
        )
    products = [p for p in PRODUCTS if p[4] == category] or PRODUCTS
    p = rng.choice(products)
    t = gen.step(t)
    ctx_page, ref = gen.page(
        t, user, "Product", f"/p/{p[0]}", f"{p[2]} | Acme Shop", ref, {"product_id": p[0]}
    )
    t = gen.step(t, 1, 4)
    viewed = gen.product_props(p, user)
    viewed.update(
        {
            "currency": user["currency"],
            "url": SITE + f"/p/{p[0]}",
            "image_url": f"https://img.acme.example/{p[1].lower()}.jpg",
        }
    )
    gen.emit(
        t,
        user,
        "track",
        "Product Viewed",
        {"properties": viewed},
        context=gen.client_context(user, ctx_page),
    )
    if p[4] in ("t-shirts", "jackets", "shoes", "socks") and rng.random() < 0.3:
        t = gen.step(t)
        size = rng.choice(["S", "M", "L", "XL", 40, 42, 44, None])
        gen.emit(
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
            context=gen.client_context(user, ctx_page),
        )
    depth = gen.depth("web")
    if depth == "view":
        return
    cart_flow(gen, user, t, [p], ctx_page, ref, depth)


def mobile_visit(gen: Generator, user: Json, t: datetime, first: bool) -> None:
    rng = gen.rng
    app = user["context"]["app"]
    if first:
        gen.emit(
            t,
            user,
            "track",
            "Application Installed",
            {"properties": {"version": app["version"], "build": app["build"]}},
        )
        t = gen.step(t, 0, 1)
        props = {"from_background": False, "version": app["version"], "build": app["build"]}
    else:
        from_bg = rng.random() < 0.5
        props = {"from_background": from_bg}
        if user["platform"] == "ios" or not from_bg:
            props.update({"version": app["version"], "build": app["build"]})
        if user["platform"] == "ios" and not from_bg:
            props.update({"referring_application": "", "url": ""})
    gen.emit(t, user, "track", "Application Opened", {"properties": props})
    if not first and rng.random() < 0.15:
        p = rng.choice(PRODUCTS)
        t = gen.step(t, 0, 1)
        gen.emit(
            t,
            user,
            "track",
            "Deep Link Opened",
            {"properties": {"url": f"acmeshop://product/{p[0]}"}},
        )
    if user["userId"] and (first or rng.random() < 0.3):
        t = gen.step(t, 1, 3)
        gen.identify(t, user, full=first or rng.random() < 0.5)
    if first and rng.random() < 0.6:
        t = gen.step(t, 5, 20)
        gen.emit(
            t,
            user,
            "track",
            "Push Permission Granted",
            {"properties": {"prompt_location": "onboarding", "previously_denied": False}},
        )
    t = gen.step(t, 1, 5)
    gen.emit(t, user, "screen", "Home", {"properties": {}})
    p = rng.choice(PRODUCTS)
    t = gen.step(t)
    gen.emit(t, user, "screen", "Product", {"properties": {"product_id": p[0]}})
    t = gen.step(t, 0, 2)
    viewed = gen.product_props(p, user)
    viewed["currency"] = user["currency"]
    gen.emit(t, user, "track", "Product Viewed", {"properties": viewed})
    roll = rng.random()
    if roll < 0.15 and user["userId"]:
        t = gen.step(t)
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
        gen.emit(
            t,
            user,
            "track",
            "Wishlist Shared",
            {
                "properties": {
                    "wishlist_id": "wl_" + gen.token("0123456789abcdefghijklmnopqrstuvwxyz", 10),
                    "channel": channel,
                    "item_count": rng.randint(1, 12),
                    "recipients": recipients,
                }
            },
        )
    elif roll < 0.3 and user["userId"]:
        t = gen.step(t, 30, 240)
        gen.emit(
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
    depth = gen.depth(user["platform"])
    if depth != "view":
        cart_flow(gen, user, t, [p], None, "", depth)
    else:
        gen.emit(
            gen.step(t, 30, 300), user, "track", "Application Backgrounded", {"properties": {}}
        )
