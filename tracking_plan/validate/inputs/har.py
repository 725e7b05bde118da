"""The analytics requests of a HAR capture as Segment messages, for `tp validate`.

A HAR file is what the browser's Network tab saves ("Save all as HAR"): one JSON object,
`{"log": {"entries": [{"request": {...}, "startedDateTime": ...}, ...]}}`. The input reader
(`inputs`) streams the entries of any input that starts like one, one at a time, to a
`HarReader`, which turns each analytics request into `Record`s: `line` is the 1-based number of
the HAR entry (so `capture.har:7` means entry 7, `log.entries[6]`), `index` the running record
number. Requests are recognised by method and path, on any host (custom API hosts and proxies
included):

* Segment (analytics.js, analytics-next): POST to `/v1/track`, `/v1/identify`, `/v1/page`,
  `/v1/screen`, `/v1/group`, `/v1/alias` or the short `/v1/t`, `/v1/i`, `/v1/p`, `/v1/s`,
  `/v1/g`, `/v1/a`; the JSON body (often sent as text/plain) is the message, typed by the
  endpoint when it has no `type`. `/v1/batch`, `/v1/b` and `/v1/import` carry a batch whose
  items get its `context` and `integrations`. `writeKey` is dropped: it authenticates the
  request and is not part of the message.
* Mixpanel: `/track` with a `data` parameter (query or form body), base64 or plain JSON of an
  event or a list of events, each made a track call: `event`; `properties` without Mixpanel's
  own fields; `$user_id` -> userId; `$device_id`, else `distinct_id` (without its `$device:`
  prefix) -> anonymousId; `time` (seconds or milliseconds) -> timestamp in UTC; `$insert_id`
  -> messageId. `$current_url`, `$referrer`, `$os`, `$screen_width`, `$screen_height`, `mp_lib`,
  `$lib_version`, `$app_version_string` and `$app_build_number` go to their Segment `context`
  fields, the other `$` and `mp_` properties to `context.mixpanel`; `token` is dropped.
* Google Analytics 4: `/g/collect`, one hit in the query, or one per line of the body on top of
  the query's parameters, each made a track call: `en` -> event, `ep.NAME` (strings) and
  `epn.NAME` (numbers) -> properties, `cu` -> properties.currency, `up.`/`upn.` ->
  context.traits, `cid` -> anonymousId, `uid` -> userId, `dl`/`dr`/`dt` -> context.page url,
  referrer and title, `ul` -> context.locale (`en-us` as `en-US`), `sr` -> context.screen; the
  other parameters (`tid`, `sid`, items `pr1`, ...) go to `context.ga4`.

Mixpanel and GA4 messages get the entry's `startedDateTime` as `sentAt` (and as `timestamp`
when they have no time of their own) and, without an id of their own, a messageId made from the
request and the event's place in it, the same in every run. Other requests (pages, fonts,
Mixpanel `/engage`, Segment `/v1/m` metrics, ...) are skipped and counted (`HarSummary`). A
recognised request that cannot be decoded, or whose text is not valid Unicode, is an
`InputProblem` naming the entry, its URL, the HAR path and what is wrong; the other requests
are still read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qsl, unquote_plus, urlsplit

from ...jsonkinds import kind_phrase
from .. import syntax
from ..messages import batch_defaults
from ..records import SAMPLE_BYTES, InputProblem, Record, compact_json
from .batches import batch_record

__all__ = ["HarReader", "HarSummary"]

_SEGMENT_PATH = re.compile(
    r"(?:^|/)v1/(track|identify|page|screen|group|alias|batch|import|[tipsgab])/?$"
)
_TYPES = ("track", "identify", "page", "screen", "group", "alias")
_SEGMENT_TYPES = {name: name for name in _TYPES} | {name[0]: name for name in _TYPES}
_SEGMENT_BATCHES = {"batch", "b", "import"}
_MIXPANEL_TRACK = re.compile(r"(?:^|/)track/?$")
_GA4_COLLECT = re.compile(r"(?:^|/)g/collect/?$")

_MIXPANEL_IDS = {"token", "distinct_id", "time", "$insert_id", "$user_id", "$device_id"}
_MIXPANEL_CONTEXT = {
    "$current_url": ("page", "url"),
    "$referrer": ("page", "referrer"),
    "$os": ("os", "name"),
    "$screen_width": ("screen", "width"),
    "$screen_height": ("screen", "height"),
    "mp_lib": ("library", "name"),
    "$lib_version": ("library", "version"),
    "$app_version_string": ("app", "version"),
    "$app_build_number": ("app", "build"),
}
_DEVICE_PREFIX = "$device:"
_MILLISECONDS = 1e11  # a Mixpanel `time` above this counts milliseconds (1e11 s is year 5138)

_GA4_PAGE = {"dl": "url", "dr": "referrer", "dt": "title"}
_GA4_OWN = {"en", "cid", "uid", "cu", "ul", "sr", *_GA4_PAGE}
_SCREEN_SIZE = re.compile(r"([0-9]{1,6})x([0-9]{1,6})")
_INTEGER = re.compile(r"-?\d+")

_URL_SHOWN = 100  # characters of a request's URL quoted in a problem


class HarSummary(NamedTuple):
    """What a HAR file holds: requests read as analytics calls (including those that gave
    problems), other requests skipped, and the input problems the file gave."""

    analytics_requests: int
    skipped_requests: int
    problems: int


def _json_reason(error: Exception, text: str) -> str:
    """Why JSON `text` could not be parsed, and where: the position and reason are computed
    here (`syntax.json_error`), not taken from the interpreter's message."""
    found = syntax.json_error(text)
    if found is None:  # the parser gave up for a reason of its own (a limit)
        return str(error)
    pos, reason = found
    hint = " (the text ends there: is it truncated?)" if not text[pos:].strip() else ""
    return f"{reason} at {syntax.position(text, pos)}{hint}"


