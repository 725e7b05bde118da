"""Tests for `tracking_plan.validate`: recorded events checked against a plan, at library level.

Every test writes real files (a small YAML plan, event dumps) under `tmp_path` and calls
`validate_files` as the CLI does. Per-record findings are read back from the `findings` output
(one JSON diagnostic per line), so each assertion can name the record's line.
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, SHOP_PLAN

from tracking_plan import load_plan
from tracking_plan.diagnostics import Diagnostic, Severity
from tracking_plan.model import Plan
from tracking_plan.validate import Outputs, ValidateOptions, ValidationReport, validate_files
from tracking_plan.validate.inputs import split_ranges

SAMPLE = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"

PLAN = """\
plan: probe
version: 1.0.0
unplanned_events: {events}
unplanned_properties: {properties}
context:
  app.version: {{type: string, required: true}}
events:
  Order Completed:
    description: An order was placed.
    properties:
      order_id: {{type: string, required: true, pattern: "^ord_[0-9]{{3}}$"}}
      revenue: {{type: number, minimum: 0}}
      currency: {{type: string, enum: [USD, EUR]}}
      coupon: {{type: string, min_length: 2, max_length: 5}}
      placed_at: {{type: date-time}}
      email: {{type: email}}
      session: {{type: uuid}}
      note: {{type: string}}
      skus: {{type: array, items: {{type: string}}, unique_items: true}}
      shipping:
        type: object
        properties:
          city: {{type: string}}
  Checkout Button Tapped:
    description: Old checkout button.
    status: deprecated
identify:
  unplanned_traits: warn
  traits:
    email: {{type: email}}
"""


def make_plan(tmp_path: Path, events: str = "forbid", properties: str = "forbid") -> Plan:
    path = tmp_path / f"plan-{events}-{properties}.yaml"
    path.write_text(PLAN.format(events=events, properties=properties), encoding="utf-8")
    return load_plan(path)


_ids = itertools.count(1)


def message(**fields: Any) -> dict[str, Any]:
    """A valid `Order Completed` track call; keyword arguments replace fields (None removes)."""
    base: dict[str, Any] = {
        "type": "track",
        "event": "Order Completed",
        "userId": "usr_1",
        "messageId": f"msg-{next(_ids)}",
        "timestamp": "2024-01-01T00:00:00.000Z",
        "sentAt": "2024-01-01T00:00:01.000Z",
        "context": {"app": {"version": "1.0.0"}},
        "properties": {"order_id": "ord_123"},
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def order(**properties: Any) -> dict[str, Any]:
    """An `Order Completed` call with these properties besides a valid order_id."""
    return message(properties={"order_id": "ord_123", **properties})


@dataclass
class Run:
    report: ValidationReport
    findings: list[dict[str, Any]]  # per-record diagnostics, as the findings output has them
    valid: list[bytes]
    invalid: list[bytes]

    def at(self, line: int) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["location"]["line"] == line]

    def codes(self, line: int) -> list[str]:
        return sorted(f["code"] for f in self.at(line))

    def groups(self, code: str) -> list[Diagnostic]:
        return [d for d in self.report.diagnostics() if d.code == code]

    def drift(self, code: str) -> list[Diagnostic]:
        return [d for d in self.report.drift if d.code == code]


def lines_of(records: Iterable[dict[str, Any] | str]) -> bytes:
    return b"".join((r if isinstance(r, str) else json.dumps(r)).encode() + b"\n" for r in records)


def run_paths(plan: Plan, inputs: list[str], out: Path, *, jobs: int = 1, **options: Any) -> Run:
    out.mkdir(parents=True, exist_ok=True)
    outputs = Outputs(
        valid=str(out / "valid.jsonl"),
        invalid=str(out / "invalid.jsonl"),
        findings=str(out / "findings.jsonl"),
    )
    report = validate_files(
        plan, inputs, jobs=jobs, options=ValidateOptions(**options), outputs=outputs
    )
    findings = [
        json.loads(line)
        for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return Run(
        report,
        findings,
        (out / "valid.jsonl").read_bytes().splitlines(),
        (out / "invalid.jsonl").read_bytes().splitlines(),
    )


def run(
    plan: Plan,
    records: Iterable[dict[str, Any] | str],
    tmp_path: Path,
    *,
    jobs: int = 1,
    **options: Any,
) -> Run:
    """Validate these records, one a line, written to `tmp_path/events.jsonl`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "events.jsonl"
    path.write_bytes(lines_of(records))
    return run_paths(plan, [str(path)], tmp_path / "out", jobs=jobs, **options)


def only_finding(result: Run, line: int, code: str) -> dict[str, Any]:
    found = result.at(line)
    assert [f["code"] for f in found] == [code], found
    return found[0]


# -- per-event codes ------------------------------------------------------------------------------

