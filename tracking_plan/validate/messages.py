"""Segment message shapes shared by everything that reads messages (files, HAR captures, the
`tp serve` collector): the defaults a batch gives its items, merged as Segment merges them."""

from __future__ import annotations

BATCH_DEFAULT_KEYS = ("context", "integrations")
BATCH_DEFAULT_TIMES = ("sentAt",)


def batch_defaults(payload: dict[str, object]) -> dict[str, object]:
    """What a Segment batch payload gives every item: its `context` and `integrations`
    (objects), and the `sentAt` every server and mobile SDK sets on the batch, not the items."""
    defaults: dict[str, object] = {
        key: value for key in BATCH_DEFAULT_KEYS if isinstance(value := payload.get(key), dict)
    }
    defaults.update(
        (key, value) for key in BATCH_DEFAULT_TIMES if isinstance(value := payload.get(key), str)
    )
    return defaults


def merged_item(item: dict[str, object], defaults: dict[str, object]) -> dict[str, object]:
    """A batch item with the batch's defaults merged in, the item's own keys winning, as
    Segment does: objects one level deep, anything else only where the item has no value.
    The item is not changed."""
    merged = dict(item)
    for key, default in defaults.items():
        if key not in item:
            merged[key] = default
        elif isinstance(own := item[key], dict) and isinstance(default, dict):
            merged[key] = {**default, **own}
    return merged
