"""The capture store: every message `tp serve` accepted and its findings, in SQLite.

WAL journal with `synchronous=FULL`: `append` returns only after its transaction is on disk,
so an acknowledged message survives a killed server and a power cut alike. Readers (the
inspection API, `tp captures export`) never block the writer.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    valid INTEGER NOT NULL,
    message BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_label ON events (label, valid);
CREATE TABLE IF NOT EXISTS findings (
    event_id INTEGER NOT NULL REFERENCES events (id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    pointer TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_event ON findings (event_id);
"""
_BUSY_TIMEOUT_SECONDS = 10.0


class StoreError(Exception):
    """The store cannot be opened or written; the message says which file and what to do."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredFinding:
    code: str
    severity: str
    message: str
    pointer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """One validated message, ready to store (`id` is given by the store)."""

    received_at: str
    type: str
    label: str
    valid: bool
    message: bytes
    findings: Sequence[StoredFinding]


class CaptureStore:
    """One connection to a capture database. Use each instance from one thread at a time."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise StoreError(
                f"no capture store at {path}; run tp serve first, or pass --db with its path"
            )
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path,
                isolation_level=None,  # transactions are explicit
                check_same_thread=False,  # built in one thread, used in another
                timeout=_BUSY_TIMEOUT_SECONDS,
            )
            self._prepare()
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(
                f"cannot use {path} as a capture store ({error}); pass --db with another path"
            ) from None

    def _prepare(self) -> None:
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version != SCHEMA_VERSION and (version or tables):
            raise sqlite3.DatabaseError(f"it is not a tp capture store of version {SCHEMA_VERSION}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        if not version:
            db.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _failing_as(self, doing: str) -> Iterator[None]:
        """Turns an SQLite failure (a full disk, a file removed under the server) into a
        `StoreError`."""
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"cannot {doing} {self.path}: {error}") from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed (durable) when the block ends, else rolled back."""
        db = self._db
        with self._failing_as("write to"):
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # a failed COMMIT may have ended it already
                    db.execute("ROLLBACK")
                raise

    # -- writing

    def append(self, captures: Sequence[Capture]) -> list[int]:
        """Stores the captures in one transaction, committed (durable) on return; their ids."""
        with self._transaction() as db:
            # The write lock is held: the ids after the last one given are free.
            (last,) = db.execute(
                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'events'"
            ).fetchone()
            ids = list(range(last + 1, last + 1 + len(captures)))
            db.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (event_id, c.received_at, c.type, c.label, c.valid, c.message)
                    for event_id, c in zip(ids, captures, strict=True)
                ],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
                [
                    (event_id, f.code, f.severity, f.message, f.pointer)
                    for event_id, c in zip(ids, captures, strict=True)
                    for f in c.findings
                ],
            )
        return ids

    def reset(self) -> None:
        """Deletes every capture (ids keep counting up)."""
        with self._transaction() as db:
            db.execute("DELETE FROM findings")
            db.execute("DELETE FROM events")

    # -- reading

    def summary(self) -> dict[str, Any]:
        with self._failing_as("read"):
            db = self._db
            by_event = {
                label: {"valid": valid, "invalid": invalid}
                for label, valid, invalid in db.execute(
                    "SELECT label, sum(valid), count(*) - sum(valid) FROM events"
                    " GROUP BY label ORDER BY label"
                )
            }
            violations = dict(
                db.execute("SELECT code, count(*) FROM findings GROUP BY code ORDER BY code")
            )
            valid = sum(counts["valid"] for counts in by_event.values())
            invalid = sum(counts["invalid"] for counts in by_event.values())
            return {
                "events": valid + invalid,
                "valid": valid,
                "invalid": invalid,
                "by_event": by_event,
                "violations": violations,
            }

    def events(self, *, label: str | None, valid: bool | None, limit: int) -> list[dict[str, Any]]:
        """The last `limit` captures (of this label, this validity), oldest first; each message
        is a `msgspec.Raw`, spliced into the response as it was stored."""
        with self._failing_as("read"):
            rows = self._db.execute(
                "SELECT id, received_at, type, label, valid, message FROM events"
                " WHERE (?1 IS NULL OR label = ?1) AND (?2 IS NULL OR valid = ?2)"
                " ORDER BY id DESC LIMIT ?3",
                (label, valid, limit),
            ).fetchall()
            rows.reverse()
            findings = self._findings_of([row[0] for row in rows])
            return [
                {
                    "id": event_id,
                    "received_at": received_at,
                    "type": kind,
                    "label": event_label,
                    "valid": bool(is_valid),
                    "message": msgspec.Raw(message),
                    "findings": findings.get(event_id, []),
                }
                for event_id, received_at, kind, event_label, is_valid, message in rows
            ]

    def _findings_of(self, ids: list[int]) -> dict[int, list[dict[str, str]]]:
        found: dict[int, list[dict[str, str]]] = {}
        if not ids:
            return found
        rows = self._db.execute(
            "SELECT event_id, code, severity, message, pointer FROM findings"
            " WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (msgspec.json.encode(ids),),
        )
        for event_id, code, severity, message, pointer in rows:
            found.setdefault(event_id, []).append(
                {"code": code, "severity": severity, "message": message, "pointer": pointer}
            )
        return found

    def violations(self, *, limit: int) -> list[dict[str, Any]]:
        """The last `limit` findings, oldest first, each with its event's label and id."""
        with self._failing_as("read"):
            rows = self._db.execute(
                "SELECT f.code, f.severity, f.message, f.pointer, e.label, f.event_id"
                " FROM findings f JOIN events e ON e.id = f.event_id"
                " ORDER BY f.rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
            rows.reverse()
            keys = ("code", "severity", "message", "pointer", "label", "event_id")
            return [dict(zip(keys, row, strict=True)) for row in rows]

    def messages(self) -> Iterator[bytes]:
        """Every stored message in arrival order, as JSON text."""
        with self._failing_as("read"):
            cursor = self._db.execute("SELECT message FROM events ORDER BY id")
            while rows := cursor.fetchmany(1000):
                for (message,) in rows:
                    yield message
