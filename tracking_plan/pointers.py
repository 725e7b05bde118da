"""JSON pointers (RFC 6901): how diagnostics locate a value in a plan, a message or an export."""

from __future__ import annotations

from collections.abc import Iterable


def _token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, key: str | int) -> str:
    """Append one reference token to a JSON pointer."""
    return f"{pointer}/{_token(key)}"


def json_pointer(path: Iterable[str | int]) -> str:
    """The JSON pointer of a path of keys and indexes (`""`, the whole document, for none)."""
    return "".join(f"/{_token(key)}" for key in path)
