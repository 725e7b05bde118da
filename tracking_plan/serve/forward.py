"""`tp serve --forward URL`: relays accepted requests to a real collector, unchanged.

Relaying happens after the messages are stored and the client has its answer: a worker thread
takes requests from a bounded queue and posts each to the same path under URL with the same
body and headers. A failure is reported and never affects the client; when the upstream falls
too far behind, requests are dropped (and reported) rather than held in memory.
"""

from __future__ import annotations

import http.client
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

RELAYED_HEADERS = ("authorization", "content-type", "content-encoding", "user-agent")
_QUEUE_SIZE = 1_000
_QUEUE_BYTES = 64 << 20  # bodies waiting to be relayed, at most
_TIMEOUT_SECONDS = 10.0
_STOP_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Relay:
    """A request to repeat upstream: path with query, the headers to keep, the raw body."""

    target: str
    headers: dict[str, str]
    body: bytes


def check_upstream(url: str) -> str | None:
    """What is wrong with an upstream URL, or None when it is usable."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--forward {url!r} is not an http(s) URL such as https://api.segment.io"
    return None


class Forwarder:
    """Posts relays to `upstream` from one worker thread; `report` hears of each failure."""

    def __init__(self, upstream: str, report: Callable[[str], None]) -> None:
        self._upstream = upstream.rstrip("/")
        self._report = report
        self._relays: queue.Queue[Relay | None] = queue.Queue(_QUEUE_SIZE)
        self._queued_bytes = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="tp-serve-forward", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def relay(self, relay: Relay) -> None:
        """Queues a relay without waiting; drops it when the queue is full."""
        with self._lock:  # held until the byte count includes the relay the worker may take
            queued = self._queued_bytes + len(relay.body) <= _QUEUE_BYTES
            if queued:
                try:
                    self._relays.put_nowait(relay)
                except queue.Full:
                    queued = False
                else:
                    self._queued_bytes += len(relay.body)
        if not queued:
            self._report(
                f"forward: dropped {relay.target}: too many requests are waiting for"
                f" {self._upstream}; is it slow or down?"
            )

    def stop(self) -> None:
        """Sends what is queued, waiting a few seconds at most."""
        if self._thread.is_alive():
            try:
                self._relays.put(None, timeout=_STOP_WAIT_SECONDS)
            except queue.Full:
                return
            self._thread.join(_STOP_WAIT_SECONDS)

    def _run(self) -> None:
        while (relay := self._relays.get()) is not None:
            problem = self._post(relay)
            self._release(relay)
            if problem:
                self._report(f"forward: {relay.target} to {self._upstream} failed: {problem}")

    def _release(self, relay: Relay) -> None:
        with self._lock:
            self._queued_bytes -= len(relay.body)

    def _post(self, relay: Relay) -> str | None:
        request = urllib.request.Request(
            self._upstream + relay.target, data=relay.body, headers=relay.headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code} {error.reason}"
        except urllib.error.URLError as error:
            return str(error.reason)
        except (OSError, http.client.HTTPException, ValueError) as error:
            return str(error) or type(error).__name__
        return None
