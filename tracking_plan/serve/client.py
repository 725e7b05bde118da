"""`tp captures check`: asks a running `tp serve` what it captured, over its inspection API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Severity

_TIMEOUT_SECONDS = 10.0


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
        where = f" at {self.pointer}" if self.pointer else ""
        return (
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


def check_captures(url: str, threshold: Severity) -> CheckResult:
    """What the tp serve at `url` captured, and its violations at least as severe as
    `threshold`. Raises `Unreachable` when it cannot be asked or does not answer as tp serve."""
    summary = _get(url, "/tp/summary")
    listed = _get(url, "/tp/violations").get("violations")
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


def _get(url: str, path: str) -> dict[str, Any]:
    target = url.rstrip("/") + path
    try:
        with urllib.request.urlopen(target, timeout=_TIMEOUT_SECONDS) as response:
            data = json.load(response)
    except urllib.error.HTTPError as error:
        raise Unreachable(f"{target} answered HTTP {error.code}; is {url} a tp serve?") from None
    except urllib.error.URLError as error:
        raise Unreachable(
            f"cannot reach tp serve at {url}: {error.reason}; start it with tp serve PLAN,"
            " or pass its address with --url"
        ) from None
    except (OSError, ValueError) as error:
        raise Unreachable(f"cannot read {target}: {error}; is {url} a tp serve?") from None
    if not isinstance(data, dict):
        raise _not_tp_serve(url)
    return data
