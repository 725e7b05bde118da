"""Validates accepted messages and stores them, from one writer thread.

Requests hand their messages to `Collector.submit` and wait for the commit: the writer takes
every request waiting at that moment, validates their messages with the server's one
`EventValidator` (so duplicate messageIds are found across requests) and stores them all in one
transaction, so concurrent requests share one disk sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..model import Plan
from ..validate.engine import EventValidator, ValidateOptions
from ..validate.explain import Finding
from ..validate.inputs import Record
from .protocol import Message
from .store import Capture, CaptureStore, StoredFinding

_MAX_GROUP_MESSAGES = 5_000  # a commit waits for the validation of everything in it


@dataclass(frozen=True, slots=True, kw_only=True)
class Captured:
    """A message as stored: its id, what it was validated as, and what was wrong."""

    id: int
    label: str
    valid: bool
    findings: Sequence[Finding]


CaptureListener = Callable[[Sequence[Captured]], None]
"""Told of every stored group, from the writer thread; must not block."""


@dataclass(slots=True, kw_only=True)
class _Job:
    """A request's messages (None for a reset) and the future its handler awaits."""

    messages: Sequence[Message] | None
    source: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[Captured]]
    captures: list[Capture] = field(default_factory=list)
    findings: list[list[Finding]] = field(default_factory=list)


class Collector:
    """Owns the validator and the writing connection to the store, both used by one thread."""

    def __init__(self, plan: Plan, store: CaptureStore, listener: CaptureListener) -> None:
        self._plan = plan
        self._store = store
        self._listener = listener
        self._validator = self._new_validator()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="tp-serve-writer", daemon=True)
        self._sequence = 0

    def _new_validator(self) -> EventValidator:
        # Drift is a statistic over a whole run; a server reports message by message.
        return EventValidator(self._plan, ValidateOptions(drift=False))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stores what is still waiting, then ends the writer thread."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    async def submit(self, messages: Sequence[Message], source: str) -> list[Captured]:
        """Validates and stores the messages; returns once they are committed to disk.
        Raises `StoreError` when they could not be stored."""
        return await self._enqueue(messages, source)

    async def reset(self) -> None:
        """Deletes every capture and forgets the messageIds seen so far."""
        await self._enqueue(None, "")

    def _enqueue(
        self, messages: Sequence[Message] | None, source: str
    ) -> asyncio.Future[list[Captured]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Captured]] = loop.create_future()
        self._jobs.put(_Job(messages=messages, source=source, loop=loop, future=future))
        return future

    # -- the writer thread

    def _run(self) -> None:
        held: deque[_Job | None] = deque()  # a stop or reset met while gathering a group
        while True:
            job = held.popleft() if held else self._jobs.get()
            if job is None:
                return
            if job.messages is None:
                self._reset(job)
                continue
            group = [job]
            count = len(job.messages)
            while count < _MAX_GROUP_MESSAGES:
                try:
                    following = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if following is None or following.messages is None:
                    held.append(following)
                    break
                group.append(following)
                count += len(following.messages)
            self._store_group(group)

    def _reset(self, job: _Job) -> None:
        try:
            self._store.reset()
            self._validator = self._new_validator()
        except Exception as error:
            _settle(job, error=error)
        else:
            _settle(job, result=[])

    def _store_group(self, group: list[_Job]) -> None:
        received_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        validated: list[_Job] = []
        for job in group:
            try:
                self._validate(job, received_at)
            except Exception as error:  # a bug in the validator fails this request only
                _settle(job, error=error)
            else:
                validated.append(job)
        try:
            ids = self._store.append([c for job in validated for c in job.captures])
        except Exception as error:
            for job in validated:
                _settle(job, error=error)
            return
        stored: list[Captured] = []
        position = 0
        for job in validated:
            captured = []
            for capture, findings in zip(job.captures, job.findings, strict=True):
                captured.append(
                    Captured(
                        id=ids[position],
                        label=capture.label,
                        valid=capture.valid,
                        findings=findings,
                    )
                )
                position += 1
            _settle(job, result=captured)
            stored.extend(captured)
        if stored:
            self._listener(stored)

    def _validate(self, job: _Job, received_at: str) -> None:
        assert job.messages is not None
        check = self._validator.check
        for message in job.messages:
            self._sequence += 1
            valid, findings, label = check(
                Record(message.data, job.source, self._sequence, self._sequence)
            )
            findings = list(findings)
            job.findings.append(findings)
            job.captures.append(
                Capture(
                    received_at=received_at,
                    type=message.type,
                    label=label,
                    valid=valid,
                    message=message.data,
                    findings=[
                        StoredFinding(
                            code=f.code,
                            severity=f.severity.label,
                            message=f.message,
                            pointer=f.pointer,
                        )
                        for f in findings
                    ],
                )
            )


def _settle(
    job: _Job, *, result: list[Captured] | None = None, error: BaseException | None = None
) -> None:
    """Resolves the job's future on its event loop (the writer thread must not touch it)."""

    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result or [])

    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for the answer
        job.loop.call_soon_threadsafe(settle)
