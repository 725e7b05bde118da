"""Tests for tracking_plan.validate.har: analytics requests of a browser's HAR capture.

`capture()` builds a HAR 1.2 file the way Chrome's Network tab saves it (page, font and image
requests around the analytics calls); `CAPTURE` lists its entries, numbered from 1 as the
records' `line` numbers are. The CLI runs are started together, in parallel, by the
module-scoped `runs` fixture, as in test_validate_cli.py.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import SHOP_PLAN, Run
from test_validate_cli import tp_run

from tracking_plan.loader import load_plan
from tracking_plan.model import Plan
from tracking_plan.validate import Outputs, validate_files
from tracking_plan.validate.inputs import Input, InputProblem, Record, plain_lines, read_input
from tracking_plan.validate.inputs.har import HarSummary

Json = dict[str, Any]

STARTED = "2024-11-04T08:17:22.512+01:00"  # Firefox writes the local offset, Chrome "Z"
SENT = "2024-11-04T07:17:22.512Z"
WRITE_KEY = "wk_9Xb2LmQ4"
APP = {"version": "4.11.3"}  # the shop plan requires context.app.version


# -- building HAR files -------------------------------------------------------------------------


def entry(
    method: str,
    url: str,
    body: str | None = None,
    mime: str = "text/plain;charset=UTF-8",
    params: list[Json] | None = None,
) -> Json:
    request: Json = {
        "method": method,
        "url": url,
        "httpVersion": "http/2.0",
        "headers": [{"name": "accept", "value": "*/*"}],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(body or ""),
    }
    if body is not None or params is not None:
        request["postData"] = {"mimeType": mime, "text": body or ""}
        if params is not None:
            request["postData"]["params"] = params
            del request["postData"]["text"]
    return {
        "_initiator": {"type": "script"},
        "_resourceType": "fetch",
        "pageref": "page_1",
        "startedDateTime": STARTED,
        "time": 31.2,
        "request": request,
        "response": {
            "status": 200,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": [],
            "cookies": [],
            "content": {"size": 21, "mimeType": "application/json", "text": '{"success": true}'},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"blocked": 1, "dns": -1, "connect": -1, "send": 0, "wait": 30, "receive": 1},
    }


def har(entries: list[Json]) -> str:
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [
                {
                    "startedDateTime": STARTED,
                    "id": "page_1",
                    "title": "https://shop.example/",
                    "pageTimings": {"onContentLoad": 412, "onLoad": 980},
                }
            ],
            "entries": entries,
        }
    }
    return json.dumps(document, indent=2)


def segment_call(body: Json) -> str:
    """An analytics-next body: the message with writeKey, sentAt and _metadata added."""
    meta = {"bundled": ["Segment.io"], "unbundled": [], "bundledIds": []}
    return json.dumps({**body, "writeKey": WRITE_KEY, "sentAt": SENT, "_metadata": meta})


def mixpanel_data(payload: object) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def segment_track(event: str, properties: Json, message_id: str) -> Json:
    return {
        "type": "track",
        "event": event,
        "properties": properties,
        "anonymousId": "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1c3e",
        "userId": None,
        "messageId": message_id,
        "timestamp": "2024-11-04T07:17:22.400Z",
        "integrations": {},
        "context": {
            "app": APP,
            "library": {"name": "analytics.js", "version": "npm:next-1.70.0"},
            "page": {"path": "/p/canvas-tote", "url": "https://shop.example/p/canvas-tote"},
            "locale": "en-US",
            "userAgent": "Mozilla/5.0",
        },
    }


MP_PROPS = {
    "$os": "Mac OS X",
    "$browser": "Chrome",
    "$current_url": "https://shop.example/cart",
    "$screen_height": 1117,
    "$screen_width": 1728,
    "mp_lib": "web",
    "$lib_version": "2.55.1",
    "$app_version_string": "4.11.3",
    "distinct_id": "$device:18f0c1d2-aa",
    "$device_id": "18f0c1d2-aa",
    "$user_id": "usr_19d1cb3c17",
    "token": "mp_token_123",
}
CART = "cart_bf092b25b52b9dbd"
PRODUCT = "prd_030022"
GA4 = "https://region1.google-analytics.com/g/collect"
GA4_QUERY = (
    "v=2&tid=G-8XYZ123&gtm=45je4b10&_p=1730704642&cid=1719203344.1730704640&ul=en-us"
    "&sr=1728x1117&dl=https%3A%2F%2Fshop.example%2Fcart&dt=Cart&sid=1730704640&sct=1"
)

# Entries of the capture, numbered from 1.
PAGE, FONT, SEG_TRACK, SEG_PAGE, SEG_BATCH = 1, 2, 3, 4, 5
MP_QUERY, MP_FORM, MP_ENGAGE, GA4_GET, GA4_POST = 6, 7, 8, 9, 10
GA4_NO_NAME, MP_TRUNCATED, SEG_BAD_JSON, IMAGE, PREFLIGHT, SEG_METRICS = 11, 12, 13, 14, 15, 16


def capture_entries() -> list[Json]:
    page_body = {
        "name": "Home",
        "properties": {"path": "/", "url": "https://shop.example/", "title": "Acme"},
        "anonymousId": "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1c3e",
        "messageId": "ajs-next-page-1",
        "timestamp": "2024-11-04T07:17:21.000Z",
        "context": {"app": APP},
    }
    batch = {
        "batch": [
            {
                "type": "track",
                "event": "Product Added",
                "properties": {"cart_id": CART, "product_id": PRODUCT, "quantity": 1},
                "anonymousId": "a-1",
                "messageId": "ajs-next-b1",
                "timestamp": "2024-11-04T07:17:22.000Z",
            },
            {
                "type": "track",
                "event": "Product Added",
                "properties": {"cart_id": CART, "product_id": PRODUCT, "quantity": 0},
                "anonymousId": "a-1",
                "messageId": "ajs-next-b2",
                "timestamp": "2024-11-04T07:17:22.100Z",
            },
        ],
        "context": {"app": APP, "locale": "en-US"},
        "sentAt": SENT,
        "writeKey": WRITE_KEY,
    }
    viewed = {
        "event": "Product Viewed",
        "properties": {**MP_PROPS, "product_id": PRODUCT, "time": 1730704642512},
    }
    cart_events = [
        {
            "event": "Cart Viewed",
            "properties": {**MP_PROPS, "cart_id": CART, "time": 1730704642.5, "$insert_id": "i1"},
        },
        {
            "event": "Coupon Applied",
            "properties": {**MP_PROPS, "cart_id": CART, "coupon_id": "welcome10"},
        },
    ]
    form = "data=" + quote(mixpanel_data(cart_events), safe="")
    cut = mixpanel_data({"event": "Cart Viewed", "properties": MP_PROPS})[:-7]
    return [
        {**entry("GET", "https://shop.example/"), "_resourceType": "document"},
        entry(
            "GET", "https://fonts.gstatic.com/s/inter/v13/UcC73FwrK3iLTeHuS_fvQtMwCp50KnMa.woff2"
        ),
        entry(
            "POST",
            "https://api.segment.io/v1/t",
            segment_call(segment_track("Product Viewed", {"product_id": PRODUCT}, "ajs-next-1")),
        ),
        entry("POST", "https://api.segment.io/v1/p", segment_call(page_body)),
        entry("POST", "https://127.0.0.1:8787/v1/b", json.dumps(batch)),
        entry(
            "GET",
            f"https://api-js.mixpanel.com/track/?data={quote(mixpanel_data(viewed))}&ip=1&_=17",
        ),
        entry(
            "POST",
            "https://api-js.mixpanel.com/track/?ip=1&_=1730704642600",
            form,
            "application/x-www-form-urlencoded",
        ),
        entry(
            "POST",
            "https://api-js.mixpanel.com/engage/?ip=1",
            "data=" + quote(mixpanel_data({"$set": {"plan": "pro"}})),
            "application/x-www-form-urlencoded",
        ),
        entry("GET", f"{GA4}?{GA4_QUERY}&en=view_cart&ep.cart_id={CART}&epn.value=19.99"),
        entry(
            "POST",
            f"{GA4}?{GA4_QUERY}&uid=usr_19d1cb3c17",
            f"en=view_item&ep.product_id={PRODUCT}&epn.price=19.99&cu=USD&_et=12\r\n"
            "\r\n"
            "en=add_to_cart&epn.quantity=2&up.plan=pro&upn.orders=3&pr1=idprd_030022~nmTote\r\n",
        ),
        entry("POST", f"{GA4}?{GA4_QUERY}", "ep.product_id=prd_030022&_et=40"),
        entry("GET", f"https://api-js.mixpanel.com/track/?data={cut}&ip=1"),
        entry("POST", "https://api.segment.io/v1/t", '{"type": "track", "event": "Cart Viewed", '),
        entry("GET", "https://shop.example/img/logo.png"),
        entry("OPTIONS", "https://api.segment.io/v1/t"),
        entry("POST", "https://api.segment.io/v1/m", '{"series": []}'),
    ]


CAPTURE = capture_entries()
RECORD_ENTRIES = [SEG_TRACK, SEG_PAGE, SEG_BATCH, SEG_BATCH, MP_QUERY, MP_FORM, MP_FORM]
RECORD_ENTRIES += [GA4_GET, GA4_POST, GA4_POST]
PROBLEM_ENTRIES = [GA4_NO_NAME, MP_TRUNCATED, SEG_BAD_JSON]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def items(path: Path) -> list[Record | InputProblem]:
    return list(read_input(str(path)))


def har_summary(path: Path) -> HarSummary | None:
    """What reading `path` once said of it as a HAR capture."""
    with Input(str(path)) as source:
        for _ in source.records():
            pass
    return source.har


def messages(path: Path) -> list[Json]:
    """The messages of `path`, which must give no problem."""
    found = items(path)
    assert all(isinstance(item, Record) for item in found), found
    return messages_of(path)


def messages_of(path: Path) -> list[Json]:
    return [json.loads(item.data) for item in items(path) if isinstance(item, Record)]


@pytest.fixture(scope="module")
def shop() -> Plan:
    return load_plan(SHOP_PLAN)


@pytest.fixture(scope="module")
def capture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("har"), "capture.har", har(CAPTURE))


# -- reading ------------------------------------------------------------------------------------


def test_records_are_numbered_by_entry_and_problems_name_the_entry(capture_file: Path) -> None:
    found = items(capture_file)
    records = [item for item in found if isinstance(item, Record)]
    problems = [item for item in found if isinstance(item, InputProblem)]
    assert [r.line for r in records] == RECORD_ENTRIES
    assert [r.index for r in records] == list(range(1, len(RECORD_ENTRIES) + 1))
    assert {r.file for r in records} == {str(capture_file)}
    assert [p.line for p in problems] == PROBLEM_ENTRIES
    assert all(p.index is None for p in problems)
    for problem in problems:
        assert problem.line is not None
        number = problem.line
        assert problem.message.startswith(f"entry {number} ("), problem.message
        request = CAPTURE[number - 1]["request"]
        assert f"{request['method']} {request['url'].partition('?')[0]}" in problem.message
        assert f"log.entries[{number - 1}]" in problem.message
    no_name, truncated, bad_json = (p.message for p in problems)
    assert "has no event name (en=)" in no_name and "line 1 of" in no_name
    assert "Mixpanel data parameter" in truncated and "is it truncated?" in truncated
    assert "is not JSON" in bad_json and "is it truncated?" in bad_json


def test_har_summary_counts_analytics_and_skipped_requests(capture_file: Path) -> None:
    summary = har_summary(capture_file)
    assert summary == HarSummary(analytics_requests=10, skipped_requests=6, problems=3)
    assert summary is not None
    assert summary.analytics_requests + summary.skipped_requests == len(CAPTURE)


def test_har_summary_is_none_for_other_inputs(tmp_path: Path) -> None:
    jsonl = write(tmp_path, "day.jsonl", '{"type": "track"}\n')
    assert har_summary(jsonl) is None
    assert har_summary(tmp_path / "missing.har") is None


def test_segment_bodies_are_the_messages_without_the_write_key(capture_file: Path) -> None:
    found = messages_of(capture_file)
    track, page, first, second = found[:4]
    assert track["event"] == "Product Viewed" and track["sentAt"] == SENT
    assert "_metadata" in track  # the message as sent ...
    assert all("writeKey" not in message for message in found)  # ... but for the write key
    assert page["type"] == "page"  # from /v1/p: the body has no type
    assert first["context"] == {"app": APP, "locale": "en-US"}  # the batch's context
    assert second["properties"]["quantity"] == 0


def test_mixpanel_events_become_track_calls(capture_file: Path) -> None:
    found = messages_of(capture_file)
    viewed, cart, coupon = found[4:7]
    assert viewed == {
        "type": "track",
        "event": "Product Viewed",
        "userId": "usr_19d1cb3c17",
        "anonymousId": "18f0c1d2-aa",
        "messageId": viewed["messageId"],
        "timestamp": "2024-11-04T07:17:22.512Z",  # from milliseconds
        "sentAt": SENT,
        "properties": {"product_id": PRODUCT},
        "context": {
            "os": {"name": "Mac OS X"},
            "page": {"url": "https://shop.example/cart"},
            "screen": {"height": 1117, "width": 1728},
            "library": {"name": "web", "version": "2.55.1"},
            "app": {"version": "4.11.3"},
            "mixpanel": {"$browser": "Chrome"},
        },
    }
    assert viewed["messageId"].startswith(f"har-{MP_QUERY}-1-")
    assert cart["messageId"] == "i1" and cart["timestamp"] == "2024-11-04T07:17:22.500Z"
    assert coupon["messageId"].startswith(f"har-{MP_FORM}-2-")
    assert coupon["timestamp"] == SENT  # no time of its own: when the request was sent
    assert coupon["properties"] == {"cart_id": CART, "coupon_id": "welcome10"}
    assert viewed["messageId"] == messages_of(capture_file)[4]["messageId"]  # the same each run


def test_ga4_hits_become_track_calls(capture_file: Path) -> None:
    view_cart, view_item, add_to_cart = messages_of(capture_file)[7:]
    assert view_cart["event"] == "view_cart" and "userId" not in view_cart
    assert view_cart["anonymousId"] == "1719203344.1730704640"
    assert view_cart["properties"] == {"cart_id": CART, "value": 19.99}
    assert view_cart["timestamp"] == view_cart["sentAt"] == SENT
    assert view_cart["context"]["page"] == {"url": "https://shop.example/cart", "title": "Cart"}
    assert view_cart["context"]["locale"] == "en-US"
    assert view_cart["context"]["screen"] == {"width": 1728, "height": 1117}
    assert view_cart["context"]["ga4"]["tid"] == "G-8XYZ123"
    assert view_item["userId"] == "usr_19d1cb3c17"
    assert view_item["properties"] == {"product_id": PRODUCT, "price": 19.99, "currency": "USD"}
    assert add_to_cart["properties"] == {"quantity": 2}
    assert add_to_cart["context"]["traits"] == {"plan": "pro", "orders": 3}
    assert add_to_cart["context"]["ga4"]["pr1"] == "idprd_030022~nmTote"
    assert view_item["messageId"] != add_to_cart["messageId"]


def test_har_is_recognised_by_content_gzip_and_extension_aside(tmp_path: Path) -> None:
    entries = CAPTURE[SEG_TRACK - 1 : SEG_TRACK]
    compact = json.dumps({"log": {"entries": entries}})  # one line: not JSON Lines
    plain = write(tmp_path, "capture.json", compact + "\n")
    assert not plain_lines(str(plain))
    assert [m["event"] for m in messages(plain)] == ["Product Viewed"]
    zipped = write(tmp_path, "capture.bin", gzip.compress(b"\xef\xbb\xbf" + har(entries).encode()))
    assert [m["event"] for m in messages(zipped)] == ["Product Viewed"]
    assert har_summary(zipped) == HarSummary(1, 0, 0)


def test_objects_with_a_log_but_no_entries_are_messages(tmp_path: Path) -> None:
    lines = [
        {"log": {"level": "info"}, "type": "track", "event": "A", "messageId": "1"},
        {"log": {"level": "info"}, "type": "track", "event": "B", "messageId": "2"},
    ]
    jsonl = write(tmp_path, "day.jsonl", "".join(json.dumps(m) + "\n" for m in lines))
    assert [m["event"] for m in messages(jsonl)] == ["A", "B"]
    assert [r.line for r in items(jsonl) if isinstance(r, Record)] == [1, 2]
    cut = jsonl.read_text().replace('"2"}', "")  # line 2 ends after "messageId": ...
    broken = write(tmp_path, "broken.jsonl", cut + jsonl.read_text())
    assert [(type(i).__name__, i.line) for i in items(broken)] == [
        ("Record", 1),
        ("Record", 2),  # ... and does not swallow line 3: the engine reports it
        ("Record", 3),
        ("Record", 4),
    ]
    pretty = write(tmp_path, "day.json", "\n".join(json.dumps(m, indent=2) for m in lines))
    assert [m["event"] for m in messages(pretty)] == ["A", "B"]
    batch = {"batch": lines, "context": {"app": APP}}
    assert [m["context"] for m in messages(write(tmp_path, "b.json", json.dumps(batch)))] == [
        {"app": APP},
        {"app": APP},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (har(CAPTURE[:3])[:-40], "is not valid JSON: "),
        (har(CAPTURE[:3]) + '\n{"log": {}}', "goes on after the HAR object"),
        (json.dumps({"log": {"entries": [3, {"request": {}}]}}), "entry 2 (log.entries[1])"),
    ],
)
def test_broken_har_files_are_problems_not_tracebacks(
    tmp_path: Path, text: str, expected: str
) -> None:
    found = items(write(tmp_path, "broken.har", text))
    problems = [item.message for item in found if isinstance(item, InputProblem)]
    assert any(expected in message for message in problems), problems


def test_truncated_har_file_gives_the_entries_before_the_cut(tmp_path: Path) -> None:
    text = har(CAPTURE)
    cut = text.index('"url": "https://api-js.mixpanel.com/track/?ip=1')  # in entry MP_FORM
    *found, problem = items(write(tmp_path, "cut.har", text[:cut]))
    assert [item.line for item in found if isinstance(item, Record)] == RECORD_ENTRIES[:5]
    assert isinstance(problem, InputProblem)
    assert problem.line is None  # lines of a capture are its entries; the message says where
    assert f"line {text[:cut].count(chr(10)) + 1} column " in problem.message
    assert "is the file truncated?" in problem.message
    assert "Save all as HAR" in problem.message


def test_text_that_is_not_unicode_is_a_problem_naming_the_entry(tmp_path: Path) -> None:
    lone = "\ud800"  # a lone surrogate: json.dumps writes it as the escape \\ud800
    entries = [
        entry("POST", f"{GA4}?v=2&tid=G-1&cid=1.2", f"en=page_view&ep.title={lone}"),
        entry("GET", "https://api-js.mixpanel.com/track/?data=%C3%A9"),
        entry("POST", "https://api.segment.io/v1/track", json.dumps({"event": lone})),
        entry("POST", "https://api.segment.io/v1/track", '{"type": "track", "event": "A"}'),
    ]
    found = items(write(tmp_path, "odd.har", har(entries)))
    assert [(type(item).__name__, item.line) for item in found] == [
        ("InputProblem", 1),
        ("InputProblem", 2),
        ("InputProblem", 3),
        ("Record", 4),
    ]
    ga4, mixpanel, segment = (item.message for item in found[:3])
    assert ga4.startswith("entry 1 (POST ") and "not valid Unicode" in ga4
    assert mixpanel.startswith("entry 2 (GET ") and "is not valid base64" in mixpanel
    assert segment.startswith("entry 3 (POST ") and "not valid Unicode" in segment


def test_mixpanel_payload_variants(tmp_path: Path) -> None:
    event = {"event": "Cart Viewed", "properties": {"distinct_id": "d-1", "time": 1730704642}}
    urlsafe = base64.urlsafe_b64encode(json.dumps([event] * 3).encode()).decode().rstrip("=")
    entries = [
        entry("GET", f"https://mp.acme.example/track?data={quote(urlsafe)}"),
        entry("POST", "https://api-js.mixpanel.com/track/", "data=" + quote(json.dumps(event))),
        entry(
            "POST",
            "https://api-js.mixpanel.com/track/",
            mime="application/x-www-form-urlencoded",
            params=[{"name": "data", "value": quote(mixpanel_data(event), safe="")}],
        ),
        entry("GET", "https://api-js.mixpanel.com/track/?data=" + mixpanel_data([1])),
        entry("GET", "https://api-js.mixpanel.com/track/?data=" + mixpanel_data("text")),
        entry("GET", "https://api-js.mixpanel.com/track/?verbose=1"),
        entry("GET", "https://other.example/track?id=7"),  # another /track: not Mixpanel
    ]
    found = items(write(tmp_path, "mp.har", har(entries)))
    records = [json.loads(i.data) for i in found if isinstance(i, Record)]
    assert len(records) == 5
    assert {m["anonymousId"] for m in records} == {"d-1"}
    assert {m["timestamp"] for m in records} == {"2024-11-04T07:17:22.000Z"}
    problems = [(p.line, p.message) for p in found if isinstance(p, InputProblem)]
    assert [line for line, _ in problems] == [4, 5, 6]
    assert "event 1 of the Mixpanel data is a number" in problems[0][1]
    assert "is a string" in problems[1][1]
    assert "has no data parameter" in problems[2][1]
    assert har_summary(tmp_path / "mp.har") == HarSummary(6, 1, 3)


def test_segment_request_variants(tmp_path: Path) -> None:
    entries = [
        entry("POST", "https://cdn.acme.example/seg/v1/identify", '{"userId": "u1"}'),
        entry("POST", "https://api.segment.io/v1/import", '{"batch": [{"type": "group"}, 7]}'),
        entry("POST", "https://api.segment.io/v1/batch", '{"type": "track"}'),
        entry("POST", "https://api.segment.io/v1/track", "[]"),
        entry("POST", "https://api.segment.io/v1/alias"),
    ]
    found = items(write(tmp_path, "seg.har", har(entries)))
    summary = [
        (i.line, json.loads(i.data)["type"]) if isinstance(i, Record) else (i.line, i.message)
        for i in found
    ]
    assert summary[:2] == [(1, "identify"), (2, "group")]
    assert summary[2][0] == 2 and "item 2 of the batch in entry 2" in str(summary[2][1])
    assert summary[3][0] == 3 and "is not a Segment batch" in str(summary[3][1])
    assert summary[4][0] == 4 and "is a list, not a Segment message" in str(summary[4][1])
    assert summary[5][0] == 5 and "has no body" in str(summary[5][1])


# -- validating -------------------------------------------------------------------------------


def findings_by_entry(plan: Plan, path: Path, tmp_path: Path) -> dict[int, set[tuple[str, str]]]:
    out = tmp_path / "findings.jsonl"
    validate_files(plan, [str(path)], outputs=Outputs(findings=str(out)))
    found: dict[int, set[tuple[str, str]]] = {}
    for line in out.read_text().splitlines():
        diagnostic = json.loads(line)
        key = diagnostic["location"]["line"]
        found.setdefault(key, set()).add((diagnostic["code"], diagnostic["data"]["definition"]))
    return found


def test_validate_files_finds_valid_and_invalid_events(
    shop: Plan, capture_file: Path, tmp_path: Path
) -> None:
    report = validate_files(shop, [str(capture_file)])
    assert report.records == len(RECORD_ENTRIES)
    assert report.stats.problems == len(PROBLEM_ENTRIES)
    found = findings_by_entry(shop, capture_file, tmp_path)
    assert SEG_TRACK not in found and SEG_PAGE not in found and MP_QUERY not in found
    assert ("EV107", "Product Added") in found[SEG_BATCH]  # quantity 0
    assert ("EV106", "Coupon Applied") in found[MP_FORM]  # lower-case coupon code
    assert {code for code, _ in found[GA4_GET]} >= {"EV100"}  # view_cart is not planned
    assert {code for code, _ in found[GA4_POST]} >= {"EV100"}
    for entry_number in PROBLEM_ENTRIES:
        assert found[entry_number] == {("EN200", "(input)")}


# -- the command ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, capture_file: Path) -> Iterator[dict[str, Run]]:
    tmp = tmp_path_factory.mktemp("har-cli")
    clean = write(tmp, "clean.har", har(CAPTURE[:SEG_PAGE]))
    cut = write(tmp, "cut.har.gz", gzip.compress(har(CAPTURE).encode())[:2000])
    plan = str(SHOP_PLAN)
    commands: dict[str, tuple[str | Path, ...]] = {
        "capture": (plan, capture_file, "--format", "json", "--no-drift"),
        "text": (plan, capture_file, "--no-drift"),
        "clean": (plan, clean, "--format", "json", "--no-drift"),
        "cut": (plan, cut, "--format", "json", "--no-drift"),
        "missing": (plan, tmp / "nope.har"),
    }
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures: dict[str, Future[Run]] = {
            name: pool.submit(tp_run, "validate", *args) for name, args in commands.items()
        }
        yield {name: future.result() for name, future in futures.items()}


def test_cli_reports_the_capture_with_entry_numbers(runs: dict[str, Run]) -> None:
    run = runs["capture"]
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    document = json.loads(run.stdout)
    assert document["summary"]["records"] == len(RECORD_ENTRIES)
    assert document["summary"]["input_problems"] == len(PROBLEM_ENTRIES)
    by_code = {d["code"]: d for d in document["diagnostics"]}
    added = by_code["EV107"]
    assert added["data"]["definition"] == "Product Added"
    assert added["location"]["line"] == SEG_BATCH
    assert added["location"]["file"].endswith("capture.har")
    problem_lines = {s["line"] for s in by_code["EN200"]["data"]["samples"]}
    assert problem_lines == set(PROBLEM_ENTRIES)
    text = runs["text"].stdout
    assert f"capture.har:{SEG_BATCH}" in text and f"capture.har:{MP_TRUNCATED}" in text
    # How much of the capture was analytics traffic, on standard error.
    assert "10 analytics request(s) read, 6 other request(s) skipped, 3 not readable" in (
        " ".join(run.stderr.split())
    )


def test_cli_clean_capture_exits_0(runs: dict[str, Run]) -> None:
    run = runs["clean"]
    assert run.code == 0, run.output
    assert json.loads(run.stdout)["summary"]["records"] == 2


def test_cli_cut_gzip_capture_is_a_problem_not_a_traceback(runs: dict[str, Run]) -> None:
    run = runs["cut"]
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert json.loads(run.stdout)["summary"]["input_problems"] == 1


def test_cli_missing_capture_exits_2(runs: dict[str, Run]) -> None:
    run = runs["missing"]
    assert run.code == 2, run.output
    assert "Traceback" not in run.output


def test_huge_numbers_in_requests_are_kept_or_reported_never_raised(tmp_path: Path) -> None:
    huge = "9" * 5000
    event = {"event": "Cart Viewed", "properties": {"distinct_id": "d-1", "time": 10**400}}
    entries = [
        entry("GET", "https://api-js.mixpanel.com/track/?data=" + quote(mixpanel_data(event))),
        entry("GET", f"{GA4}?v=2&tid=G-1&cid=1.2&en=view_cart&epn.value={huge}&sr={huge}x1"),
        entry("POST", "https://api.segment.io/v1/track", f'{{"event": "A", "n": {huge}}}'),
    ]
    found = items(write(tmp_path, "huge.har", har(entries)))
    assert [(type(item).__name__, item.line) for item in found] == [
        ("Record", 1),
        ("Record", 2),
        ("InputProblem", 3),
    ]
    mixpanel, ga4 = (json.loads(item.data) for item in found[:2] if isinstance(item, Record))
    assert mixpanel["timestamp"] == str(10**400)  # not a time: the timestamp check reports it
    assert ga4["properties"]["value"] == huge and ga4["context"]["ga4"]["sr"] == f"{huge}x1"
    problem = found[2]
    assert isinstance(problem, InputProblem)
    assert "is not JSON: a number of more than 4,300 digits at column 21" in problem.message
