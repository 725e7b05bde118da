"""How long a client may take to send a request, and how many connections may be open at once.

uvicorn's HTTP protocol waits for a request's head and body as long as the client likes, and
accepts connections until the process runs out of file descriptors (then asyncio logs a
traceback per failed accept). `limited_protocol` adds, per connection:
- a deadline for the request head, from the connection's start or the end of the previous
  answer; a connection that sent nothing is closed quietly (as keep-alive connections are),
  one that sent part of a head gets a 408;
- a deadline for the body, from the end of the head: 408, and the request is dropped before
  anything of it is stored (nothing was acknowledged, so nothing is lost);
- a cap on open connections, kept below the descriptors the process may open: a connection
  over it gets a 503 at once and is closed.
Each limit hit is logged as one line (repeats at most once a minute, see `server`).
"""

from __future__ import annotations

import asyncio
import http
import logging
from dataclasses import dataclass

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import error_response

# Descriptors the server needs besides its connections: the store (database, WAL, shared
# memory, for the writer and the reader), the lock, the listening socket, the event loop,
# standard streams, a relay upstream and the files Python opens as it imports.
RESERVED_DESCRIPTORS = 64
DEFAULT_MAX_CONNECTIONS = 256
_MAX_ACCEPT_BATCH = 2048
# asyncio accepts up to a batch of connections a turn of its loop, before any protocol can
# refuse one, and a refused one is closed a turn or two later: this many batches of
# descriptors may be in use besides the open connections.
_BATCHES_IN_FLIGHT = 4

log = logging.getLogger("tracking_plan.serve")


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionLimits:
    header_seconds: float = 10.0
    body_seconds: float = 30.0
    max_connections: int | None = None  # None: DEFAULT_MAX_CONNECTIONS, or fewer if need be


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionBudget:
    """How many connections may be open, and how many asyncio accepts at a time (the listen
    backlog), so that together they never exhaust the descriptors (ulimit -n)."""

    max_connections: int
    accept_batch: int
    lowered_from: int | None  # the --max-connections there was no room for


def connection_budget(requested: int | None) -> ConnectionBudget:
    wanted = requested if requested is not None else DEFAULT_MAX_CONNECTIONS
    room = _descriptor_room()
    if room is None:
        return ConnectionBudget(
            max_connections=wanted, accept_batch=_MAX_ACCEPT_BATCH, lowered_from=None
        )
    batch = max(1, min(_MAX_ACCEPT_BATCH, room // (2 * _BATCHES_IN_FLIGHT)))
    cap = max(1, room - _BATCHES_IN_FLIGHT * batch)
    return ConnectionBudget(
        max_connections=min(wanted, cap),
        accept_batch=batch,
        lowered_from=requested if requested is not None and requested > cap else None,
    )


def _descriptor_room() -> int | None:
    """The descriptors the process may open besides the ones it needs; None for no limit."""
    try:
        import resource
    except ImportError:  # no such limit on this system
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    return max(1, soft - RESERVED_DESCRIPTORS)


def limited_protocol(limits: ConnectionLimits, max_connections: int) -> type[H11Protocol]:
    """uvicorn's h11 protocol with `limits` applied, and at most `max_connections` open (pass
    it as `uvicorn.Config(http=...)`)."""

    class LimitedProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _watched: object = None  # the h11 state of the client that the deadline is for

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                log.warning(
                    "refusing connections: %d are open, the most --max-connections allows"
                    " (reported at most once a minute)",
                    max_connections,
                )
                _refuse(
                    self.transport,
                    503,
                    "too-many-connections",
                    f"tp serve has {max_connections:,} connections open, as many as"
                    " --max-connections allows; close some, or try again shortly",
                )
                return
            self._watch()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_deadline()
            super().connection_lost(exc)

        def _watch(self) -> None:
            """Sets the deadline for the part of the request the connection now waits for."""
            state = self.conn.their_state
            if state is self._watched or self.transport.is_closing():
                return
            self._watched = state
            self._stop_deadline()
            if state is h11.IDLE:
                self._deadline = self.loop.call_later(limits.header_seconds, self._head_late)
            elif state is h11.SEND_BODY:
                self._deadline = self.loop.call_later(limits.body_seconds, self._body_late)

        def _stop_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _head_late(self) -> None:
            if not self.conn.trailing_data[0]:
                self.transport.close()  # nothing sent: an idle connection, not a slow client
                return
            log.warning(
                "closed a connection that sent no complete request head in %g s"
                " (--header-timeout; reported at most once a minute)",
                limits.header_seconds,
            )
            _refuse(
                self.transport,
                408,
                "request-timeout",
                f"the request head did not arrive in {limits.header_seconds:g} s"
                " (tp serve --header-timeout); send it at once",
            )

        def _body_late(self) -> None:
            log.warning(
                "closed a connection that sent no complete request body in %g s"
                " (--body-timeout; reported at most once a minute)",
                limits.body_seconds,
            )
            cycle = self.cycle
            if cycle is None or cycle.response_started:
                self.transport.close()
                return
            cycle.disconnected = True  # the app stops reading and answers nothing itself
            cycle.message_event.set()
            _refuse(
                self.transport,
                408,
                "request-timeout",
                f"the request body did not arrive in {limits.body_seconds:g} s"
                " (tp serve --body-timeout); nothing of it was stored: send it again",
            )

    return LimitedProtocol


def _refuse(transport: asyncio.Transport, status: int, code: str, message: str) -> None:
    """Answers and closes, whatever state the request is in."""
    body = error_response(status, code, message).body
    head = (
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    transport.write(head.encode("ascii") + body)
    transport.close()
