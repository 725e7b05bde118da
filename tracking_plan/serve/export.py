"""`tp captures export`: the stored messages as JSON Lines, which `tp validate` reads."""

from __future__ import annotations

from pathlib import Path

from ..output_files import ByteSink, OutputBatch, OutputStream
from .store import CaptureStore


def export_messages(db: Path, output: ByteSink) -> int:
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


def export_to_file(db: Path, path: Path, *, force: bool = False) -> int:
    """`export_messages` into the file `path`, by the rules of `output_files`: never the store
    itself, replaced only when tp wrote it (or with `force`), whole or not at all."""
    store_files = [db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    with OutputBatch(inputs=store_files, force=force) as batch:
        staged = batch.stage(path, label="-o", owner="tp captures export")
        stream = OutputStream(staged, str(path))
        try:
            return export_messages(db, stream)
        finally:
            stream.close()
