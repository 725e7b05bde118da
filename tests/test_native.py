"""Tests for the native scanner (`tracking_plan/validate/_scan.c` and `native.py`).

The scanner passes over valid JSON Lines records and hands every other line back to Python.
Verdicts against the compiled schema are checked in test_validate_equivalence.py; here: line
and record numbering, what it must hand back, the duplicate-messageId window, its tables, and
that a whole run gives the same report with and without it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, SHOP_PLAN

from tracking_plan import load_plan
from tracking_plan.model import CallType, Definition, Plan, Policy, Property, Status
from tracking_plan.validate import Outputs, validate_files
from tracking_plan.validate.duplicates import RecentIds, ScannerIds
from tracking_plan.validate.inputs import split_ranges
from tracking_plan.validate.native import NativeScanner, available, node_spec
from tracking_plan.validate.scan_specs import T_OBJ

pytestmark = pytest.mark.skipif(
    not available(), reason="the native scanner is not compiled in (or TP_NATIVE=0)"
)

SAMPLE = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"

PLAN = Plan(
    name="native",
    events=(
        Definition(
            call=CallType.TRACK,
            name="Order Completed",
            properties=(
                Property(name="order_id", types=("string",), required=True, pattern="^o[0-9]+$"),
                Property(name="revenue", types=("number",), minimum=0),
                Property(name="items", types=("integer",), maximum=100),
                Property(name="note", types=("string",)),
            ),
            unplanned_properties=Policy.FORBID,
        ),
        Definition(call=CallType.TRACK, name="Old Thing", status=Status.DEPRECATED),
    ),
    identify=Definition(
        call=CallType.IDENTIFY,
        name="identify",
        properties=(Property(name="email", types=("string",), formats=("email",)),),
        unplanned_properties=Policy.ALLOW,
    ),
)


def message(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2024-03-01T12:34:56.120Z",
        "sentAt": "2024-03-01T12:34:57Z",
        "properties": {"order_id": "o1", "revenue": 9.5},
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def line(**fields: Any) -> bytes:
    return json.dumps(message(**fields), separators=(",", ":")).encode()


def scan_one(data: bytes, plan: Plan = PLAN) -> str:
    """What the scanner does with one record: "accepted", "explained" or "handed back"."""
    scanner = NativeScanner(plan, window=0)
    _next, lines, records, start, end, signature = scanner.scan(data + b"\n", 0)
    assert (lines, records) == (1, 1)
    if start < 0:
        return "accepted"
    assert (start, end) == (0, len(data))
    return "handed back" if signature is None else "explained"


# -- what is accepted and what is handed back -------------------------------------------------


def test_accepts_valid_messages() -> None:
    assert scan_one(line()) == "accepted"
    assert scan_one(b"  " + line() + b" \t") == "accepted"
    note = "caf\u00e9 \\n"
    assert scan_one(line(properties={"order_id": "o2", "items": 3, "note": note})) == "accepted"
    identify = {"type": "identify", "anonymousId": "a", "messageId": "m2", "traits": {}}
    assert scan_one(json.dumps(identify).encode()) == "accepted"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(line(properties={"order_id": "x1"}), id="pattern"),
        pytest.param(line(properties={"revenue": 1}), id="required-missing"),
        pytest.param(line(properties={"order_id": "o1", "revenue": -1}), id="minimum"),
        pytest.param(line(properties={"order_id": "o1", "items": 2.5}), id="fraction-for-integer"),
        pytest.param(line(properties={"order_id": "o1", "extra": 1}), id="unplanned-property"),
        pytest.param(line(event="Nope"), id="unplanned-event"),
        pytest.param(line(properties={"order_id": 1, "note": None}), id="several"),
    ],
)
def test_explains(data: bytes) -> None:
    assert scan_one(data) == "explained"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(line(properties={"order_id": "o1", "items": 2.0}), id="float-for-integer"),
        pytest.param(line(properties={"order_id": "o1", "items": 10**20}), id="big-integer"),
        pytest.param(
            line(properties={"order_id": "o1", "extra": 1, "extra ": 2}).replace(
                b'"extra "', b'"extra"'
            ),
            id="unplanned-property-twice",
        ),
        pytest.param(line(event="Old Thing", properties=None), id="deprecated-event"),
        pytest.param(line(type="alias", previousId="p"), id="alias"),
        pytest.param(line(userId=None), id="no-identity"),
        pytest.param(line(userId=""), id="empty-user-id"),
        pytest.param(line(messageId="m" * 101), id="long-message-id"),
        pytest.param(line(timestamp="2024-03-01T12:34:56+01:00"), id="not-utc"),
        pytest.param(line(sentAt="2024-03-01T12:00:00Z"), id="sent-before-timestamp"),
        pytest.param(line(sentAt="2024-03-02T12:00:00Z"), id="sent-another-day"),
        pytest.param(line(receivedAt="2024-03-01T12:35:00Z"), id="received-at"),
        pytest.param(line(timestamp="2024-02-30T00:00:00Z"), id="bad-date"),
        pytest.param(line(context=[]), id="context-not-object"),
        pytest.param(line(batch=[]), id="batch-key"),
        pytest.param(line()[:-1], id="truncated"),
        pytest.param(line() + b"x", id="trailing-text"),
        pytest.param(line().replace(b'"revenue"', b'"\\u0072evenue"'), id="escaped-key"),
        pytest.param(
            line(properties={"order_id": "o1", "note": "\ud800"}).replace(b"\\ud800", b"\\ud800"),
            id="lone-surrogate-escape",
        ),
        pytest.param(
            line(properties={"order_id": "o1", "note": "x"}).replace(b"x", b"\xff"), id="not-utf8"
        ),
        pytest.param(
            line(properties={"order_id": "o1", "note": "x"}).replace(b"x", b"\xed\xa0\x80"),
            id="utf8-surrogate",
        ),
        pytest.param(line().replace(b'"userId"', b'"type":"track","userId"'), id="duplicate-key"),
        pytest.param(line(properties={"order_id": "o1", "note": "x" * 33_000}), id="over-32-kb"),
        pytest.param(b"[" * 100 + b"]" * 100, id="deep"),
        pytest.param(b'{"type":"track"', id="unclosed"),
        pytest.param(b"NaN", id="not-json"),
    ],
)
def test_hands_back(data: bytes) -> None:
    assert scan_one(data) == "handed back"


def test_identify_email_format() -> None:
    ok = {"type": "identify", "userId": "u", "messageId": "m", "traits": {"email": "a@b"}}
    bad = {**ok, "traits": {"email": "nope"}}
    assert scan_one(json.dumps(ok).encode()) == "accepted"
    assert scan_one(json.dumps(bad).encode()) == "explained"


# -- numbering ------------------------------------------------------------------------------------


def test_lines_and_records_are_counted_around_handed_back_lines() -> None:
    scanner = NativeScanner(PLAN, window=0)
    bad = line(event="Nope")
    buffer = b"\n".join([line(), b"", b"  \t", bad + b"\r", line(), b"\r"]) + b"\n" + line()
    results = []
    pos = 0
    while pos < len(buffer):
        pos, lines, records, start, end, _signature = scanner.scan(buffer, pos)
        results.append((lines, records, buffer[start:end] if start >= 0 else None))
    assert results == [(4, 2, bad), (3, 2, None)]


# -- duplicate messageIds -------------------------------------------------------------------------


@pytest.mark.parametrize("window", [0, 1, 3, 50])
def test_duplicate_window_matches_the_python_one(window: int) -> None:
    rng = random.Random(window)
    ids = [f"id{rng.randrange(60)}" for _ in range(3000)]
    native = ScannerIds(NativeScanner(PLAN, window))
    python = RecentIds(window)
    python_verdicts = [python.seen(i) for i in ids]
    native_verdicts = [native.seen(i) for i in ids]
    assert native_verdicts == python_verdicts
    assert any(python_verdicts) == (window > 0)


def test_scanner_hands_back_a_duplicate_and_python_reports_it(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b"\n".join([line(), line(), line(messageId="m2")]) + b"\n")
    findings = tmp_path / "findings.jsonl"
    report = validate_files(PLAN, [str(dump)], outputs=Outputs(findings=str(findings)))
    codes = [d.code for d in report.diagnostics()]
    assert "EN205" in codes
    group = next(d for d in report.diagnostics() if d.code == "EN205")
    assert group.location.line == 2 and group.data["count"] == 1


# -- tables ---------------------------------------------------------------------------------------


def test_bad_tables_raise_instead_of_crashing() -> None:
    from tracking_plan.validate import _scan

    dfa = (b"\xff\xff\xff\xff" * 128, b"\x01", 0)
    with pytest.raises(ValueError, match="date_time"):
        _scan.Scanner([], [dfa], [], 3, 10)
    with pytest.raises(ValueError, match="DFA"):
        _scan.Scanner([], [(b"\x00" * 12, b"\x01", 0)], [], 0, 10)
    node = node_spec(T_OBJ, fields=((b"k", 7, True),))  # node 7 does not exist
    with pytest.raises(ValueError, match="missing node"):
        _scan.Scanner([node], [dfa], [], 0, 10)
    route = (0, b"E", -1, False, -1, False, 0)
    with pytest.raises(ValueError, match="same key"):
        _scan.Scanner([], [dfa], [route, route], 0, 10)
    with pytest.raises(TypeError):
        _scan.Scanner([("not", "a", "node")], [dfa], [], 0, 10)


def test_definitions_it_cannot_decide_are_left_to_python() -> None:
    plan = Plan(
        name="p",
        events=(
            Definition(
                call=CallType.TRACK,
                name="A",
                properties=(Property(name="v", types=("string",), pattern=r"\bword"),),
            ),
            Definition(
                call=CallType.TRACK,
                name="B",
                properties=(Property(name="v", types=("array",), unique_items=True),),
            ),
            Definition(call=CallType.TRACK, name="C"),
        ),
    )
    scanner = NativeScanner(plan, window=0)
    assert [r.key for r in scanner.routes if r.judged] == [("track", "C")]
    assert len(scanner.routes) == 3  # the others are still routes: their records are planned


# -- whole runs: the same report with and without the scanner -----------------------------------


def _report(
    plan: Plan, paths: list[str], monkeypatch: pytest.MonkeyPatch, native: bool, **kwargs: Any
) -> list[dict[str, Any]]:
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")
    report = validate_files(plan, paths, **kwargs)
    return [d.to_dict() for d in report.diagnostics()] + [
        {"records": report.records, "invalid": report.invalid}
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_sample_dump_gives_the_same_report(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    plan = load_plan(SHOP_PLAN)
    with_native = _report(plan, [str(SAMPLE)], monkeypatch, True, jobs=jobs)
    without = _report(plan, [str(SAMPLE)], monkeypatch, False, jobs=jobs)
    assert with_native == without
    assert with_native[-1]["records"] > 300


def test_awkward_file_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = {"batch": [message(messageId="b1"), message(messageId="b2", event="Nope")]}
    dump = tmp_path / "awkward.jsonl"
    dump.write_bytes(
        b"\xef\xbb\xbf"
        + b"\r\n".join(
            [
                line(),
                b"",
                line(messageId="m2", properties={"order_id": "bad"}),
                json.dumps(batch).encode(),
                b"not json",
                line(messageId="m3").replace(b"u1", b"\xff"),
                line(),  # a duplicate of the first
                b"   ",
                line(messageId="m4", properties={"order_id": "o1", "revenue": 1, "note": "n"}),
            ]
        )
    )
    findings = tmp_path / "f.jsonl"
    with_native = _report(PLAN, [str(dump)], monkeypatch, True)
    outputs = Outputs(findings=str(findings))
    without = _report(PLAN, [str(dump)], monkeypatch, False, outputs=outputs)
    assert with_native == without
    lines = {json.loads(x)["location"]["line"] for x in findings.read_text().splitlines()}
    assert lines == {3, 4, 5, 6, 7}


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_jobs_find_duplicates_across_parts_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_bytes(b"\n".join(line(messageId=f"a{i}") for i in range(60)) + b"\n")
    repeats = [line(messageId="a0"), line(messageId="b5")]
    second.write_bytes(b"\n".join([line(messageId=f"b{i}") for i in range(60)] + repeats))
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")
    paths = [str(first), str(second)]
    for jobs in (1, 2, 3):
        report = validate_files(PLAN, paths, jobs=jobs)
        duplicates = [d for d in report.diagnostics() if d.code == "EN205"]
        assert [d.data["count"] for d in duplicates] == [2], jobs
        assert report.records == 122


def test_date_time_values_outside_rfc_3339_are_explained() -> None:
    plan = Plan(
        name="p",
        events=(
            Definition(
                call=CallType.TRACK,
                name="Order Completed",
                properties=(Property(name="at", types=("string",), formats=("date-time",)),),
            ),
        ),
    )

    def at(value: str) -> str:
        return scan_one(line(properties={"at": value}), plan)

    assert at("2024-10-30T04:47:43.5Z") == "accepted"
    assert at("2024-10-30 04:47:43") == "explained"  # not RFC 3339 in any reading
    assert at("2024-02-29T00:00:00Z") == "handed back"  # a leap day: Python checks the date
    assert at("2024-13-01T00:00:00Z") == "handed back"  # looks like one: Python decides


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_the_missing_id_may_be_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool
) -> None:
    """Segment's SDKs send the id they do not have as null (segment-analytics-python does)."""
    dump = tmp_path / "ids.jsonl"
    dump.write_bytes(
        b"\n".join(
            [
                line(userId="u1", anonymousId=None).replace(
                    b'"userId"', b'"anonymousId":null,"userId"'
                ),
                line(messageId="m2", userId=None, anonymousId="a1").replace(
                    b'"anonymousId"', b'"userId":null,"anonymousId"'
                ),
                line(messageId="m3", userId=None).replace(
                    b'"messageId"', b'"userId":null,"messageId"'
                ),
            ]
        )
    )
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")
    report = validate_files(PLAN, [str(dump)])
    assert (report.records, report.invalid) == (3, 1)
    assert [d.code for d in report.diagnostics() if d.code.startswith("EN")] == ["EN203"]


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_a_record_nested_hundreds_deep_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool
) -> None:
    dump = tmp_path / "deep.jsonl"
    deep = json.loads("[" * 300 + "]" * 300)
    dump.write_text(json.dumps(message(properties={"order_id": "o1", "note": deep})) + "\n")
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")
    report = validate_files(PLAN, [str(dump)])
    assert (report.records, report.invalid) == (1, 1)
    assert "nested too deeply" in report.diagnostics()[0].message


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ('"\\ud83d\\ude00"', '"\\ud83d\\ude00"'),  # how json.dumps writes an emoji
        ('"\\ud83d\\ude00"', '"\U0001f600"'),
        ('"\U0001f600"', '"\\ud83d\\ude00"'),
        ('"a\\/b"', '"a/b"'),
        ('"\\u0041"', '"A"'),
    ],
    ids=["both-escaped", "escaped-first", "escaped-later", "solidus", "ascii"],
)
def test_jobs_find_a_duplicate_id_however_it_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool, earlier: str, later: str
) -> None:
    """The messageIds before a part are read from raw JSON: the id is compared as text."""
    dump = tmp_path / "ids.jsonl"
    first = line(messageId="ID").replace(b'"ID"', earlier.encode())
    last = line(messageId="ID").replace(b'"ID"', later.encode())
    others = [line(messageId=f"m{i}") for i in range(200)]
    dump.write_bytes(b"\n".join([first, *others, last]) + b"\n")
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")

    reports = [validate_files(PLAN, [str(dump)], jobs=jobs) for jobs in (1, 2)]

    assert len(split_ranges(str(dump), 2)) == 2
    one, two = ([d.to_dict() for d in report.diagnostics()] for report in reports)
    assert one == two
    assert [d["data"]["count"] for d in one if d["code"] == "EN205"] == [1]


def test_the_scanner_and_python_share_their_constants() -> None:
    from tracking_plan.compiler.jsonschema import MAX_MESSAGE_ID_LENGTH
    from tracking_plan.validate import _scan, scan_specs

    exported = {name: getattr(_scan, name) for name in dir(_scan) if name.isupper()}
    assert exported == scan_specs.SHARED
    assert len(scan_specs.NodeSpec._fields) == _scan.NODE_FIELDS
    assert len(scan_specs.RouteSpec._fields) == _scan.ROUTE_FIELDS
    assert scan_specs.MAX_MESSAGE_ID == MAX_MESSAGE_ID_LENGTH


def test_node_spec_writes_an_absent_keyword_as_the_scanner_expects() -> None:
    from tracking_plan.validate import scan_specs

    node = node_spec(scan_specs.T_STR, max_len=3, bounds=(0.0, None, None, 1.5))
    assert isinstance(node, scan_specs.NodeSpec)
    assert (node.min_len, node.max_len, node.minimum, node.exclusive_maximum) == (-1, 3, 0.0, 1.5)
    assert (node.dfa1, node.items, node.min_items, node.fields) == (-1, -1, -1, None)
