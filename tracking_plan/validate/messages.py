"""Segment message shapes shared by everything that reads messages (files, HAR captures, the
`tp serve` collector): batch defaults, and how to name a JSON value that is not a message."""

from __future__ import annotations

BATCH_DEFAULT_KEYS = ("context", "integrations")


def batch_defaults(payload: dict[str, object]) -> dict[str, dict[str, object]]:
    """The batch-level `context` and `integrations` of a Segment batch payload."""
    return {key: value for key in BATCH_DEFAULT_KEYS if isinstance(value := payload.get(key), dict)}


def merged_item(
    item: dict[str, object], defaults: dict[str, dict[str, object]]
) -> dict[str, object]:
    """A batch item with the batch's defaults merged in one level deep, the item's own keys
    winning, as Segment does. The item is not changed."""
    merged = dict(item)
    for key, default in defaults.items():
        if key not in item:
            merged[key] = default
        elif isinstance(own := item[key], dict):
            merged[key] = {**default, **own}
    return merged


def describe_json(value: object) -> str:
    """What a JSON value is, for messages: `an object`, `a list`, `a string`, ..."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
