"""What the sample shop sells and who shops there: products, locales, names, coupons, the apps
and libraries that send the messages, and the two days they cover."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
Product = tuple[str, str, str, str, str, str, float]

BASE_TIME = datetime(2024, 11, 4, 7, 0, 0, tzinfo=UTC)
WINDOW_SECONDS = 2 * 24 * 3600

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
