"""Lower-case ASCII slugs of names, for file names and plan names."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def _ascii_slug(name: str, separator: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_name.lower()).strip(separator)


def snake_slug(name: str) -> str:
    """A file-name-safe slug with words joined by `_` (`order_completed`); never empty: a name
    with no ASCII letters or digits gets a hash (`event_1a2b3c4d`)."""
    return _ascii_slug(name, "_") or "event_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def kebab_slug(name: str) -> str:
    """A slug with words joined by `-` (`acme-shop`), as plan names are written; empty when the
    name has no ASCII letters or digits."""
    return _ascii_slug(name, "-")
