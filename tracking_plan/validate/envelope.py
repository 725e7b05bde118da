"""The envelope checks no schema can express: a messageId seen before (see `duplicates.py`) and
a timestamp too far from the time the message was sent (a device clock that is wrong)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..diagnostics import Severity
from .duplicates import IsDuplicate, duplicate_finding
from .explain import Finding
from .fastpath import TIMESTAMP

MAX_FUTURE_SKEW = timedelta(minutes=10)
MAX_PAST_SKEW = timedelta(days=7)
_TIMESTAMP_MATCH = TIMESTAMP.match


def envelope_warnings(
    message_id: Any,
    timestamp: Any,
    sent_at: Any,
    received_at: Any,
    findings: list[Finding],
    is_duplicate: IsDuplicate,
) -> None:
    """Warn about a duplicate messageId and a clock skew; the values are as the message has
    them, whatever their types."""
    if isinstance(message_id, str) and is_duplicate(message_id):
        findings.append(duplicate_finding(message_id))
    if isinstance(timestamp, str) and _TIMESTAMP_MATCH(timestamp) is not None:
        _timestamp_warnings(timestamp, sent_at, received_at, findings)


def _timestamp_warnings(
    timestamp: str, sent_at: Any, received_at: Any, findings: list[Finding]
) -> None:
    """Clock skew against the time the message was sent (a local UTC offset is no fault:
    SDKs in Python, Ruby and Go send local time with its offset by default)."""
    reference = (
        sent_at
        if isinstance(sent_at, str)
        else received_at
        if isinstance(received_at, str)
        else None
    )
    if reference is None or surely_no_skew(timestamp, reference):
        return
    finding = skew_finding(timestamp, reference)
    if finding is not None:
        findings.append(finding)


def surely_no_skew(timestamp: str, sent_at: str) -> bool:
    """Whether `timestamp` is surely within the skew thresholds of `sent_at`, told without
    reading either time: both are in the canonical RFC 3339 UTC form
    `YYYY-MM-DDTHH:MM:SS(.fff)Z`, have the same date (first 10 characters), and `sent_at` sorts
    at or after `timestamp`.

    In that form string order is time order to within a second (where only the fractions
    differ), so the message was sent less than a day after its timestamp (MAX_PAST_SKEW is more)
    and less than a second before it (MAX_FUTURE_SKEW is more). A UTC offset or a lowercase `t`
    or `z` breaks the order, and those times are measured. The native scanner makes the same
    test (`accept_line` in `_scan.c`); tests/test_envelope.py checks the assumption against
    `skew_finding`."""
    return (
        _canonical_utc(timestamp)
        and _canonical_utc(sent_at)
        and sent_at[:10] == timestamp[:10]
        and sent_at >= timestamp
    )


def _canonical_utc(value: str) -> bool:
    """The shape the shortcut needs (a date-time already checked): `T` after the date, `Z` last."""
    return len(value) >= 20 and value[10] == "T" and value[-1] == "Z"


def skew_finding(timestamp: str, sent_at: str) -> Finding | None:
    """EN207 when `timestamp` is more than MAX_FUTURE_SKEW after `sent_at` or more than
    MAX_PAST_SKEW before it, as measured; None within those bounds, and when Python cannot
    read either time."""
    try:
        event_time = datetime.fromisoformat(timestamp.replace("z", "Z"))
        sent_time = datetime.fromisoformat(sent_at.replace("z", "Z"))
        skew = event_time - sent_time
    except (ValueError, TypeError):
        return None
    if skew > MAX_FUTURE_SKEW:
        return Finding.of(
            "EN207",
            f"timestamp is {skew} after it was sent; the device clock is probably wrong",
            "/timestamp",
            severity=Severity.WARNING,
        )
    if -skew > MAX_PAST_SKEW:
        return Finding.of(
            "EN207",
            f"timestamp is {-skew} before it was sent (more than {MAX_PAST_SKEW.days} days)",
            "/timestamp",
            severity=Severity.WARNING,
        )
    return None