EVENT_CASES = [
    # (id, record, code, pointer, fragments the message must hold: the rule and the value)
    ("EV102", order(extra=1), "EV102", "/properties/extra", ["not in the plan"]),
    (
        "EV102-nested",
        order(shipping={"city": "Oslo", "zip": "0150"}),
        "EV102",
        "/properties/shipping/zip",
        ["not in the plan"],
    ),
    ("EV103", message(properties={}), "EV103", "/properties/order_id", ["required", "missing"]),
    ("EV104", order(revenue="19.99"), "EV104", "/properties/revenue", ["number", '"19.99"']),
    ("EV105", order(currency="usd"), "EV105", "/properties/currency", ['"usd"', '"USD"', "EUR"]),
    (
        "EV106",
        message(properties={"order_id": "ord_abc"}),
        "EV106",
        "/properties/order_id",
        ['"ord_abc"', "^ord_[0-9]{3}$"],
    ),
    ("EV107", order(revenue=-1), "EV107", "/properties/revenue", ["-1", "minimum 0"]),
    ("EV108", order(coupon="abcdefg"), "EV108", "/properties/coupon", ['"abcdefg"', "5"]),
    (
        "EV109-date-time",
        order(placed_at="yesterday"),
        "EV109",
        "/properties/placed_at",
        ['"yesterday"', "date-time"],
    ),
    ("EV109-email", order(email="nobody"), "EV109", "/properties/email", ['"nobody"', "email"]),
    (
        "EV109-uuid",
        order(session="not-a-uuid"),
        "EV109",
        "/properties/session",
        ['"not-a-uuid"', "uuid"],
    ),
    ("EV110", order(note=None), "EV110", "/properties/note", ["string", "null"]),
    ("EV111", order(skus=["a", "a"]), "EV111", "/properties/skus", ['["a", "a"]', "repeated"]),
    (
        "EV112",
        message(context={"app": {"build": "42"}}),
        "EV112",
        "/context/app/version",
        ["required", "missing"],
    ),
]


@pytest.mark.parametrize(
    ("record", "code", "pointer", "fragments"),
    [case[1:] for case in EVENT_CASES],
    ids=[case[0] for case in EVENT_CASES],
)
def test_event_code_with_pointer_and_message(
    tmp_path: Path, record: dict[str, Any], code: str, pointer: str, fragments: list[str]
) -> None:
    result = run(make_plan(tmp_path), [message(), record], tmp_path)
    assert result.codes(1) == []
    finding = only_finding(result, 2, code)
    assert finding["severity"] == "error"
    assert finding["location"]["pointer"] == pointer
    assert finding["location"]["file"].endswith("events.jsonl")
    for fragment in fragments:
        assert fragment in finding["message"], finding["message"]
    assert (result.report.records, result.report.invalid) == (2, 1)
    assert len(result.invalid) == 1 and json.loads(result.invalid[0]) == record
    [group] = result.groups(code)
    assert group.location.pointer == pointer
    assert group.data["count"] == 1
    assert group.data["samples"][0]["line"] == 2


@pytest.mark.parametrize(
    ("policy", "severity"), [("forbid", "error"), ("warn", "warning"), ("allow", None)]
)
def test_unplanned_event_follows_the_policy(
    tmp_path: Path, policy: str, severity: str | None
) -> None:
    plan = make_plan(tmp_path, events=policy)
    result = run(plan, [message(event="Order Complete")], tmp_path)
    if severity is None:
        assert result.findings == []
        assert [d for d in result.report.diagnostics() if not d.code.startswith("DR")] == []
        assert result.report.invalid == 0
        return
    finding = only_finding(result, 1, "EV100")
    assert finding["severity"] == severity
    assert finding["location"]["pointer"] == "/event"
    assert "'Order Complete'" in finding["message"]
    assert "did you mean 'Order Completed'" in finding["message"]
    assert finding["suggestion"] == "Order Completed"
    assert result.report.invalid == (1 if severity == "error" else 0)
    [group] = result.groups("EV100")
    assert group.severity.label == severity
    assert group.suggestion == "Order Completed"


@pytest.mark.parametrize(
    ("policy", "severity"), [("forbid", "error"), ("warn", "warning"), ("allow", None)]
)
def test_unplanned_property_follows_the_policy(
    tmp_path: Path, policy: str, severity: str | None
) -> None:
    plan = make_plan(tmp_path, properties=policy)
    records = [order(extra=1), order(shipping={"city": "Oslo", "zip": "0150"})]
    result = run(plan, records, tmp_path)
    if severity is None:
        assert result.findings == []
        assert result.report.invalid == 0
        return
    for line, pointer in ((1, "/properties/extra"), (2, "/properties/shipping/zip")):
        finding = only_finding(result, line, "EV102")
        assert finding["severity"] == severity
        assert finding["location"]["pointer"] == pointer
        assert f"{pointer} is not in the plan" in finding["message"]
    assert result.report.invalid == (2 if severity == "error" else 0)


def test_unplanned_trait_on_identify_is_a_warning(tmp_path: Path) -> None:
    identify = message(
        type="identify", event=None, properties=None, traits={"email": "a@b.example", "shoe": 42}
    )
    result = run(make_plan(tmp_path), [identify], tmp_path)
    finding = only_finding(result, 1, "EV113")
    assert finding["severity"] == "warning"
    assert finding["location"]["pointer"] == "/traits/shoe"
    assert "/traits/shoe is not in the plan" in finding["message"]
    assert result.report.invalid == 0
    assert result.valid == [lines_of([identify]).rstrip(b"\n")]
    assert result.report.stats.definitions["identify"].warned == 1


