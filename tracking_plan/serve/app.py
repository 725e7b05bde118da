"""The ASGI app of `tp serve`: Segment's collecting paths, the inspection API and CORS.

Routing and HTTP only: request bodies become messages in `protocol`, messages are validated and
stored by the `Collector`, the inspection API reads the `CaptureStore`. Every request gets a
JSON answer, whatever it holds; nothing a client sends can stop the server.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from .collector import Collector
from .forward import RELAYED_HEADERS, Forwarder, Relay
from .protocol import (
    ENDPOINTS,
    MAX_BATCH_BYTES,
    Endpoint,
    ProtocolError,
    basic_key,
    read_payload,
    too_large_body,
)
from .store import CaptureStore, StoreError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_DRAIN_LIMIT = 16 << 20  # past this, an oversized body is not read to its end
_INSPECTION = {
    "/tp/summary": "GET",
    "/tp/events": "GET",
    "/tp/violations": "GET",
    "/tp/reset": "POST",
}
_ALLOWED_HEADERS = ("Content-Type", "Authorization", "Content-Encoding")
_PREFLIGHT_MAX_AGE = "86400"
_SUCCESS = b'{"success":true}'

log = logging.getLogger("tracking_plan.serve")


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def error_response(status: int, code: str, message: str) -> Response:
    return Response(status, msgspec.json.encode({"success": False, "code": code, "error": message}))


class _Disconnected(Exception):
    """The client went away before its request was read."""


class CollectorApp:
    """The ASGI application; `write_key`, when set, is the only key accepted."""

    def __init__(
        self,
        *,
        collector: Collector,
        reader: CaptureStore,
        write_key: str | None = None,
        forwarder: Forwarder | None = None,
    ) -> None:
        self._collector = collector
        self._reader = reader
        self._write_key = write_key
        self._forwarder = forwarder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        try:
            response = await self._route(scope, headers, receive)
        except _Disconnected:
            return
        except ProtocolError as error:
            response = error_response(error.status, error.code, error.message)
        except Exception as error:  # a bug must cost one request, not the server
            log.error("internal error on %s %s: %r", scope["method"], scope["path"], error)
            response = error_response(
                500, "internal-error", f"tp serve failed on this request ({error!r}); report it"
            )
        await _send(send, response, headers.get("origin"))

    async def _route(self, scope: Scope, headers: dict[str, str], receive: Receive) -> Response:
        method: str = scope["method"]
        path: str = scope["path"].rstrip("/") or "/"
        endpoint = ENDPOINTS.get(path)
        allowed = "POST" if endpoint is not None else _INSPECTION.get(path)
        if allowed is None:
            await _read_body(receive, 0)
            return error_response(
                404,
                "not-found",
                f"no such path {path}; send events to /v1/track, /v1/batch, ... and read them"
                " back from /tp/summary, /tp/events and /tp/violations",
            )
        if method == "OPTIONS":
            return _preflight(headers, allowed)
        if method != allowed:
            await _read_body(receive, 0)
            response = error_response(
                405, "method-not-allowed", f"{path} takes {allowed} requests, not {method}"
            )
            response.headers.append(("allow", f"{allowed}, OPTIONS"))
            return response
        if endpoint is not None:
            return await self._collect(endpoint, scope, headers, receive)
        return await self._inspect(path, scope)

    # -- collecting

    async def _collect(
        self, endpoint: Endpoint, scope: Scope, headers: dict[str, str], receive: Receive
    ) -> Response:
        body = await _read_body(receive, MAX_BATCH_BYTES)
        if body is None:
            raise too_large_body(None)
        header_key = basic_key(headers.get("authorization"))
        if header_key is not None:
            self._authorize(header_key)
        payload = read_payload(
            endpoint,
            body,
            content_type=headers.get("content-type"),
            content_encoding=headers.get("content-encoding"),
        )
        if header_key is None:
            self._authorize(payload.body_key)
        try:
            await self._collector.submit(payload.messages, endpoint.path)
        except StoreError as error:
            log.error("%s", error)
            return error_response(
                503, "store-failed", f"{error}; the messages were not accepted: send them again"
            )
        if self._forwarder is not None:
            query = scope.get("query_string", b"").decode("latin-1")
            self._forwarder.relay(
                Relay(
                    target=scope["path"] + (f"?{query}" if query else ""),
                    headers={name: headers[name] for name in RELAYED_HEADERS if name in headers},
                    body=body,
                )
            )
        return Response(200, _SUCCESS)

    def _authorize(self, key: str | None) -> None:
        if self._write_key is None or key == self._write_key:
            return
        problem = "no write key" if not key else "a write key this server does not accept"
        raise ProtocolError(
            401,
            "unauthorized",
            f"the request carries {problem}; send the key tp serve was started with"
            " (--write-key) as the Basic auth user or as writeKey in the body",
        )

    # -- the inspection API

    async def _inspect(self, path: str, scope: Scope) -> Response:
        if path == "/tp/reset":
            await self._collector.reset()
            return Response(200, _SUCCESS)
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        limit = _limit(query)
        if path == "/tp/summary":
            result: dict[str, Any] = self._reader.summary()
        elif path == "/tp/events":
            result = {
                "events": self._reader.events(
                    label=_last(query, "event"), valid=_validity(query), limit=limit
                )
            }
        else:
            result = {"violations": self._reader.violations(limit=limit)}
        return Response(200, msgspec.json.encode(result))


def _last(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _limit(query: dict[str, list[str]]) -> int:
    """The `limit` parameter; -1 (everything) when absent."""
    text = _last(query, "limit")
    if text is None:
        return -1
    if not text.isdigit() or int(text) < 1:
        raise ProtocolError(400, "bad-query", f"limit must be a whole number above 0, not {text!r}")
    return int(text)


def _validity(query: dict[str, list[str]]) -> bool | None:
    text = _last(query, "valid")
    if text is None:
        return None
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise ProtocolError(400, "bad-query", f"valid must be true or false, not {text!r}")


# -- HTTP


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it is over `limit` bytes. An oversized body is still
    read (up to a point) so that the client, still sending, gets the answer."""
    chunks = []
    size = 0
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            raise _Disconnected
        chunk: bytes = event.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not event.get("more_body", False) or size > _DRAIN_LIMIT:
            break
    return b"".join(chunks) if size <= limit else None


def _preflight(headers: dict[str, str], allowed: str) -> Response:
    requested = headers.get("access-control-request-headers", "")
    names = [*_ALLOWED_HEADERS, *(name.strip() for name in requested.split(",") if name.strip())]
    response = Response(
        204,
        b"",
        [
            ("access-control-allow-methods", f"{allowed}, OPTIONS"),
            ("access-control-allow-headers", ", ".join(dict.fromkeys(names))),
            ("access-control-max-age", _PREFLIGHT_MAX_AGE),
        ],
    )
    if headers.get("access-control-request-private-network") == "true":
        # Chrome asks before a public page may call a server on this machine.
        response.headers.append(("access-control-allow-private-network", "true"))
    return response


async def _send(send: Send, response: Response, origin: str | None) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    if response.status != 204:
        headers.append((b"content-type", b"application/json"))
    headers.append((b"content-length", str(len(response.body)).encode()))
    if origin:
        headers += [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