# -- one HAR file ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Request:
    """The parts of a HAR entry's request that analytics calls are read from."""

    number: int  # 1-based, in the order of log.entries
    method: str
    url: str
    parts: SplitResult
    body: str | None  # postData.text
    form: list[object]  # postData.params
    started: str | None  # the entry's startedDateTime

    def where(self) -> str:
        url = self.url
        if len(url) > _URL_SHOWN:  # a long query string hides the rest of the message
            parts = self.parts
            url = f"{parts.scheme}://{parts.netloc}{parts.path}"[:_URL_SHOWN] + "?..."
        return f"entry {self.number} ({self.method} {url})"

    def path(self, member: str) -> str:
        return f"log.entries[{self.number - 1}].{member}"

    def message_id(self, position: int) -> str:
        """An id for the `position`th event of the request, the same in every run."""
        key = "\n".join((self.started or "", self.method, self.url, self.body or ""))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"har-{self.number}-{position}-{digest}"


class HarReader:
    """The analytics requests of one HAR capture, read entry by entry (`entry`), with what the
    capture held so far (`summary`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.analytics_requests = 0
        self.skipped_requests = 0
        self.problems = 0
        self._index = 0

    def summary(self) -> HarSummary:
        return HarSummary(self.analytics_requests, self.skipped_requests, self.problems)

    def entry(self, number: int, entry: object) -> Iterator[Record | InputProblem]:
        """The records and problems of entry `number` (1-based) of `log.entries`."""
        request = _request(entry, number)
        if isinstance(request, str):
            message = f"entry {number} (log.entries[{number - 1}]) {request}; it was skipped"
            yield self.problem(message, number)
            return
        yield from self._calls(request)

    def problem(self, message: str, line: int | None = None, data: bytes = b"") -> InputProblem:
        """A problem of the capture, counted in its summary."""
        self.problems += 1
        return InputProblem(file=self.name, line=line, index=None, message=message, data=data)

    def _calls(self, request: _Request) -> Iterator[Record | InputProblem]:
        path = request.parts.path
        segment = _SEGMENT_PATH.search(path) if request.method == "POST" else None
        if segment is not None:
            self.analytics_requests += 1
            yield from self._segment(request, segment.group(1))
        elif _GA4_COLLECT.search(path):
            self.analytics_requests += 1
            yield from self._ga4(request)
        elif _MIXPANEL_TRACK.search(path) and (
            "mixpanel" in request.parts.netloc or _form_value(request, "data") is not None
        ):
            self.analytics_requests += 1
            yield from self._mixpanel(request)
        else:
            self.skipped_requests += 1

    def _record(self, message: dict[str, object], request: _Request) -> Record | InputProblem:
        try:
            data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
        except UnicodeEncodeError:
            what = (
                "the message holds text that is not valid Unicode (bytes that are not UTF-8, or"
                " a lone surrogate such as \\ud800 from an escape); it was skipped"
            )
            return self._problem(request, what, compact_json(message).decode())
        self._index += 1
        return Record(data, self.name, request.number, self._index)

    def _problem(self, request: _Request, what: str, data: str = "") -> InputProblem:
        return self.problem(f"{request.where()}: {what}", request.number, _sample(data))

    # -- Segment

    def _segment(self, request: _Request, endpoint: str) -> Iterator[Record | InputProblem]:
        body_path = request.path("request.postData.text")
        if not request.body:
            yield self._problem(request, f"the request has no body ({body_path}); {_EXPORT}")
            return
        try:
            payload = json.loads(request.body)
        except (ValueError, RecursionError) as error:
            reason = _json_reason(error, request.body)
            yield self._problem(request, f"the body ({body_path}) is not JSON: {reason}")
            return
        if endpoint in _SEGMENT_BATCHES:
            if not isinstance(payload, dict) or not isinstance(payload.get("batch"), list):
                what = f'the body ({body_path}) is not a Segment batch {{"batch": [...]}}'
                yield self._problem(request, what, request.body)
                return
            defaults = batch_defaults(payload)
            for position, item in enumerate(payload["batch"], 1):
                self._index += 1
                where = f"item {position} of the batch in entry {request.number}"
                message = _without_write_key(item) if isinstance(item, dict) else item
                item = batch_record(
                    message, defaults, self.name, request.number, self._index, where
                )
                if isinstance(item, InputProblem):
                    self.problems += 1
                yield item
            return
        if not isinstance(payload, dict):
            what = f"the body ({body_path}) is {kind_phrase(payload)}, not a Segment message object"
            yield self._problem(request, what, request.body)
            return
        message = _without_write_key(payload)
        message.setdefault("type", _SEGMENT_TYPES[endpoint])
        yield self._record(message, request)

    # -- Mixpanel

    def _mixpanel(self, request: _Request) -> Iterator[Record | InputProblem]:
        found = _form_value(request, "data")
        if found is None:
            what = "the Mixpanel request has no data parameter (in the URL or the form body)"
            yield self._problem(request, f"{what}; {_EXPORT}")
            return
        value, where = found
        try:
            payload = _mixpanel_payload(value)
        except _Undecodable as error:
            what = f"the Mixpanel data parameter ({request.path(where)}) {error}"
            yield self._problem(request, what, value)
            return
        events = payload if isinstance(payload, list) else [payload]
        sent = _utc(request.started)
        for position, event in enumerate(events, 1):
            if not isinstance(event, dict) or not isinstance(event.get("properties", {}), dict):
                what = (
                    f"event {position} of the Mixpanel data is {kind_phrase(event)}, not an event"
                    ' object ({"event": NAME, "properties": {...}}); it was skipped'
                )
                yield self._problem(request, what, compact_json(event).decode())
                continue
            message = _mixpanel_message(event, sent)
            message.setdefault("messageId", request.message_id(position))
            yield self._record(message, request)

    # -- Google Analytics 4

    def _ga4(self, request: _Request) -> Iterator[Record | InputProblem]:
        shared = parse_qsl(request.parts.query, keep_blank_values=True)
        lines = (request.body or "").splitlines()
        hits = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        body_path = request.path("request.postData.text")
        sent = _utc(request.started)
        for position, (line, text) in enumerate(hits or [(0, "")], 1):
            params = dict(shared)
            params.update(parse_qsl(text, keep_blank_values=True))
            if not params.get("en"):
                where = f"line {line} of {body_path}" if line else request.path("request.url")
                what = f"the GA4 hit on {where} has no event name (en=); it was skipped"
                yield self._problem(request, what, text or request.url)
                continue
            message = _ga4_message(params, sent)
            message["messageId"] = request.message_id(position)
            yield self._record(message, request)


_EXPORT = "the capture does not hold it: save the HAR again from the Network tab"


class _Undecodable(Exception):
    """A request's payload cannot be decoded; the message says why."""