def test_deprecated_event_is_a_warning_and_the_record_stays_valid(tmp_path: Path) -> None:
    record = message(event="Checkout Button Tapped", properties={})
    result = run(make_plan(tmp_path), [record], tmp_path)
    finding = only_finding(result, 1, "EV114")
    assert finding["severity"] == "warning"
    assert "'Checkout Button Tapped' is deprecated" in finding["message"]
    assert result.report.invalid == 0
    assert len(result.valid) == 1 and result.invalid == []
    [group] = result.groups("EV114")
    assert group.severity is Severity.WARNING
    assert result.report.worst() is Severity.WARNING


# -- envelope -----------------------------------------------------------------------------------


def test_lines_that_are_not_message_objects(tmp_path: Path) -> None:
    result = run(make_plan(tmp_path), ["not json {", "[1, 2]", message()], tmp_path)
    first = only_finding(result, 1, "EN200")
    assert first["message"] == "not valid JSON: Expecting value at column 2"  # "n" may be null
    second = only_finding(result, 2, "EN200")
    assert "array" in second["message"] and "not a message object" in second["message"]
    assert result.codes(3) == []
    assert (result.report.records, result.report.invalid) == (3, 2)
    assert result.invalid == [b"not json {", b"[1, 2]"]


def test_message_over_32_kb(tmp_path: Path) -> None:
    big = order(note="x" * 33_000)
    result = run(make_plan(tmp_path), [big], tmp_path)
    finding = only_finding(result, 1, "EN201")
    assert finding["severity"] == "error"
    size = len(json.dumps(big).encode())
    assert f"{size:,} bytes" in finding["message"] and "32 KB" in finding["message"]
    assert result.report.invalid == 1


@pytest.mark.parametrize(
    ("record", "code", "pointer", "fragment"),
    [
        (message(userId=None), "EN203", None, "neither userId nor anonymousId"),
        (message(userId=""), "EN203", "/userId", '""'),
        (message(event=None), "EN204", "/event", "no event name"),
        (message(messageId=None), "EN205", "/messageId", "no messageId"),
        (message(messageId="m" * 101), "EN205", "/messageId", "1 to 100 characters"),
        (message(type="bogus"), "EN206", "/type", '"bogus"'),
        (message(timestamp="yesterday"), "EN207", "/timestamp", '"yesterday"'),
    ],
    ids=["EN203", "EN203-empty", "EN204", "EN205-missing", "EN205-101", "EN206", "EN207"],
)
def test_envelope_errors(
    tmp_path: Path, record: dict[str, Any], code: str, pointer: str | None, fragment: str
) -> None:
    result = run(make_plan(tmp_path), [record], tmp_path)
    found = [f for f in result.at(1) if f["code"] == code]
    assert found, result.findings
    errors = [f for f in found if f["severity"] == "error"]
    assert errors, found
    assert errors[0]["location"]["pointer"] == pointer
    assert fragment in errors[0]["message"], errors[0]["message"]
    assert result.report.invalid == 1


def test_a_timestamp_sent_after_the_message_is_a_warning(tmp_path: Path) -> None:
    fields = {"timestamp": "2024-01-02T00:00:00.000Z", "sentAt": "2024-01-01T00:00:00.000Z"}
    result = run(make_plan(tmp_path), [message(**fields)], tmp_path)
    finding = only_finding(result, 1, "EN207")
    assert finding["severity"] == "warning"
    assert finding["location"]["pointer"] == "/timestamp"
    assert "after it was sent" in finding["message"]
    assert result.report.invalid == 0


def test_local_utc_offsets_are_valid(tmp_path: Path) -> None:
    """Python's, Ruby's and Go's SDKs send local time with its offset by default."""
    records = [
        message(timestamp="2024-01-01T01:00:00.000+01:00", sentAt=None),
        message(timestamp="2023-12-31T17:00:00-07:00", sentAt="2024-01-01T00:00:01Z"),
        message(timestamp="2024-01-01T05:30:00.123456+05:30"),
    ]
    result = run(make_plan(tmp_path), records, tmp_path)
    assert result.findings == []
    assert result.report.invalid == 0


@pytest.mark.parametrize(
    ("timestamp", "fragment"),
    [
        ("2024-01-01T01:00:00-0700", "is ISO 8601 but not RFC 3339, which JSON Schema's"),
        ("2024-01-01T01:00:00+01", "with a colon (+01:00)"),
        ("2024-01-01T01:00:00.000", "is ISO 8601 but has no UTC offset"),
        ("yesterday", 'is not an RFC 3339 date-time such as "2024-01-31T23:59:59.123Z"'),
        (1704067200, "must be an RFC 3339 date-time string, got integer 1704067200"),
    ],
)
def test_a_timestamp_that_is_not_rfc_3339_says_what_it_is(
    tmp_path: Path, timestamp: Any, fragment: str
) -> None:
    result = run(make_plan(tmp_path), [message(timestamp=timestamp)], tmp_path)
    finding = only_finding(result, 1, "EN207")
    assert finding["severity"] == "error"
    assert fragment in finding["message"], finding["message"]


