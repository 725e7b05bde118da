"""The ASGI app of `tp serve`: Segment's collecting paths, the inspection API and CORS.

Routing and HTTP only: request bodies become messages in `protocol`, messages are validated and
stored by the `Collector`, the inspection API reads the `CaptureStore`, and `access` says who
may call what. Every request gets a JSON answer, whatever it holds; nothing a client sends can
stop the server.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from .access import COLLECTING_HEADERS, COLLECTING_METHODS, Access
from .collector import Collector
from .forward import RELAYED_HEADERS, Forwarder, Relay
from .protocol import (
    ENDPOINTS,
    MAX_BATCH_BYTES,
    Endpoint,
    ProtocolError,
    authorization_key,
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
_QUERY_PARAMETERS = {
    "/tp/summary": (),
    "/tp/events": ("event", "valid", "limit"),
    "/tp/violations": ("limit",),
    "/tp/reset": (),
}
# A limit of more digits than this is more than any store holds: it means everything.
_LIMIT_DIGITS = 18
_SHOWN_VALUE_CHARACTERS = 40
_PREFLIGHT_MAX_AGE = "86400"
_CORS_HEADERS = [(b"access-control-allow-origin", b"*")]
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
    """The ASGI application; `access` says who may call what."""

    def __init__(
        self,
        *,
        collector: Collector,
        reader: CaptureStore,
        access: Access,
        forwarder: Forwarder | None = None,
    ) -> None:
        self._collector = collector
        self._reader = reader
        self._access = access
        self._forwarder = forwarder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            # A header given twice reads as one list (RFC 9110), which no check accepts.
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        path: str = scope["path"].rstrip("/") or "/"
        try:
            response = await self._route(path, scope, headers, receive)
        except _Disconnected:
            return
        except ProtocolError as error:
            response = error_response(error.status, error.code, error.message)
            response.headers += error.headers
        except StoreError as error:
            log.error("%s", error)
            response = error_response(503, "store-failed", f"{error}; try again")
        except Exception as error:  # a bug must cost one request, not the server
            log.error("internal error on %s %s: %r", scope["method"], scope["path"], error)
            response = error_response(
                500, "internal-error", f"tp serve failed on this request ({error!r}); report it"
            )
        await _send(send, response, cors=path in ENDPOINTS)

    async def _route(
        self, path: str, scope: Scope, headers: dict[str, str], receive: Receive
    ) -> Response:
        method: str = scope["method"]
        endpoint = ENDPOINTS.get(path)
        if endpoint is not None:
            if method == "OPTIONS":
                await _read_body(receive, 0)
                return _preflight(path, headers)
            _check_method(path, method, COLLECTING_METHODS)
            return await self._collect(endpoint, scope, headers, receive)
        allowed = _INSPECTION.get(path)
        await _read_body(receive, 0)
        if allowed is None:
            return error_response(
                404,
                "not-found",
                f"no such path {path}; send events to /v1/track, /v1/batch, ... and read them"
                " back from /tp/summary, /tp/events and /tp/violations",
            )
        self._access.check_local(path, headers)
        if method == "OPTIONS":
            return Response(204, b"", [("allow", f"{allowed}, OPTIONS")])
        _check_method(path, method, allowed)
        self._access.check_key(path, headers.get("authorization"))
        if method == "POST":
            self._access.check_json(path, headers.get("content-type"))
        return await self._inspect(path, scope)

    # -- collecting

    async def _collect(
        self, endpoint: Endpoint, scope: Scope, headers: dict[str, str], receive: Receive
    ) -> Response:
        body = await _read_body(receive, MAX_BATCH_BYTES)
        if body is None:
            raise too_large_body(None)
        header_key = authorization_key(headers.get("authorization"))
        if header_key is not None:
            self._access.check_write_key(header_key)
        payload = read_payload(
            endpoint,
            body,
            content_type=headers.get("content-type"),
            content_encoding=headers.get("content-encoding"),
        )
        if header_key is None:
            self._access.check_write_key(payload.body_key)
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

    # -- the inspection API

    async def _inspect(self, path: str, scope: Scope) -> Response:
        query = _query(path, scope.get("query_string", b""))
        if path == "/tp/reset":
            await self._collector.reset()
            return Response(200, _SUCCESS)
        limit = _limit(query)
        if path == "/tp/summary":
            result: dict[str, Any] = self._reader.summary()
        elif path == "/tp/events":
            result = {
                "events": self._reader.events(
                    label=query.get("event"), valid=_validity(query), limit=limit
                )
            }
        else:
            result = {"violations": self._reader.violations(limit=limit)}
        return Response(200, msgspec.json.encode(result))


def _check_method(path: str, method: str, allowed: str) -> None:
    if method != allowed:
        raise ProtocolError(
            405,
            "method-not-allowed",
            f"{path} takes {allowed} requests, not {method}",
            headers=[("allow", f"{allowed}, OPTIONS")],
        )


def _shown(text: str) -> str:
    """A query value for an error message, cut short."""
    if len(text) > _SHOWN_VALUE_CHARACTERS:
        return repr(text[:_SHOWN_VALUE_CHARACTERS]) + "..."
    return repr(text)


def _bad_query(message: str) -> ProtocolError:
    return ProtocolError(400, "bad-query", message)


def _query(path: str, query_string: bytes) -> dict[str, str]:
    """The query parameters `path` takes, each given at most once."""
    known = _QUERY_PARAMETERS[path]
    pairs = urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    query: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            takes = f"takes only {', '.join(known)}" if known else "takes no parameters"
            raise _bad_query(f"{path} {takes}, not {_shown(name)}")
        if name in query:
            raise _bad_query(f"{name} is given more than once; give it once")
        query[name] = value
    return query


def _limit(query: dict[str, str]) -> int:
    """The `limit` parameter; -1 (everything) when absent."""
    text = query.get("limit")
    if text is None:
        return -1
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit() and digits):
        raise _bad_query(f"limit must be a whole number above 0, not {_shown(text)}")
    return int(digits) if len(digits) <= _LIMIT_DIGITS else -1


def _validity(query: dict[str, str]) -> bool | None:
    text = query.get("valid")
    if text is None:
        return None
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise _bad_query(f"valid must be true or false, not {_shown(text)}")


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


def _preflight(path: str, headers: dict[str, str]) -> Response:
    """CORS for the collecting paths: POST with the headers Segment's browser SDKs send, from
    any origin, without credentials. Access to this machine's private network is never granted:
    only pages of this machine (or its network) may send to it."""
    allow = [("allow", f"{COLLECTING_METHODS}, OPTIONS")]
    if "origin" not in headers:
        return Response(204, b"", allow)
    requested = headers.get("access-control-request-method", COLLECTING_METHODS)
    if requested.strip().upper() != COLLECTING_METHODS:
        raise ProtocolError(
            403,
            "cors-refused",
            f"{path} takes {COLLECTING_METHODS} requests from web pages, not {_shown(requested)}",
        )
    return Response(
        204,
        b"",
        [
            *allow,
            ("access-control-allow-methods", COLLECTING_METHODS),
            ("access-control-allow-headers", ", ".join(COLLECTING_HEADERS)),
            ("access-control-max-age", _PREFLIGHT_MAX_AGE),
        ],
    )


async def _send(send: Send, response: Response, *, cors: bool) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    if response.status != 204:
        headers.append((b"content-type", b"application/json"))
    headers.append((b"content-length", str(len(response.body)).encode()))
    if cors:
        headers += _CORS_HEADERS
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