def _request(entry: object, number: int) -> _Request | str:
    """The request of a HAR entry, or what makes the entry unreadable."""
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or not isinstance(request, dict):
        return "has no request object: it is not a HAR 1.2 entry"
    url, method = request.get("url"), request.get("method")
    if not isinstance(url, str) or not isinstance(method, str):
        return "has no request.url or request.method string: it is not a HAR 1.2 entry"
    post = request.get("postData")
    post = post if isinstance(post, dict) else {}
    body, form, started = post.get("text"), post.get("params"), entry.get("startedDateTime")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"has a request.url that is not a URL ({error})"
    return _Request(
        number=number,
        method=method.upper(),
        url=url,
        parts=parts,
        body=body if isinstance(body, str) else None,
        form=form if isinstance(form, list) else [],
        started=started if isinstance(started, str) else None,
    )


def _form_value(request: _Request, name: str) -> tuple[str, str] | None:
    """The value of parameter `name` in the form body or else the query, with the HAR member
    it comes from."""
    if request.body is not None and request.method == "POST":
        for key, value in parse_qsl(request.body, keep_blank_values=True):
            if key == name:
                return value, "request.postData.text"
    for param in request.form:
        if isinstance(param, dict) and param.get("name") == name:
            given = param.get("value")
            if isinstance(given, str):
                # Some browsers store form values still URL-encoded.
                return unquote_plus(given) if "%" in given else given, "request.postData.params"
    for key, value in parse_qsl(request.parts.query, keep_blank_values=True):
        if key == name:
            return value, "request.url"
    return None