def test_batch_sent_at_applies_to_its_items(tmp_path: Path) -> None:
    """Server and mobile SDKs set sentAt on the batch, not on each message."""
    item = message(timestamp="2024-01-09T00:00:00.000Z", sentAt=None)
    batch = {"batch": [item, message(sentAt=None)], "sentAt": "2024-01-01T00:00:01.000Z"}
    result = run(make_plan(tmp_path), [batch], tmp_path)
    [finding] = result.findings
    assert finding["code"] == "EN207" and "after it was sent" in finding["message"]
    assert result.report.records == 2 and result.report.invalid == 0


@pytest.mark.parametrize(
    ("properties", "code", "fragment"),
    [
        ({"currency": 5}, "EV104", "expected string, got integer 5"),
        ({"currency": None}, "EV110", "expected string, got null"),
        ({"order_id": 7}, "EV104", "got integer 7"),
        ({"coupon": ["a"]}, "EV104", "got array"),
    ],
)
def test_one_cause_one_finding(
    tmp_path: Path, properties: dict[str, Any], code: str, fragment: str
) -> None:
    """A value of the wrong type fails its type, not also its enum, pattern or length."""
    result = run(make_plan(tmp_path), [order(**properties)], tmp_path)
    finding = only_finding(result, 1, code)
    assert fragment in finding["message"], finding["message"]
    assert "null null" not in finding["message"]


def test_a_user_id_that_is_not_a_string_is_one_finding(tmp_path: Path) -> None:
    result = run(make_plan(tmp_path), [message(userId=5)], tmp_path)
    finding = only_finding(result, 1, "EN203")
    assert finding["message"] == "/userId must be a non-empty string, got 5"


def test_duplicate_message_id_is_a_warning(tmp_path: Path) -> None:
    records = [message(messageId="same"), message(), message(messageId="same")]
    result = run(make_plan(tmp_path), records, tmp_path)
    assert result.codes(1) == [] and result.codes(2) == []
    finding = only_finding(result, 3, "EN205")
    assert finding["severity"] == "warning"
    assert "'same' was already seen" in finding["message"]
    assert result.report.invalid == 0
    assert len(result.valid) == 3


def test_an_invalid_timestamp_is_reported_once(tmp_path: Path) -> None:
    result = run(make_plan(tmp_path), [message(timestamp="yesterday")], tmp_path)
    assert [(f["code"], f["severity"]) for f in result.at(1)] == [("EN207", "error")]


def test_an_error_and_a_warning_of_one_code_keep_their_severities(tmp_path: Path) -> None:
    records = [message(messageId="same"), message(messageId="same"), message(messageId="m" * 101)]
    result = run(make_plan(tmp_path), records, tmp_path)
    assert result.report.invalid == 1
    assert result.report.worst() is Severity.ERROR
    severities = Counter((d.severity.label, d.data["count"]) for d in result.groups("EN205"))
    assert severities == Counter({("warning", 1): 1, ("error", 1): 1})


# -- drift ------------------------------------------------------------------------------------


def test_drift_across_the_input(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, properties="warn")
    records = [order(revenue=10, currency="USD") for _ in range(8)]
    records += [order(revenue="10.00") for _ in range(2)]  # invalid, but they count for DR301
    records += [order(orderId="ord_123") for _ in range(2)]
    records += [message(event="order_completed") for _ in range(3)]
    result = run(plan, records, tmp_path)
    assert (result.report.records, result.report.invalid) == (15, 5)

    by_property = {d.data["property"]: d for d in result.drift("DR300")}
    revenue = by_property["revenue"]
    assert revenue.severity is Severity.INFO
    assert revenue.data["missing_share"] == pytest.approx(2 / 12, abs=1e-4)
    assert revenue.data["records"] == 12
    assert "'revenue' of 'Order Completed' is missing in 16.7% of 12 records" in revenue.message
    assert by_property["currency"].data["missing_share"] == pytest.approx(4 / 12, abs=1e-4)
    assert "order_id" not in by_property  # present everywhere

    [types] = result.drift("DR301")
    assert types.data["property"] == "revenue"
    assert types.data["types"] == {"number": 0.8, "string": 0.2}
    assert "number 80.0%, string 20.0%" in types.message

    [names] = result.drift("DR305")
    assert names.suggestion == "Order Completed"
    assert names.data == {"observed": "order_completed", "planned": "Order Completed", "records": 3}
    assert "3 records send 'order_completed'" in names.message
    assert names.location.line == 13

    [props] = result.drift("DR306")
    assert props.suggestion == "order_id"
    assert props.data["observed"] == "orderId" and props.data["records"] == 2
    assert props.location.pointer == "/properties/orderId" and props.location.line == 11

    unseen = {d.data["definition"] for d in result.drift("DR304")}
    assert unseen == {"Checkout Button Tapped"}
    [dr304] = result.drift("DR304")
    assert dr304.severity is Severity.INFO
    assert "'Checkout Button Tapped' never appears" in dr304.message


