"""Tests for `tracking_plan.validate.envelope`: clock skew, and the shortcut that skips measuring
it (`surely_no_skew`), which the fast path, the schema path and the native scanner share.

The shortcut assumes canonical RFC 3339 UTC timestamps (`YYYY-MM-DDTHH:MM:SS(.fff)Z`): on one
date, a sentAt that sorts at or after the timestamp is never a skew the thresholds report.
Here that is checked against the measured skew, and the scanner's copy of the test in C against
the Python function.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import scaled
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracking_plan.model import CallType, Definition, Plan
from tracking_plan.validate import Outputs, validate_files
from tracking_plan.validate.envelope import (
    MAX_FUTURE_SKEW,
    MAX_PAST_SKEW,
    skew_finding,
    surely_no_skew,
)
from tracking_plan.validate.native import NativeScanner, available

PLAN = Plan(name="skew", events=(Definition(call=CallType.TRACK, name="Signed Up"),))
_NANOSECONDS = 10**9

# -- canonical timestamps ------------------------------------------------------------------------


def _canonical(day: date, nanoseconds: int, digits: int) -> str:
    """`day` at `nanoseconds` after midnight (cut to `digits` decimals) in the canonical form."""
    seconds, fraction = divmod(nanoseconds, _NANOSECONDS)
    hours, rest = divmod(seconds, 3600)
    text = f"{day.isoformat()}T{hours:02}:{rest // 60:02}:{rest % 60:02}"
    if digits:
        text += "." + f"{fraction:09}"[:digits]
    return text + "Z"


def _nanoseconds(timestamp: str) -> int:
    """The time of day of a canonical timestamp, exactly (Python's datetime keeps microseconds)."""
    clock, _, fraction = timestamp[11:-1].partition(".")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    whole = (hours * 3600 + minutes * 60 + seconds) * _NANOSECONDS
    return whole + int(fraction.ljust(9, "0")) if fraction else whole


_days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
# The scanner leaves February 29 to Python, which knows leap years (see fastpath.DATE_TIME_PATTERN).
_scanned_days = _days.filter(lambda day: (day.month, day.day) != (2, 29))
_times = st.tuples(st.integers(0, 86_400 * _NANOSECONDS - 1), st.integers(0, 9))


def test_the_thresholds_leave_room_for_the_shortcut() -> None:
    """On one date, a message is sent less than a day after its timestamp, and less than a
    second before it when both fall in one second (where string order is not time order)."""
    assert timedelta(days=1) <= MAX_PAST_SKEW
    assert timedelta(seconds=1) <= MAX_FUTURE_SKEW


@settings(max_examples=scaled(500), deadline=None)
@given(_days, _times, _times)
@example(date(2024, 3, 1), (0, 0), (86_400 * _NANOSECONDS - 1, 9))
@example(date(2024, 2, 29), (5 * _NANOSECONDS, 0), (5 * _NANOSECONDS + 999_999_999, 9))
@example(date(1, 1, 1), (0, 0), (0, 0))
def test_same_day_and_sent_no_earlier_is_never_a_reported_skew(
    day: date, first: tuple[int, int], second: tuple[int, int]
) -> None:
    timestamp, sent_at = sorted(_canonical(day, *time) for time in (first, second))
    assert surely_no_skew(timestamp, sent_at)
    skew = _nanoseconds(timestamp) - _nanoseconds(sent_at)
    assert -skew < 86_400 * _NANOSECONDS  # sent less than a day after the timestamp
    assert skew < _NANOSECONDS  # and less than a second before it
    assert skew_finding(timestamp, sent_at) is None


@pytest.mark.parametrize(
    ("timestamp", "sent_at", "surely", "reported"),
    [
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z", True, None),
        ("2024-03-01T10:00:00.5Z", "2024-03-01T10:00:00Z", True, None),  # 0.5 s before
        ("2024-03-01T00:00:00Z", "2024-03-01T23:59:59.999Z", True, None),
        ("2024-03-01T10:05:00Z", "2024-03-01T10:00:00Z", False, None),  # measured: 5 min
        ("2024-03-01T11:00:00Z", "2024-03-01T10:00:00Z", False, "after it was sent"),
        ("2024-03-01T23:59:59Z", "2024-03-02T00:00:00Z", False, None),  # measured: 1 s
        ("2024-03-01T00:00:00Z", "2024-03-08T00:00:00.001Z", False, "before it was sent"),
        ("2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z", False, None),  # exactly 7 days
        # not the canonical form: string order is not time order, so always measured
        ("2024-03-01T09:00:00Z", "2024-03-01T10:00:00+10:00", False, "after it was sent"),
        ("2024-03-01T00:00:00-23:59", "2024-03-01T00:00:00Z", False, "after it was sent"),
        ("2024-03-01T23:00:00Z", "2024-03-01t00:00:00Z", False, "after it was sent"),
        ("2024-03-01T10:00:00z", "2024-03-01T10:00:00Z", False, None),
    ],
)
def test_what_the_shortcut_leaves_to_the_measurement(
    timestamp: str, sent_at: str, surely: bool, reported: str | None
) -> None:
    assert surely_no_skew(timestamp, sent_at) is surely
    finding = skew_finding(timestamp, sent_at)
    if reported is None:
        assert finding is None
    else:
        assert finding is not None and finding.code == "EN207"
        assert reported in finding.message


# -- the scanner's copy in C ---------------------------------------------------------------------

native_only = pytest.mark.skipif(
    not available(), reason="the native scanner is not compiled in (or TP_NATIVE=0)"
)


def _record(timestamp: str, sent_at: str, message_id: str = "m1") -> bytes:
    message = {
        "type": "track",
        "event": "Signed Up",
        "userId": "u1",
        "messageId": message_id,
        "timestamp": timestamp,
        "sentAt": sent_at,
    }
    return json.dumps(message, separators=(",", ":")).encode()


def _scanner_accepts(data: bytes) -> bool:
    """Whether the scanner passes over the record itself (else it hands it back to Python)."""
    _next, _lines, _records, start, _end, _signature = NativeScanner(PLAN, window=0).scan(
        data + b"\n", 0
    )
    return start < 0


@native_only
@settings(max_examples=scaled(300), deadline=None)
@given(_scanned_days, st.integers(0, 1), _times, _times)
@example(date(2024, 3, 1), 0, (0, 0), (0, 3))  # ...00Z and ...00.000Z: the shorter sorts after
def test_the_scanner_skips_the_measurement_exactly_when_python_does(
    day: date, days_apart: int, first: tuple[int, int], second: tuple[int, int]
) -> None:
    timestamp = _canonical(day, *first)
    sent_day = day + timedelta(days=days_apart) if day < date(9999, 12, 31) else day
    sent_at = _canonical(sent_day, *second)
    accepted = _scanner_accepts(_record(timestamp, sent_at))
    assert accepted == surely_no_skew(timestamp, sent_at), (timestamp, sent_at)


@native_only
@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_the_scanner_and_python_report_the_same_skews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool
) -> None:
    pairs = [
        ("2024-03-01T10:00:00.120Z", "2024-03-01T10:00:01Z"),
        ("2024-03-01T00:00:00Z", "2024-03-01T23:59:59.999Z"),
        ("2024-03-01T10:00:00.5Z", "2024-03-01T10:00:00Z"),
        ("2024-03-01T10:05:00Z", "2024-03-01T10:00:00Z"),
        ("2024-03-01T11:00:00Z", "2024-03-01T10:00:00Z"),
        ("2024-03-01T00:00:00Z", "2024-03-09T00:00:00Z"),
        ("2024-03-01T23:59:59Z", "2024-03-02T00:00:00Z"),
        ("2024-03-01T09:00:00Z", "2024-03-01T10:00:00+10:00"),  # 9 hours after, not canonical
        ("2024-03-01T23:00:00Z", "2024-03-01t00:00:00Z"),  # 23 hours after, not canonical
    ]
    dump = tmp_path / "skew.jsonl"
    lines = [_record(ts, sent, f"m{i}") for i, (ts, sent) in enumerate(pairs)]
    dump.write_bytes(b"\n".join(lines) + b"\n")
    findings = tmp_path / "findings.jsonl"
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")

    report = validate_files(PLAN, [str(dump)], outputs=Outputs(findings=str(findings)))

    reported = [json.loads(line) for line in findings.read_text().splitlines()]
    assert [(f["code"], f["location"]["line"]) for f in reported] == [
        ("EN207", 5),
        ("EN207", 6),
        ("EN207", 8),
        ("EN207", 9),
    ]
    assert report.records == len(pairs) and report.invalid == 0
