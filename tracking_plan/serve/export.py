"""`tp captures export`: the stored messages as JSON Lines, which `tp validate` reads."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from .store import CaptureStore


def export_messages(db: Path, output: BinaryIO) -> int:
    """Writes every message of the store at `db` to `output`, one a line; how many.
    Raises `StoreError` when `db` is not a capture store."""
    store = CaptureStore(db, create=False)
    count = 0
    try:
        for message in store.messages():
            output.write(message)
            output.write(b"\n")
            count += 1
    finally:
        store.close()
    return count