def test_no_drift_when_turned_off(tmp_path: Path) -> None:
    records = [message() for _ in range(3)]
    result = run(make_plan(tmp_path), records, tmp_path, drift=False)
    assert result.report.drift == []


def test_share_of_a_missing_property_counts_each_record_once(tmp_path: Path) -> None:
    records = [order(revenue=1) for _ in range(9)]
    records += [message(context={}) for _ in range(3)]
    result = run(make_plan(tmp_path), records, tmp_path)
    assert (result.report.records, result.report.invalid) == (12, 3)
    [revenue] = [d for d in result.drift("DR300") if d.data["property"] == "revenue"]
    assert revenue.data["records"] == 12
    assert revenue.data["missing_share"] == 0.25


# -- counts and options ---------------------------------------------------------------------------


def test_counts_per_definition(tmp_path: Path) -> None:
    records = [
        message(),
        message(properties={}),
        order(extra=1),
        message(event="Checkout Button Tapped", properties={}),
        message(type="identify", event=None, properties=None, traits={"email": "a@b.c"}),
    ]
    result = run(make_plan(tmp_path, properties="warn"), records, tmp_path)
    report = result.report
    assert (report.records, report.invalid, report.stats.problems) == (5, 1, 0)
    order_stats = report.stats.definitions["Order Completed"]
    assert (order_stats.records, order_stats.invalid, order_stats.warned) == (3, 1, 1)
    tapped = report.stats.definitions["Checkout Button Tapped"]
    assert (tapped.records, tapped.invalid, tapped.warned) == (1, 0, 1)
    assert report.stats.definitions["identify"].records == 1


def test_only_keeps_the_records_of_those_events_in_the_out_files(tmp_path: Path) -> None:
    identify = message(type="identify", event=None, properties=None, traits={"email": "a@b.c"})
    records = [message(), identify, message(properties={}), message(type="identify")]
    result = run(make_plan(tmp_path), records, tmp_path, only=frozenset({"Order Completed"}))
    assert [json.loads(r)["type"] for r in result.valid + result.invalid] == ["track", "track"]
    assert {f["data"]["definition"] for f in result.findings} == {"Order Completed"}


def test_only_restricts_the_report(tmp_path: Path) -> None:
    identify = message(type="identify", event=None, properties=None, traits={"email": "no"})
    records = [message(), identify, message(properties={})]
    result = run(make_plan(tmp_path), records, tmp_path, only=frozenset({"Order Completed"}))
    assert (result.report.records, result.report.invalid) == (2, 1)
    assert set(result.report.stats.definitions) == {"Order Completed"}
    assert {d.data.get("definition") for d in result.report.diagnostics()} <= {"Order Completed"}


def test_ignore_drops_codes_and_prefixes(tmp_path: Path) -> None:
    records = [
        message(event="Checkout Button Tapped", properties={}),
        message(properties={}),
        message(messageId=None),
    ]
    plan = make_plan(tmp_path)
    result = run(plan, records, tmp_path, ignore=("EV114", "EN2"))
    assert [f["code"] for f in result.findings] == ["EV103"]
    assert {d.code for d in result.report.diagnostics() if not d.code.startswith("DR")} == {"EV103"}
    # An ignored error no longer makes its record invalid.
    assert (result.report.records, result.report.invalid) == (3, 1)


def test_ignore_drops_drift_codes_too(tmp_path: Path) -> None:
    result = run(make_plan(tmp_path), [message()], tmp_path, ignore=("DR304",))
    assert result.drift("DR304") == []


def test_max_samples_caps_samples_not_counts(tmp_path: Path) -> None:
    records = [message(properties={}) for _ in range(5)]
    result = run(make_plan(tmp_path), records, tmp_path, max_samples=2)
    [group] = result.groups("EV103")
    assert group.data["count"] == 5
    assert [s["line"] for s in group.data["samples"]] == [1, 2]
    assert len(result.findings) == 5


# -- inputs -------------------------------------------------------------------------------------


