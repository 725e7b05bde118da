"""Runs `tp serve`: locks the store, binds the socket, wires store, collector, view, forwarder
and access rules to the app, and serves it on uvicorn, with its limits, until interrupted."""

from __future__ import annotations

import contextlib
import errno
import logging
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import uvicorn

from ..model import Plan
from .access import Access, bracketed
from .app import CollectorApp
from .collector import Collector
from .forward import Forwarder, check_upstream
from .limits import ConnectionBudget, ConnectionLimits, connection_budget, limited_protocol
from .lock import StoreLock
from .store import CaptureStore, StoreError
from .view import make_view

_REPEAT_LOG_SECONDS = 60.0

log = logging.getLogger("tracking_plan.serve")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8642
    db: Path = Path("tp-captures.sqlite")
    write_key: str | None = None
    allowed_hosts: tuple[str, ...] = ()  # Host names the inspection API answers besides its own
    forward: str | None = None
    quiet: bool = False
    live: bool = False  # the live view (for a terminal) instead of log lines
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


class _Stopped(Exception):
    """SIGTERM, raised once uvicorn has shut down gracefully."""


def serve(plan: Plan, options: ServeOptions) -> None:
    """Serves until SIGINT or SIGTERM; raises `ServeError` when it cannot start."""
    if options.forward is not None and (problem := check_upstream(options.forward)):
        raise ServeError(problem)
    if options.write_key == "":
        raise ServeError("--write-key is empty; give the key clients must send, or leave it out")
    with contextlib.ExitStack() as cleanup:
        lock = StoreLock(options.db)
        try:
            lock.acquire()
        except StoreError as error:
            raise ServeError(str(error)) from None
        cleanup.callback(lock.release)
        budget = connection_budget(options.limits.max_connections)
        sock = _listen(options.host, options.port, budget.accept_batch)
        cleanup.callback(sock.close)
        port = sock.getsockname()[1]
        try:
            access = Access(
                host=options.host,
                port=port,
                allowed_hosts=options.allowed_hosts,
                write_key=options.write_key,
            )
            writer = CaptureStore(options.db)
            cleanup.callback(writer.close)
            reader = CaptureStore(options.db)
            cleanup.callback(reader.close)
        except (ValueError, StoreError) as error:
            raise ServeError(str(error)) from None
        url = f"http://{bracketed(options.host)}:{port}"
        print(f"tp serve: listening on {url} (plan {plan.name})", flush=True)
        _run(plan, options, budget, access, writer, reader, sock, title=f"tp serve {url}")


def _run(
    plan: Plan,
    options: ServeOptions,
    budget: ConnectionBudget,
    access: Access,
    writer: CaptureStore,
    reader: CaptureStore,
    sock: socket.socket,
    *,
    title: str,
) -> None:
    view = make_view(live=options.live, quiet=options.quiet, title=title)
    _quiet_uvicorn_logs()  # after the live view, which takes over standard error
    if budget.lowered_from is not None:
        log.warning(
            "at most %d connections at once, not %d (--max-connections): the system lets this"
            " process open too few files for more (raise ulimit -n)",
            budget.max_connections,
            budget.lowered_from,
        )
    collector = Collector(plan, writer, view.captured)
    forwarder = Forwarder(options.forward, view.note) if options.forward else None
    app = CollectorApp(collector=collector, reader=reader, access=access, forwarder=forwarder)
    config = uvicorn.Config(
        app,
        lifespan="off",
        http=limited_protocol(options.limits, budget.max_connections),
        backlog=budget.accept_batch,
        ws="none",
        loop="asyncio",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    collector.start()
    if forwarder is not None:
        forwarder.start()
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        collector.stop()
        if forwarder is not None:
            forwarder.stop()
        view.close()


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise ServeError(f"cannot listen on host {host!r}: {error.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is in use; stop the server using it, or pick another"
                " with --port (--port 0 picks a free one)"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


class _Plain(logging.Formatter):
    """uvicorn's own messages (a malformed request, say) as one line, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        held_back = getattr(record, "held_back", 0)
        more = f" ({held_back:,} more like it since)" if held_back else ""
        return f"tp serve: {record.getMessage()}{more}"


class _OncePerMinute(logging.Filter):
    """Lets each message through at most once a minute, so that a client sending bad requests
    or holding connections cannot flood the log; the next one says how many were held back."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[str, tuple[float, int]] = {}  # message -> (last shown, held back)

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        key = str(record.msg)
        shown, held_back = self._seen.get(key, (now - _REPEAT_LOG_SECONDS, 0))
        if now - shown < _REPEAT_LOG_SECONDS:
            self._seen[key] = (shown, held_back + 1)
            return False
        self._seen[key] = (now, 0)
        record.held_back = held_back
        return True


def _quiet_uvicorn_logs() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    handler.addFilter(_OncePerMinute())
    # asyncio's own messages too: a failed accept() would print a traceback per attempt.
    for name in ("uvicorn", "asyncio", "tracking_plan.serve"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False
