"""Messages outside the visits: refunds and business accounts' group calls from the order
backend, and gift cards bought on the web."""

from __future__ import annotations

from datetime import timedelta

from .catalog import BASE_TIME, ORDERS_APP, SITE, WINDOW_SECONDS, iso
from .generator import Generator


def server_jobs(gen: Generator) -> None:
    rng = gen.rng
    # Refunds for a few of the orders.
    for order in rng.sample(gen.orders, min(4, len(gen.orders))):
        t = order["time"] + timedelta(hours=rng.randint(6, 30), seconds=rng.randint(0, 3599))
        gen.emit(
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
            context=gen.server_context(ORDERS_APP),
            server=True,
        )
    # Business accounts: group calls from the backend.
    known = [u for u in gen.users if u["userId"]]
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
            "vat_id": rng.choice([None, "DE" + gen.token("0123456789", 9)]),
            "created_at": iso(user["created_at"] + timedelta(days=2)),
        }
        gen.emit(
            t,
            user,
            "group",
            None,
            {"groupId": "biz_" + gen.token("0123456789", 8), "traits": traits},
            context=gen.server_context(ORDERS_APP),
            server=True,
        )
    # Gift cards bought on the web.
    web_users = [u for u in gen.users if u["platform"] == "web"]
    for user in rng.sample(web_users, min(3, len(web_users))):
        t = BASE_TIME + timedelta(seconds=rng.randint(0, WINDOW_SECONDS))
        delivery = (t + timedelta(days=rng.randint(0, 10))).strftime("%Y-%m-%d")
        gen.emit(
            t,
            user,
            "track",
            "Gift Card Purchased",
            {
                "properties": {
                    "amount": rng.choice([25, 50, 100]),
                    "currency": user["currency"],
                    "recipient_email": rng.choice([None, f"gift{rng.randint(10, 99)}@example.org"]),
                    "delivery_date": delivery,
                    "design": rng.choice(["birthday", "thank_you", "holiday", "classic"]),
                }
            },
            context=gen.client_context(
                user,
                {
                    "path": "/gift-cards",
                    "url": SITE + "/gift-cards",
                    "title": "Gift cards | Acme Shop",
                    "referrer": SITE + "/",
                },
            ),
        )