def test_array_batch_gzip_and_jsonl_in_one_call(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    array = tmp_path / "array.json"
    array.write_text(json.dumps([message(), message(properties={})], indent=2), encoding="utf-8")
    batch = tmp_path / "batch.json"
    item = message(context=None)
    batch.write_text(
        json.dumps({"batch": [item], "context": {"app": {"version": "2.0"}}}), encoding="utf-8"
    )
    zipped = tmp_path / "events.jsonl.gz"
    zipped.write_bytes(gzip.compress(lines_of([message(), "garbage", message(event="Nope")])))
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(lines_of([message()]))
    inputs = [str(p) for p in (array, batch, zipped, plain)]
    result = run_paths(plan, inputs, tmp_path / "out")

    report = result.report
    assert (report.records, report.invalid, report.stats.problems) == (7, 3, 0)
    where = sorted(
        (Path(f["location"]["file"]).name, f["location"]["line"], f["code"])
        for f in result.findings
    )
    # A record of the pretty-printed array is reported at the line where its element starts.
    text = array.read_text(encoding="utf-8").splitlines()
    element_line = [n for n, line in enumerate(text, 1) if line == "  {"][1]
    assert where == [
        ("array.json", element_line, "EV103"),
        ("events.jsonl.gz", 2, "EN200"),
        ("events.jsonl.gz", 3, "EV100"),
    ]
    # The batch item took the batch's context, so it is valid.
    batch_records = [json.loads(r) for r in result.valid if b'"2.0"' in r]
    assert len(batch_records) == 1 and batch_records[0]["messageId"] == item["messageId"]


def test_a_bad_line_does_not_stop_the_rest(tmp_path: Path) -> None:
    cut = '{"type": "track", "event": '
    records: list[dict[str, Any] | str] = [message(), cut, message(properties={}), message()]
    result = run(make_plan(tmp_path), records, tmp_path)
    assert result.codes(2) == ["EN200"] and result.codes(3) == ["EV103"]
    assert (result.report.records, result.report.invalid) == (4, 2)
    assert result.report.stats.definitions["Order Completed"].records == 3


def test_a_truncated_gzip_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(SAMPLE.read_bytes())
    path.write_bytes(whole[: len(whole) // 2])
    result = run_paths(load_plan(SHOP_PLAN), [str(path)], tmp_path / "out")
    assert result.report.stats.problems == 1
    assert 0 < result.report.records < 309
    [problem] = result.groups("EN200")
    assert "truncated" in problem.message


# -- the bundled sample dump ----------------------------------------------------------------------

PROBLEM_CODES = {
    "naming_drift": ["EV100"],
    "property_name_drift": ["EV102", "EV103"],
    "revenue_string": ["EV104"],
    "required_missing": ["EV103"],
    "enum_violation": ["EV105"],
    "out_of_range": ["EV107"],
    "unplanned_event": ["EV100"],
    "missing_identity": ["EN203"],
    "duplicate_message_id": ["EN205"],
    "deprecated_event": ["EV114"],
    "context_missing": ["EV112"],
}
WARNING_KINDS = {"duplicate_message_id", "deprecated_event"}


@pytest.fixture(scope="module")
def problems() -> dict[str, list[int]]:
    """Which lines of the sample dump carry which deliberate problem, from the generator."""
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "make_sample_events.py"), "--summary"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(completed.stdout)
    assert summary["messages"] == 309
    assert set(summary["problems"]) == set(PROBLEM_CODES)
    return {kind: entry["lines"] for kind, entry in summary["problems"].items()}


@pytest.fixture(scope="module")
def shop() -> Plan:
    return load_plan(SHOP_PLAN)


@pytest.fixture(scope="module")
def sample_run(shop: Plan, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_paths(shop, [str(SAMPLE)], tmp_path_factory.mktemp("sample"))


def test_the_sample_dump_has_exactly_the_deliberate_problems(
    sample_run: Run, problems: dict[str, list[int]]
) -> None:
    expected = {
        (code, line)
        for kind, lines in problems.items()
        for line in lines
        for code in PROBLEM_CODES[kind]
    }
    found = {(f["code"], f["location"]["line"]) for f in sample_run.findings}
    assert found == expected
    invalid_lines = {
        line for kind, lines in problems.items() if kind not in WARNING_KINDS for line in lines
    }
    assert sample_run.report.records == 309
    assert sample_run.report.invalid == len(invalid_lines) == 25

    [drift] = [d for d in sample_run.drift("DR305") if d.data["observed"] == "completed_order"]
    assert drift.suggestion == "Order Completed"
    assert drift.data["records"] == len(problems["naming_drift"])
    [renamed] = sample_run.drift("DR306")
    assert (renamed.data["observed"], renamed.suggestion) == ("orderId", "order_id")
    assert renamed.data["records"] == len(problems["property_name_drift"])
    assert "3 'Order Completed' records send 'orderId'" in renamed.message
    revenue = [f for f in sample_run.findings if f["code"] == "EV104"]
    assert {f["location"]["pointer"] for f in revenue} == {"/properties/revenue"}
    assert all("expected number, got string" in f["message"] for f in revenue)


def test_out_files_split_the_sample_unchanged(
    sample_run: Run, problems: dict[str, list[int]]
) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    invalid_lines = sorted(
        line for kind, found in problems.items() if kind not in WARNING_KINDS for line in found
    )
    assert sample_run.invalid == [lines[n - 1] for n in invalid_lines]
    assert sample_run.valid == [
        text for n, text in enumerate(lines, 1) if n not in set(invalid_lines)
    ]
    assert Counter(sample_run.valid + sample_run.invalid) == Counter(lines)


def _groups(report: ValidationReport) -> Counter[tuple[Any, ...]]:
    return Counter(
        (d.code, d.severity, d.data.get("definition"), d.location.pointer, d.data.get("count"))
        for d in report.diagnostics()
    )


def test_two_jobs_give_the_same_report_and_out_files(
    shop: Plan, sample_run: Run, tmp_path: Path
) -> None:
    assert len(split_ranges(str(SAMPLE), 2)) == 2  # the parallel path is taken
    parallel = run_paths(shop, [str(SAMPLE)], tmp_path / "out", jobs=2)
    assert (parallel.report.records, parallel.report.invalid) == (309, 25)
    assert _groups(parallel.report) == _groups(sample_run.report)
    assert [d.message for d in parallel.report.drift] == [
        d.message for d in sample_run.report.drift
    ]
    for name in sample_run.report.stats.definitions:
        mine = parallel.report.stats.definitions[name]
        theirs = sample_run.report.stats.definitions[name]
        assert (mine.records, mine.invalid, mine.warned) == (
            theirs.records,
            theirs.invalid,
            theirs.warned,
        ), name
    # Parts are written in input order, so the out files are the same bytes.
    assert parallel.valid == sample_run.valid
    assert parallel.invalid == sample_run.invalid
    key = lambda f: (f["location"]["line"], f["code"], f["message"])  # noqa: E731
    assert sorted(map(key, parallel.findings)) == sorted(map(key, sample_run.findings))


def test_two_jobs_find_duplicates_across_parts(tmp_path: Path) -> None:
    # Each process sees only its part, after reading the messageIds of the records before it.
    records = [message() for _ in range(40)]
    records.append(message(messageId=records[0]["messageId"]))
    plan = make_plan(tmp_path)
    one = run(plan, records, tmp_path / "one")
    assert len(split_ranges(str(tmp_path / "one" / "events.jsonl"), 2)) == 2
    two = run(plan, records, tmp_path / "two", jobs=2)
    assert [f["code"] for f in one.findings] == ["EN205"]
    assert [f["code"] for f in two.findings] == ["EN205"]


def test_no_diagnostic_lacks_a_known_slug(sample_run: Run) -> None:
    for diagnostic in sample_run.report.diagnostics():
        assert diagnostic.slug and diagnostic.slug != diagnostic.code.lower(), diagnostic


# -- every record read is valid, invalid or an input problem, on every path ----------------------


def _validate(
    plan: Plan, paths: list[Path], monkeypatch: pytest.MonkeyPatch, native: bool, jobs: int = 1
) -> ValidationReport:
    monkeypatch.setenv("TP_NATIVE", "1" if native else "0")
    return validate_files(plan, [str(p) for p in paths], jobs=jobs)


def _en200_lines(report: ValidationReport) -> list[int | None]:
    return sorted(
        sample["line"]
        for d in report.diagnostics()
        if d.code == "EN200"
        for sample in d.data["samples"]
    )


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_a_deep_record_is_an_input_problem_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool, compressed: bool
) -> None:
    deep = '{"type": "track", "properties": ' + '{"a": ' * 1500 + "1" + "}" * 1501
    data = lines_of([message(), deep, "[" * 5000 + "]" * 5000, message()])
    path = tmp_path / ("deep.jsonl.gz" if compressed else "deep.jsonl")
    path.write_bytes(gzip.compress(data) if compressed else data)

    report = _validate(make_plan(tmp_path), [path], monkeypatch, native)

    assert (report.records, report.invalid) == (4, 2)
    assert _en200_lines(report) == [2, 3]
    assert all("nested too deeply" in d.message for d in report.diagnostics() if d.code == "EN200")


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_every_line_is_checked_whatever_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool, ending: str, compressed: bool
) -> None:
    records: list[dict[str, Any] | str] = [message() for _ in range(6000)]  # over 1 MB
    records[4000] = '{"type": "track", "event": '
    data = ending.join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()
    path = tmp_path / "events.jsonl"
    path.write_bytes(gzip.compress(data) if compressed else data)

    report = _validate(make_plan(tmp_path), [path], monkeypatch, native)

    assert (report.records, report.invalid, report.stats.problems) == (6000, 1, 0)
    assert _en200_lines(report) == [4001]


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
def test_a_truncated_gzip_counts_the_records_before_the_cut_on_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool
) -> None:
    data = lines_of([message() for _ in range(20_000)])
    whole = gzip.compress(data)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])

    report = _validate(make_plan(tmp_path), [path], monkeypatch, native)

    assert report.stats.problems == 1
    assert 5000 < report.records < 20_000
    assert report.invalid == 0


