"""Cart, checkout and order, as far as the funnel deck says, and the order confirmation emails
the email bridge sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from .catalog import COUPONS, EMAIL_APP, ORDERS_APP, PRODUCTS, SITE, Json, Product, money
from .generator import Generator


def cart_flow(
    gen: Generator,
    user: Json,
    t: datetime,
    picked: list[Product],
    ctx_page: Json | None,
    ref: str,
    depth: str,
) -> None:
    """Cart, checkout and order; `depth` says how far the shopper gets."""
    rng = gen.rng
    web = user["platform"] == "web"

    def track(when: datetime, event: str, props: Json) -> None:
        """A track call from the shopper, on the web with the page they are on."""
        context = gen.client_context(user, ctx_page) if web else None
        gen.emit(when, user, "track", event, {"properties": props}, context=context)

    cart_id = gen.cart_id()
    lines = []
    for p in picked:
        qty = rng.choice([1, 1, 1, 2, 3])
        lines.append((p, qty))
        t = gen.step(t, 2, 40)
        props = {"cart_id": cart_id}
        props.update(gen.product_props(p, user, qty))
        track(t, "Product Added", props)
    if rng.random() < 0.35:
        extra = rng.choice([q for q in PRODUCTS if q not in picked])
        qty = 1
        lines.append((extra, qty))
        t = gen.step(t, 2, 40)
        props = {"cart_id": cart_id}
        props.update(gen.product_props(extra, user, qty))
        track(t, "Product Added", props)
    t = gen.step(t)
    if web:
        ctx_page, ref = gen.page(t, user, "Cart", "/cart", "Your cart | Acme Shop", ref)
    else:
        gen.emit(t, user, "screen", "Cart", {"properties": {}})
    t = gen.step(t, 1, 3)
    products = [gen.product_props(p, user, q) for p, q in lines]
    track(t, "Cart Viewed", {"cart_id": cart_id, "products": products})
    if len(lines) > 1 and rng.random() < 0.3:
        p, q = lines.pop()
        products.pop()
        t = gen.step(t)
        props = {"cart_id": cart_id}
        props.update(gen.product_props(p, user, q))
        track(t, "Product Removed", props)
    if depth == "cart":
        return
    subtotal = money(sum(p[6] * q for p, q in lines))
    coupon = None
    discount = 0.0
    if rng.random() < 0.3:
        coupon = rng.choice(COUPONS)
        discount = money(subtotal * coupon[2])
        t = gen.step(t)
        applied = {
            "cart_id": cart_id,
            "coupon_id": coupon[0],
            "coupon_name": coupon[1],
            "discount": discount,
        }
        track(t, "Coupon Applied", applied)
    order_id = gen.order_id()
    revenue = money(subtotal - discount)
    t = gen.step(t)
    checkout = {
        "order_id": order_id,
        "value": revenue,
        "revenue": revenue,
        "currency": user["currency"],
        "products": products,
    }
    if coupon:
        checkout["coupon"] = coupon[0]
    track(t, "Checkout Started", checkout)
    if not web:
        for step_no in (1, 2):
            t = gen.step(t, 5, 60)
            gen.emit(t, user, "screen", "Checkout", {"properties": {"step": step_no}})
    t = gen.step(t, 10, 90)
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
    track(
        t,
        "Delivery Slot Selected",
        {"cart_id": cart_id, "slot": slot, "currency": user["currency"]},
    )
    if not web:
        for step_no in (3, 4):
            t = gen.step(t, 5, 60)
            gen.emit(t, user, "screen", "Checkout", {"properties": {"step": step_no}})
    if depth == "checkout":
        return
    if web and not user["userId"]:
        # Guest checkout creates an account on the fly.
        user["userId"] = "usr_" + gen.token("0123456789abcdef", 10)
        t = gen.step(t, 5, 30)
        user["created_at"] = t
        gen.emit(
            t,
            user,
            "track",
            "Signup Completed",
            {
                "properties": {
                    "method": rng.choice(["email", "email", "google", "apple"]),
                    "marketing_opt_in": user["marketing_opt_in"],
                    "referral_code": rng.choice([None, None, "FRND" + gen.token("0123456789", 4)]),
                }
            },
            context=gen.client_context(user, ctx_page),
        )
        t = gen.step(t, 1, 2)
        gen.identify(t, user, full=True)
    tax = money(revenue * 0.08)
    shipping = fee
    total = money(revenue + tax + shipping)
    t = gen.step(t, 20, 120)
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
    track(t, "Order Completed", order)
    gen.orders.append(
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
        t = gen.step(t, 2, 10)
        gen.emit(
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
    emails(gen, user, t, order_id)
    if user["loyalty_tier"] in ("gold", "platinum") and rng.random() < 0.5:
        points = rng.choice([100, 200, 250, 500])
        gen.emit(
            gen.step(t, 1, 5),
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
            context=gen.server_context(ORDERS_APP),
            server=True,
        )


def emails(gen: Generator, user: Json, t: datetime, order_id: str) -> None:
    rng = gen.rng
    email_id = gen.token("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 9)
    base = {
        "email_id": email_id,
        "email_subject": "Your Acme order is confirmed",
        "campaign_id": "txn-order-confirmation",
        "campaign_name": "Order confirmation",
    }

    def send(when: datetime, event: str, props: Json) -> None:
        context = gen.server_context(EMAIL_APP, user)
        gen.emit(when, user, "track", event, {"properties": props}, context=context, server=True)

    t = gen.step(t, 20, 90)
    send(t, "Email Delivered", dict(base))
    if rng.random() < 0.7:
        t = gen.step(t, 120, 3600)
        send(t, "Email Opened", dict(base))
        if rng.random() < 0.4:
            t = gen.step(t, 5, 60)
            props = dict(base)
            props.update(
                {
                    "link_id": "track-order",
                    "link_url": f"{SITE}/account/orders/{order_id}?utm_source=email",
                }
            )
            send(t, "Email Link Clicked", props)
