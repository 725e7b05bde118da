"""The Segment HTTP Tracking API as `tp serve` speaks it: paths, write keys, bodies and limits.

Pure functions from request parts to messages: no I/O, no state. A request that Segment would
refuse raises `ProtocolError`, whose status, code and message become the JSON error response.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from ..jsonkinds import kind_phrase
from ..validate.messages import batch_defaults, merged_item

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_MESSAGES = 2_500
# Segment sets no depth limit; the validator's schema path gives up at about 250 levels.
MAX_DEPTH = 100

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_READABLE_TYPES = frozenset({"", "application/json", "text/plain"})
_READABLE_CHARSETS = frozenset({"", "utf-8", "utf8", "us-ascii"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A collecting path: `call` is the message type a single call implies; None for batches."""

    path: str
    call: str | None


def _endpoints() -> dict[str, Endpoint]:
    """Each call's path and the short one analytics.js posts to (/v1/t for /v1/track)."""
    endpoints = {}
    for call in ("track", "identify", "page", "screen", "group", "alias"):
        for path in (f"/v1/{call}", f"/v1/{call[0]}"):
            endpoints[path] = Endpoint(path, call)
    for path in ("/v1/batch", "/v1/b", "/v1/import"):
        endpoints[path] = Endpoint(path, None)
    return endpoints


ENDPOINTS = _endpoints()


class ProtocolError(Exception):
    """A request Segment would refuse: the HTTP status, a stable code and what to do, and any
    headers the answer needs (`Allow` for a 405, say)."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers)


class Message(NamedTuple):
    """One accepted message: its compact JSON text and its `type` ("" when it has none)."""

    data: bytes
    type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Payload:
    """The messages of one request and the write key its body carried, if any."""

    messages: list[Message]
    body_key: str | None


def authorization_key(authorization: str | None) -> str | None:
    """The key of an `Authorization` header: the user of `Basic base64(key:)`, as Segment's
    SDKs send it, or a `Bearer` token; None without a header or with one that is unreadable."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII, or not UTF-8 underneath
        return None
    return decoded.partition(":")[0]


def read_payload(
    endpoint: Endpoint,
    body: bytes,
    *,
    content_type: str | None,
    content_encoding: str | None,
) -> Payload:
    """The messages of a request body; raises `ProtocolError` for one Segment would refuse."""
    _check_content_type(content_type)
    text = _decoded_body(body, content_encoding)
    value = _parse(text)
    if not isinstance(value, dict):
        raise ProtocolError(
            400,
            "EN208",
            f"the body is {kind_phrase(value)}, not a JSON object; send one message object"
            + (', or {"batch": [...]} to /v1/batch' if endpoint.call is None else ""),
        )
    key = value.pop("writeKey", None)
    body_key = key if isinstance(key, str) else None
    if endpoint.call is not None:
        value.setdefault("type", endpoint.call)
        return Payload(messages=[_message(value, "the message")], body_key=body_key)
    return Payload(messages=_batch(value), body_key=body_key)


def _decoded_body(body: bytes, content_encoding: str | None) -> bytes:
    """The body without its gzip encoding (recognised by header or magic bytes), size-checked."""
    encoding = (content_encoding or "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise ProtocolError(
            400,
            "EN208",
            f"Content-Encoding {content_encoding!r} is not supported; send the body plain or"
            " gzip-compressed (Content-Encoding: gzip)",
        )
    if encoding in ("gzip", "x-gzip") or body.startswith(_GZIP_MAGIC):
        body = _gunzip(body)
    if len(body) > MAX_BATCH_BYTES:
        raise too_large_body(len(body))
    if not body.strip():
        raise ProtocolError(400, "EN208", "the body is empty; send one JSON message object")
    return body.removeprefix(_BOM)


def too_large_body(size: int | None) -> ProtocolError:
    """The error for a body over Segment's 500 KB request limit."""
    shown = f"{size:,} bytes" if size is not None else "over 500 KB"
    return ProtocolError(
        400,
        "EN202",
        f"the request body is {shown}; Segment refuses requests over 500 KB: split it into"
        " smaller batches",
    )


def _gunzip(body: bytes) -> bytes:
    """Decompresses every gzip member, stopping as soon as the output passes the size limit."""
    pieces: list[bytes] = []
    size = 0
    data = body
    try:
        while data:
            inflater = zlib.decompressobj(wbits=31)
            piece = inflater.decompress(data, MAX_BATCH_BYTES + 1 - size)
            size += len(piece)
            pieces.append(piece)
            if size > MAX_BATCH_BYTES:
                raise too_large_body(None)
            if not inflater.eof:
                raise ProtocolError(
                    400,
                    "EN208",
                    "the gzip body is truncated (it ends before its end-of-stream marker);"
                    " send the whole compressed body",
                )
            data = inflater.unused_data
    except zlib.error as error:
        raise ProtocolError(
            400,
            "EN208",
            f"the body is not valid gzip data ({error}); compress it with gzip, or send it"
            " plain without Content-Encoding: gzip",
        ) from None
    return b"".join(pieces)


def _check_content_type(content_type: str | None) -> None:
    media, _, parameters = (content_type or "").partition(";")
    media = media.strip().lower()
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if (media in _READABLE_TYPES or media.endswith("+json")) and charset in _READABLE_CHARSETS:
        return
    raise ProtocolError(
        400,
        "EN208",
        f"cannot read a body of Content-Type {content_type!r}; send UTF-8 JSON as"
        " application/json or text/plain",
    )


def _parse(text: bytes) -> object:
    try:
        return msgspec.json.decode(text)
    except UnicodeDecodeError:
        raise ProtocolError(400, "EN200", "the body is not UTF-8 text; send UTF-8 JSON") from None
    except RecursionError:
        raise ProtocolError(
            400, "EN209", "the body is nested too deeply to read; flatten the message"
        ) from None
    except msgspec.DecodeError as error:
        raise ProtocolError(
            400, "EN200", f"the body is not valid JSON ({error}); send one JSON object"
        ) from None


def _batch(payload: dict[str, object]) -> list[Message]:
    items = payload.get("batch")
    if not isinstance(items, list):
        raise ProtocolError(
            400,
            "EN208",
            'a batch body must be {"batch": [message, ...]}'
            + ("" if items is None else f", and its batch is {kind_phrase(items)}, not an array"),
        )
    if len(items) > MAX_BATCH_MESSAGES:
        raise ProtocolError(
            400,
            "EN202",
            f"the batch has {len(items):,} messages; Segment refuses batches of over"
            f" {MAX_BATCH_MESSAGES:,}: split it",
        )
    defaults = batch_defaults(payload)
    messages = []
    for position, item in enumerate(items, 1):
        where = f"item {position} of the batch"
        if not isinstance(item, dict):
            raise ProtocolError(
                400,
                "EN208",
                f"{where} is {kind_phrase(item)}; each item must be one message object",
            )
        item.pop("writeKey", None)
        messages.append(_message(merged_item(item, defaults), where))
    return messages


def _message(value: dict[str, object], where: str) -> Message:
    data = msgspec.json.encode(value)
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            400,
            "EN201",
            f"{where} is {len(data):,} bytes; Segment refuses messages over 32 KB: send less"
            " in its properties or traits",
        )
    if data.count(b"{") + data.count(b"[") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise ProtocolError(
            400,
            "EN209",
            f"{where} is nested over {MAX_DEPTH} levels deep; send flatter properties",
        )
    kind = value.get("type")
    return Message(data, kind if isinstance(kind, str) else "")


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels in `value`."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict | list):
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False