@pytest.mark.parametrize("native", [True, False], ids=["native", "python"])
@pytest.mark.parametrize("layout", ["jsonl-first", "jsonl", "array", "batch", "values-first"])
def test_a_number_beyond_the_integer_limit_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool, layout: str
) -> None:
    huge = order(note="N")
    text = json.dumps(huge).replace('"N"', "9" * 5000)
    good = [json.dumps(message()) for _ in range(2)]
    data = {
        "jsonl-first": "\n".join([text, *good]),
        "jsonl": "\n".join([good[0], text, good[1]]),
        "array": "[\n" + ",\n".join([good[0], text, good[1]]) + "\n]",
        "batch": json.dumps({"batch": [message()]}) + f'\n{{"batch": [{text}]}}\n' + good[1],
        "values-first": f"{'9' * 5000}\n"
        + "\n".join(json.dumps(message(), indent=2) for _ in "ab"),
    }[layout]
    path = tmp_path / "events.json"
    path.write_text(data, encoding="utf-8")

    report = _validate(make_plan(tmp_path), [path], monkeypatch, native)

    assert report.records + report.stats.problems == 3
    assert report.invalid + report.stats.problems == 1
    where = {"jsonl-first": 1, "jsonl": 2, "array": 3, "batch": 2, "values-first": 1}
    assert _en200_lines(report) == [where[layout]]