def _without_write_key(message: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in message.items() if key != "writeKey"}


def _sample(text: str) -> bytes:
    """Up to 200 bytes of `text` for a problem's samples, whatever surrogates it holds."""
    try:
        data = text.encode("utf-8", "surrogateescape")  # the bytes of the file
    except UnicodeEncodeError:
        data = text.encode("utf-8", "backslashreplace")  # a lone surrogate from an escape
    return data[:SAMPLE_BYTES]


def _utc(text: str | None) -> str | None:
    """An ISO-8601 time in UTC ("...Z"), or None if `text` is not one."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return _iso(moment)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _put(context: dict[str, object], path: tuple[str, ...], value: object) -> None:
    """Sets `value` at `path` in `context`, making the objects on the way."""
    target = context
    for key in path[:-1]:
        child = target.setdefault(key, {})
        if not isinstance(child, dict):
            return
        target = child
    target[path[-1]] = value


# -- Mixpanel ------------------------------------------------------------------------------------


def _mixpanel_payload(value: str) -> object:
    """The JSON in a Mixpanel `data` parameter: base64 (mixpanel-js' default) or plain JSON."""
    text = value.strip()
    if not text.startswith(("{", "[")):
        # Form decoding turns an unescaped + into a space; the URL-safe alphabet is accepted.
        encoded = text.replace(" ", "+").replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except ValueError as error:  # binascii.Error, or text that is not ASCII
            raise _Undecodable(f"is not valid base64 ({error}): is it truncated?") from None
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            raise _Undecodable("decodes to bytes that are not UTF-8 text") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise _Undecodable(f"does not decode to JSON: {_json_reason(error, text)}") from None


def _mixpanel_message(event: dict[str, object], sent: str | None) -> dict[str, object]:
    raw = event.get("properties", {})
    properties: dict[str, object] = dict(raw) if isinstance(raw, dict) else {}
    message: dict[str, object] = {"type": "track"}
    if "event" in event:
        message["event"] = event["event"]
    user_id = properties.get("$user_id")
    anonymous_id = properties.get("$device_id", properties.get("distinct_id"))
    if isinstance(anonymous_id, str):
        anonymous_id = anonymous_id.removeprefix(_DEVICE_PREFIX)
    if user_id is not None:
        message["userId"] = user_id
    if anonymous_id is not None and anonymous_id != user_id:
        message["anonymousId"] = anonymous_id
    if "$insert_id" in properties:
        message["messageId"] = properties["$insert_id"]
    timestamp = _mixpanel_time(properties["time"]) if "time" in properties else sent
    if timestamp is not None:
        message["timestamp"] = timestamp
    if sent is not None:
        message["sentAt"] = sent
    context: dict[str, object] = {}
    own: dict[str, object] = {}
    for key, value in properties.items():
        if key in _MIXPANEL_IDS:
            continue
        if key in _MIXPANEL_CONTEXT:
            _put(context, _MIXPANEL_CONTEXT[key], value)
        elif key.startswith(("$", "mp_")):
            _put(context, ("mixpanel", key), value)
        else:
            own[key] = value
    message["properties"] = own
    if context:
        message["context"] = context
    return message


def _mixpanel_time(value: object) -> str:
    """Mixpanel's `time` (seconds or milliseconds since 1970) in ISO-8601 UTC; anything else
    is kept as text, for the timestamp check to report."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    try:
        seconds = value / 1000 if abs(value) >= _MILLISECONDS else value
        return _iso(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):  # no time: too large, or not a number
        return str(value)


# -- Google Analytics 4 ---------------------------------------------------------------------------


def _ga4_message(params: dict[str, str], sent: str | None) -> dict[str, object]:
    message: dict[str, object] = {"type": "track", "event": params["en"]}
    if params.get("uid"):
        message["userId"] = params["uid"]
    if params.get("cid"):
        message["anonymousId"] = params["cid"]
    if sent is not None:
        message["timestamp"] = message["sentAt"] = sent
    properties: dict[str, object] = {}
    context: dict[str, object] = {}
    for key, value in params.items():
        prefix, dot, name = key.partition(".")
        if dot and name and prefix in ("ep", "epn"):
            properties[name] = _number(value) if prefix == "epn" else value
        elif dot and name and prefix in ("up", "upn"):
            _put(context, ("traits", name), _number(value) if prefix == "upn" else value)
        elif key in _GA4_PAGE:
            _put(context, ("page", _GA4_PAGE[key]), value)
        elif key not in _GA4_OWN:
            _put(context, ("ga4", key), value)
    if params.get("cu"):
        properties.setdefault("currency", params["cu"])
    if params.get("ul"):
        context["locale"] = _locale(params["ul"])
    if size := _SCREEN_SIZE.fullmatch(params.get("sr", "")):
        context["screen"] = {"width": int(size.group(1)), "height": int(size.group(2))}
    elif "sr" in params:
        _put(context, ("ga4", "sr"), params["sr"])
    message["properties"] = properties
    if context:
        message["context"] = context
    return message


def _number(text: str) -> object:
    """An `epn.` value as a JSON number; text that is not a finite number stays text."""
    if _INTEGER.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python reads: left as text
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _locale(text: str) -> str:
    """gtag sends navigator.language lower-cased (`en-us`); Segment's locale is `en-US`."""
    language, dash, region = text.partition("-")
    if dash and len(language) == 2 and len(region) == 2:
        return f"{language.lower()}-{region.upper()}"
    return text
