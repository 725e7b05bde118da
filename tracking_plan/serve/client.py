"""`tp captures check`: asks a running `tp serve` what it captured, over its inspection API."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Severity
from ..printable import printable

_TIMEOUT_SECONDS = 10.0
_EXAMPLE = "http://127.0.0.1:8642"
_REFUSAL_BYTES = 64 * 1024


class Unreachable(Exception):
    """The server cannot be asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CapturedViolation:
    """One finding of a captured event, as GET /tp/violations lists it."""

    code: str
    severity: Severity
    message: str
    pointer: str
    label: str
    event_id: int | None

    def __str__(self) -> str:
        """One line; what the server sent is shown, never obeyed, by a terminal."""
        where = f" at {self.pointer}" if self.pointer else ""
        return printable(
            f"event {self.event_id} {self.label!r}: {self.severity.label} {self.code}{where}:"
            f" {self.message}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """How many events were captured, and the violations at or above the threshold."""

    events: int
    valid: int
    invalid: int
    failing: list[CapturedViolation]

    def counts(self) -> Counter[str]:
        return Counter(violation.code for violation in self.failing)


def check_captures(url: str, threshold: Severity, *, write_key: str | None = None) -> CheckResult:
    """What the tp serve at `url` captured, and its violations at least as severe as
    `threshold`; `write_key` is the key the server was started with, if any. Raises
    `Unreachable` when it cannot be asked or does not answer as tp serve."""
    _check_url(url)
    headers = {}
    if write_key is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()
    summary = _get(url, "/tp/summary", headers)
    listed = _get(url, "/tp/violations", headers).get("violations")
    if not isinstance(listed, list):
        raise _not_tp_serve(url)
    violations = [_violation(url, item) for item in listed]
    return CheckResult(
        events=_number(url, summary, "events"),
        valid=_number(url, summary, "valid"),
        invalid=_number(url, summary, "invalid"),
        failing=[v for v in violations if v.severity >= threshold],
    )


def _number(url: str, summary: dict[str, Any], key: str) -> int:
    value = summary.get(key)
    if not isinstance(value, int):
        raise _not_tp_serve(url)
    return value


def _not_tp_serve(url: str) -> Unreachable:
    return Unreachable(f"{url} answers, but not as tp serve does; check the URL")


def _violation(url: str, item: object) -> CapturedViolation:
    if not isinstance(item, dict) or not isinstance(item.get("code"), str):
        raise _not_tp_serve(url)
    try:
        severity = Severity.parse(str(item.get("severity")))
    except ValueError:
        severity = Severity.ERROR  # a severity this tp does not know is not ignored
    event_id = item.get("event_id")
    return CapturedViolation(
        code=item["code"],
        severity=severity,
        message=str(item.get("message", "")),
        pointer=str(item.get("pointer") or ""),
        label=str(item.get("label", "")),
        event_id=event_id if isinstance(event_id, int) else None,
    )


def _check_url(url: str) -> None:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises ValueError when out of range
    except ValueError as error:
        raise Unreachable(
            f"--url {url!r} is not a URL ({error}); pass one such as {_EXAMPLE}"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise Unreachable(f"--url {url!r} is not an http(s) URL such as {_EXAMPLE}")


def _get(url: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    target = url.rstrip("/") + path
    request = urllib.request.Request(target, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            data = json.load(response)
    except urllib.error.HTTPError as error:
        reason = _refusal(error)
        answered = f"{target} answered HTTP {error.code}"
        if reason is None:
            raise Unreachable(f"{answered}; is {url} a tp serve?") from None
        raise Unreachable(f"{answered}: {reason}") from None
    except urllib.error.URLError as error:
        raise Unreachable(
            f"cannot reach tp serve at {url}: {error.reason}; start it with tp serve PLAN,"
            " or pass its address with --url"
        ) from None
    except (OSError, ValueError, RecursionError, http.client.HTTPException) as error:
        # A broken answer: cut short (IncompleteRead), not JSON, nested beyond reading.
        problem = str(error) or type(error).__name__
        raise Unreachable(f"cannot read {target}: {problem}; is {url} a tp serve?") from None
    if not isinstance(data, dict):
        raise _not_tp_serve(url)
    return data


def _refusal(error: urllib.error.HTTPError) -> str | None:
    """Why tp serve refused a request (its `error`, which says what to do), if it said."""
    try:
        answer = json.loads(error.read(_REFUSAL_BYTES))
    except (OSError, ValueError, RecursionError, http.client.HTTPException):
        return None
    reason = answer.get("error") if isinstance(answer, dict) else None
    return printable(reason) if isinstance(reason, str) else None