def test_odd_records_go_to_the_invalid_out_file_as_they_are(tmp_path: Path) -> None:
    """A pretty-printed element is written as one line without being parsed again: a lone
    surrogate escape or a number beyond 64 bits come out as they went in."""
    odd = [
        message(properties={"order_id": "\ud800"}),  # json.dumps writes the escape \ud800
        order(shipping={"city": "Oslo"}, revenue=10**30),
    ]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(odd, indent=2), encoding="utf-8")
    result = run_paths(make_plan(tmp_path), [str(path)], tmp_path / "out")
    assert [f["location"]["line"] for f in result.findings if f["code"] == "EN200"] == [2]
    assert [json.loads(line) for line in result.invalid] == [odd[0]]
    assert result.invalid[0].count(b"\\ud800") == 1
    assert [json.loads(line) for line in result.valid] == [odd[1]]


def test_an_event_named_like_the_track_union_sentinel() -> None:
    """The loader refuses names with control characters, but a plan built in Python may have
    one: an event named "\\x00" (the fast path's placeholder tag) is validated like any other."""
    from tracking_plan.model import CallType, Definition, Property
    from tracking_plan.validate.engine import EventValidator
    from tracking_plan.validate.inputs import Record

    total = (Property(name="total", types=("integer",), required=True),)
    plan = Plan(
        name="sentinel",
        events=tuple(
            Definition(call=CallType.TRACK, name=name, properties=total)
            for name in ("\x00", "\x00\x00", "A")
        ),
    )
    validator = EventValidator(plan)
    for index, (event, total_value, valid) in enumerate(
        [("\x00", 1, True), ("\x00", "x", False), ("\x00\x00", 2, True), ("A", None, False)]
    ):
        message = {"type": "track", "event": event, "userId": "u", "messageId": f"m{index}"}
        data = json.dumps({**message, "properties": {"total": total_value}}).encode()
        verdict, findings, _ = validator.check(Record(data, "t", index + 1, index + 1))
        assert verdict is valid, (event, findings)


PAGES_PLAN = """\
plan: pages
unplanned_properties: forbid
pages:
  Home:
    properties:
      section: {type: string}
screens:
  Settings: {}
"""


def test_what_sdks_add_to_page_and_screen_calls_is_valid(tmp_path: Path) -> None:
    """analytics.js adds path, referrer, search, title and url to every page call and copies
    name and category; segment-analytics-python sends `"name": null` without a name."""
    path = tmp_path / "plan.yaml"
    path.write_text(PAGES_PLAN, encoding="utf-8")
    page = {
        "name": "Home",
        "category": "Docs",
        "path": "/",
        "referrer": "",
        "search": "?q=1",
        "title": "Home",
        "url": "https://example.com/?q=1",
        "section": "top",
    }
    records = [
        message(type="page", event=None, name="Home", category="Docs", properties=page),
        message(type="page", event=None, name=None, properties={}) | {"name": None},
        message(type="screen", event=None, properties={}) | {"name": None, "category": None},
        message(type="page", event=None, name="Home", properties={"title": 5}),
        message(type="page", event=None, name="Home", properties={"sections": "x"}),
    ]
    result = run(load_plan(path), records, tmp_path)
    assert [result.codes(line) for line in range(1, 6)] == [[], [], [], ["EV104"], ["EV102"]]


def test_null_in_a_type_list_and_nullable(tmp_path: Path) -> None:
    """`nullable: true` adds null to an enum; a type list holding null compiles as written,
    so its enum must list null (JSON Schema's meaning, and what Segment exports mean)."""
    path = tmp_path / "plan.yaml"
    path.write_text(
        "plan: n\nevents:\n  Ad Played:\n    properties:\n"
        "      listed: {type: [string, 'null'], enum: [pre-roll, null]}\n"
        "      unlisted: {type: [string, 'null'], enum: [pre-roll]}\n"
        "      nullable: {type: string, nullable: true, enum: [pre-roll]}\n",
        encoding="utf-8",
    )
    plan = load_plan(path)
    records = [
        message(event="Ad Played", properties={"listed": None, "nullable": None}),
        message(event="Ad Played", properties={"unlisted": None}),
    ]
    result = run(plan, records, tmp_path)
    assert (result.codes(1), result.codes(2)) == ([], ["EV105"])
