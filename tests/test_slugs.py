"""Slugs: snake for schema file names (never empty), kebab for imported plan names."""

from __future__ import annotations

import pytest

from tracking_plan.slugs import kebab_slug, snake_slug


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Order Completed", "order_completed"),
        ("  Order   Completed!! ", "order_completed"),
        ("Commande Validée", "commande_validee"),
        ("Ürün Görüntülendi", "urun_goruntulendi"),
    ],
)
def test_snake_slug(name: str, expected: str) -> None:
    assert snake_slug(name) == expected


@pytest.mark.parametrize("name", ["注文完了", "Заказ оформлен", "🛒", "!!!"])
def test_snake_slug_without_ascii_letters(name: str) -> None:
    slug = snake_slug(name)
    assert slug.startswith("event_")
    assert slug.isascii()
    assert all(c.isalnum() or c == "_" for c in slug)
    assert slug == snake_slug(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Shop", "acme-shop"),
        ("  acme_shop (prod)! ", "acme-shop-prod"),
        ("Boutique Étoilée", "boutique-etoilee"),
        ("注文完了", ""),
        ("", ""),
    ],
)
def test_kebab_slug(name: str, expected: str) -> None:
    assert kebab_slug(name) == expected
