"""`tp serve` as users run it: a real server on 127.0.0.1, real HTTP clients, no mocks.

One server (module fixture) serves most tests, each starting from POST /tp/reset; the tests of
write keys, durability and forwarding start servers of their own. Servers are `tp serve`
subprocesses started with `--port 0`; the port is read from their startup line.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import http.client
import json
import os
import pty
import queue
import re
import resource
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import segment.analytics  # type: ignore[import-untyped]
from conftest import REPO_ROOT, Run, run_tp, tp_executable

PLAN = "plans/shop/plan.yaml"
SAMPLE = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"
STARTUP_SECONDS = 20.0


# -- a tp serve subprocess ------------------------------------------------------------------------


class Server:
    """A running `tp serve`; its output lines are collected as they come (never blocking it).
    `get` and `reset` send its write key (the value of `--write-key` in `args`), if any;
    `descriptors` caps the files the server may open (ulimit -n)."""

    def __init__(
        self, db: Path, *args: str, descriptors: int | None = None, plan: str | Path = PLAN
    ) -> None:
        self.db = db
        self.args = args
        self.key = args[args.index("--write-key") + 1] if "--write-key" in args else None
        env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
        self.process = subprocess.Popen(
            [tp_executable(), "serve", str(plan), "--port", "0", "--db", str(db), *args],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=None if descriptors is None else functools.partial(_cap_files, descriptors),
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        for stream, put in (
            (self.process.stdout, self.stdout.put),
            (self.process.stderr, self.stderr.append),
        ):
            threading.Thread(target=_pump, args=(stream, put), daemon=True).start()
        self.lines: list[str] = []
        first = self.next_line(STARTUP_SECONDS)
        listening = re.match(r"tp serve: listening on (http://([\d.]+):(\d+)) ", first)
        assert listening, f"unexpected startup: {first!r} {self.stderr}"
        self.url, self.host, port = listening.groups()
        self.port = int(port)

    def next_line(self, timeout: float = 5.0) -> str:
        try:
            line = self.stdout.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            pytest.fail(f"tp serve printed nothing in {timeout} s; stderr: {self.stderr}")
        self.lines.append(line)
        return line

    def output_until(self, fragment: str, timeout: float = 5.0) -> list[str]:
        """The lines printed until one containing `fragment`."""
        deadline = time.monotonic() + timeout
        start = len(self.lines)
        while not any(fragment in line for line in self.lines[start:]):
            self.next_line(max(deadline - time.monotonic(), 0.01))
        return self.lines[start:]

    def request(
        self,
        method: str,
        path: str,
        body: bytes | dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """(status, headers with lower-case names, the JSON answer or None)."""
        data = json.dumps(body).encode() if isinstance(body, dict | list) else body
        sent = {"Content-Type": "application/json", **(headers or {})}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
        finally:
            connection.close()
        return response.status, answer_headers, json.loads(raw) if raw else None

    def post(self, path: str, body: Any, **headers: str) -> tuple[int, Any]:
        status, _, answer = self.request("POST", path, body, headers)
        return status, answer

    def get(self, path: str) -> Any:
        status, _, answer = self.request("GET", path, headers=self.key_header())
        assert status == 200, answer
        return answer

    def reset(self) -> None:
        assert self.post("/tp/reset", None, **self.key_header()) == (200, {"success": True})

    def key_header(self) -> dict[str, str]:
        return {"Authorization": basic(self.key)} if self.key else {}

    def wait_for_stderr(self, fragment: str, timeout: float = 10.0) -> list[str]:
        """The lines of standard error containing `fragment`, once there is one."""
        deadline = time.monotonic() + timeout
        while not (found := [line for line in self.stderr if fragment in line]):
            assert time.monotonic() < deadline, f"no {fragment!r} in {self.stderr}"
            time.sleep(0.05)
        return found

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=15)


def _cap_files(descriptors: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))


def _pump(stream: Any, put: Any) -> None:
    for line in stream:
        put(line.rstrip("\n"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("serve") / "x.sqlite")
    yield running
    assert running.stop() == 0, running.stderr


StartServer = Callable[..., Server]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers of a test's own (`start_server("db name", *options)`); kills them after."""
    started: list[Server] = []

    def start(
        name: str, *args: str, descriptors: int | None = None, plan: str | Path = PLAN
    ) -> Server:
        started.append(Server(tmp_path / name, *args, descriptors=descriptors, plan=plan))
        return started[-1]

    yield start
    for running in started:
        running.stop(signal.SIGKILL)


@pytest.fixture
def collector(server: Server) -> Server:
    """The module's server, emptied."""
    server.reset()
    return server


def sample(line: int) -> dict[str, Any]:
    """A message of the shop's sample dump (1-based line), with a fresh messageId."""
    with SAMPLE.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if number == line:
                message: dict[str, Any] = json.loads(text)
                message["messageId"] = str(uuid.uuid4())
                return message
    raise AssertionError(f"no line {line}")


VALID_TRACK = 1  # Application Opened, valid


def valid_track(**changes: Any) -> dict[str, Any]:
    return {**sample(VALID_TRACK), **changes}


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def gzipped(value: Any) -> bytes:
    return gzip.compress(json.dumps(value).encode())


# -- the collecting paths -------------------------------------------------------------------------

CALLS = {
    "track": {"event": "Application Opened"},
    "identify": {"traits": {}},
    "page": {"name": "Home"},
    "screen": {"name": "Home"},
    "group": {"groupId": "biz_1"},
    "alias": {"previousId": "anon-1"},
}


@pytest.mark.parametrize("call", list(CALLS))
def test_each_call_and_its_short_path_implies_the_type(collector: Server, call: str) -> None:
    for path in (f"/v1/{call}", f"/v1/{call[0]}"):
        message = {"userId": "u1", "messageId": str(uuid.uuid4()), **CALLS[call]}
        assert collector.post(path, message) == (200, {"success": True})
    events = collector.get("/tp/events")["events"]
    assert [e["type"] for e in events] == [call, call]
    assert all(e["message"]["type"] == call for e in events)


@pytest.mark.parametrize("path", ["/v1/batch", "/v1/b", "/v1/import"])
def test_batches_merge_their_context_and_integrations(collector: Server, path: str) -> None:
    first = valid_track()
    second = valid_track(context={"locale": "de-DE"}, integrations={"All": False})
    del first["context"]
    batch = {
        "batch": [first, second],
        "context": {"app": {"version": "9.9.9"}, "locale": "en-US"},
        "integrations": {"Amplitude": False},
        "writeKey": "wk",
    }
    assert collector.post(path, batch) == (200, {"success": True})
    events = collector.get("/tp/events")["events"]
    assert [e["message"]["messageId"] for e in events] == [first["messageId"], second["messageId"]]
    merged = [e["message"] for e in events]
    assert merged[0]["context"] == {"app": {"version": "9.9.9"}, "locale": "en-US"}
    assert merged[1]["context"] == {"app": {"version": "9.9.9"}, "locale": "de-DE"}
    assert merged[1]["integrations"] == {"Amplitude": False, "All": False}
    assert all("writeKey" not in message for message in merged)
    assert [e["valid"] for e in events] == [True, True]


def test_text_plain_and_gzip_bodies(collector: Server) -> None:
    plain = json.dumps(valid_track()).encode()
    assert collector.post("/v1/t", plain, **{"Content-Type": "text/plain"})[0] == 200
    packed = gzipped({"batch": [valid_track(), valid_track()]})
    assert collector.post("/v1/batch", packed, **{"Content-Encoding": "gzip"})[0] == 200
    # analytics-python marks gzip bodies; a body without the header is recognised by its bytes.
    assert collector.post("/v1/track", gzipped(valid_track()))[0] == 200
    summary = collector.get("/tp/summary")
    assert summary["events"] == summary["valid"] == 4


def test_collecting_paths_allow_any_origin_without_credentials(collector: Server) -> None:
    """What analytics.js needs: a preflight for its Authorization header, and answers it may
    read from any page; never credentials, never access to this machine's private network."""
    for origin in ("http://shop.localhost:3000", "null"):
        status, headers, _ = collector.request(
            "OPTIONS",
            "/v1/t",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, authorization, x-retry-count",
                "Access-Control-Request-Private-Network": "true",
            },
        )
        assert status == 204
        assert headers["access-control-allow-origin"] == "*"
        assert headers["access-control-allow-methods"] == "POST"
        allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
        assert {"content-type", "authorization", "content-encoding", "x-retry-count"} == allowed
        assert "access-control-allow-credentials" not in headers
        assert "access-control-allow-private-network" not in headers
        status, headers, _ = collector.request(
            "POST", "/v1/t", valid_track(), {"Origin": origin, "Content-Type": "text/plain"}
        )
        assert status == 200
        assert headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in headers
    put = {"Origin": "http://a.test", "Access-Control-Request-Method": "PUT"}
    status, headers, answer = collector.request("OPTIONS", "/v1/t", headers=put)
    assert (status, answer["code"]) == (403, "cors-refused")
    assert "access-control-allow-methods" not in headers
    assert collector.get("/tp/summary")["events"] == 2


def _refused(server: Server, method: str, path: str, **headers: str) -> tuple[int, str]:
    status, answer_headers, answer = server.request(method, path, headers=headers)
    assert not any(name.startswith("access-control-") for name in answer_headers), answer_headers
    assert len(answer["error"]) > 40, answer
    return status, answer["code"]


INSPECTION = [("GET", "/tp/summary"), ("GET", "/tp/events"), ("GET", "/tp/violations"),
              ("POST", "/tp/reset")]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), INSPECTION)
def test_inspection_api_is_same_origin_only(collector: Server, method: str, path: str) -> None:
    collector.post("/v1/track", valid_track())
    site = f"http://127.0.0.1:{collector.port}"
    refusals = [
        ({"Origin": "http://evil.test"}, "cross-origin"),
        ({"Origin": "null"}, "cross-origin"),
        ({"Origin": f"http://localhost:{collector.port + 1}"}, "cross-origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "cross-origin"),
        ({"Sec-Fetch-Site": "same-site"}, "cross-origin"),
        # DNS rebinding: a page of evil.test whose name now points at 127.0.0.1.
        ({"Host": f"evil.test:{collector.port}", "Origin": f"http://evil.test:{collector.port}"},
         "host-not-allowed"),
        ({"Host": f"evil.test:{collector.port}"}, "host-not-allowed"),
        ({"Host": "127.0.0.1"}, "host-not-allowed"),
    ]  # fmt: skip
    for headers, code in refusals:
        assert _refused(collector, method, path, **headers) == (403, code), headers
    preflight = {"Origin": "http://evil.test", "Access-Control-Request-Method": method}
    assert _refused(collector, "OPTIONS", path, **preflight) == (403, "cross-origin")
    assert collector.get("/tp/summary")["events"] == 1  # nothing was reset
    for host in ("127.0.0.1", "localhost", "[::1]", "LocalHost"):
        headers = {"Host": f"{host}:{collector.port}", "Sec-Fetch-Site": "same-origin"}
        if method == "POST":
            headers["Origin"] = f"http://{host}:{collector.port}"
        status, answer_headers, _ = collector.request(method, path, headers=headers)
        assert status == 200, (host, status)
        assert not any(name.startswith("access-control-") for name in answer_headers)
    assert collector.request(method, path, headers={"Origin": site})[0] == 200


def test_reset_refuses_what_a_form_or_simple_request_can_send(collector: Server) -> None:
    collector.post("/v1/track", valid_track())
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        status, _, answer = collector.request(
            "POST", "/tp/reset", b"{}", {"Content-Type": content_type}
        )
        assert (status, answer["code"]) == (415, "unsupported-media-type"), content_type
    connection = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
    connection.request("POST", "/tp/reset")  # no Content-Type at all
    assert connection.getresponse().status == 415
    connection.close()
    assert collector.get("/tp/summary")["events"] == 1


def test_allow_host_and_an_explicit_host(start_server: StartServer) -> None:
    server = start_server(
        "hosts.sqlite", "--host", "127.0.0.2", "--allow-host", "tp.test", "--allow-host", "box:8080"
    )
    for host in ("127.0.0.2", "tp.test", "localhost"):
        headers = {"Host": f"{host}:{server.port}"}
        assert server.request("GET", "/tp/summary", headers=headers)[0] == 200, host
    assert server.request("GET", "/tp/summary", headers={"Host": "box:8080"})[0] == 200
    assert server.request("GET", "/tp/summary", headers={"Host": "box:8081"})[0] == 403
    # Collecting is not tied to a name: an emulator reaches the machine at 10.0.2.2.
    status, _ = server.post("/v1/track", valid_track(), Host=f"10.0.2.2:{server.port}")
    assert status == 200
    bad = run_tp("serve", REPO_ROOT / PLAN, "--port", "0", "--allow-host", "a b")
    assert bad.code == 2 and "--allow-host" in bad.stderr and "Traceback" not in bad.output


# -- bad requests ---------------------------------------------------------------------------------

BIG = "x" * 33_000


def _truncated_gzip() -> bytes:
    packed = gzipped(valid_track())
    return packed[: len(packed) // 2]


BAD_REQUESTS: dict[str, tuple[str, bytes | dict[str, Any], dict[str, str], int, str]] = {
    "message over 32 KB": (
        "/v1/track", valid_track(properties={"note": BIG}), {}, 400, "EN201"
    ),
    "batch item over 32 KB": (
        "/v1/batch", {"batch": [valid_track(), valid_track(properties={"n": BIG})]}, {}, 400,
        "EN201",
    ),
    "batch over 500 KB": (
        "/v1/batch", {"batch": [valid_track(properties={"n": "y" * 30_000})] * 18}, {}, 400,
        "EN202",
    ),
    "batch of 2,501 messages": (
        "/v1/batch", {"batch": [{"type": "track"}] * 2_501}, {}, 400, "EN202"
    ),
    "gzip over 500 KB unpacked": (
        "/v1/batch", gzipped({"batch": [], "pad": " " * 600_000}), {"Content-Encoding": "gzip"},
        400, "EN202",
    ),
    "nested 300 levels deep": (
        "/v1/track", b'{"properties": {"x": ' + b"[" * 300 + b"]" * 300 + b"}}", {}, 400, "EN209"
    ),
    "malformed JSON": ("/v1/track", b'{"type": "track", "event": ', {}, 400, "EN200"),
    "truncated gzip": ("/v1/batch", _truncated_gzip(), {"Content-Encoding": "gzip"}, 400, "EN208"),
    "not gzip": ("/v1/track", b'{"a": 1}', {"Content-Encoding": "gzip"}, 400, "EN208"),
    "wrong content type": (
        "/v1/track", b"event=Signed+Up", {"Content-Type": "application/x-www-form-urlencoded"},
        400, "EN208",
    ),
    "an array": ("/v1/track", b"[{}]", {}, 400, "EN208"),
    "a number": ("/v1/batch", b"42", {}, 400, "EN208"),
    "a batch without batch": ("/v1/batch", b'{"type": "track"}', {}, 400, "EN208"),
    "a batch item that is no message": ("/v1/b", b'{"batch": [{}, 1]}', {}, 400, "EN208"),
    "empty body": ("/v1/track", b"", {}, 400, "EN208"),
    "unknown path": ("/v1/trak", valid_track(), {}, 404, "not-found"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_requests_get_a_json_error_and_the_server_goes_on(collector: Server, case: str) -> None:
    path, body, headers, status, code = BAD_REQUESTS[case]
    answer_status, answer = collector.post(path, body, **headers)
    assert (answer_status, answer["success"], answer["code"]) == (status, False, code), answer
    assert len(answer["error"]) > 20
    assert collector.post("/v1/track", valid_track()) == (200, {"success": True})
    assert collector.get("/tp/summary")["events"] == 1  # nothing of the bad request was kept


def test_wrong_method(collector: Server) -> None:
    status, headers, answer = collector.request("GET", "/v1/track")
    assert (status, answer["code"]) == (405, "method-not-allowed")
    assert "POST" in headers["allow"]
    status, _, answer = collector.request("DELETE", "/tp/summary")
    assert status == 405


def test_a_closed_connection_midway_does_not_hurt(collector: Server) -> None:
    with socket.create_connection(("127.0.0.1", collector.port)) as raw:
        raw.sendall(b'POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"ba')
    with socket.create_connection(("127.0.0.1", collector.port)) as raw:
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        raw.recv(1000)
    assert collector.post("/v1/track", valid_track())[0] == 200


# -- write keys -----------------------------------------------------------------------------------


def test_write_key(start_server: StartServer) -> None:
    keyed = start_server("keyed.sqlite", "--write-key", "secret")
    message = valid_track()
    assert keyed.post("/v1/track", message)[0] == 401
    assert keyed.post("/v1/track", message, Authorization=basic("other"))[0] == 401
    status, answer = keyed.post("/v1/track", {**message, "writeKey": "other"})
    assert (status, answer["code"]) == (401, "unauthorized")
    assert "--write-key" in answer["error"]
    assert keyed.post("/v1/track", message, Authorization=basic("secret"))[0] == 200
    assert keyed.post("/v1/t", {**valid_track(), "writeKey": "secret"})[0] == 200
    batch = {"batch": [valid_track()], "writeKey": "secret"}
    assert keyed.post("/v1/b", batch)[0] == 200
    assert keyed.get("/tp/summary")["events"] == 3
    assert keyed.stop() == 0


def test_unreadable_basic_credentials(collector: Server, start_server: StartServer) -> None:
    keyed = start_server("unreadable.sqlite", "--write-key", "secret")
    for credentials in (base64.b64encode(b"\xff\xfe:").decode(), "\xe9t\xe9", "%%%", ""):
        authorization = f"Basic {credentials}"
        status, answer = keyed.post("/v1/track", valid_track(), Authorization=authorization)
        assert (status, answer["code"]) == (401, "unauthorized"), credentials
        assert collector.post("/v1/track", valid_track(), Authorization=authorization)[0] == 200
    assert keyed.get("/tp/summary")["events"] == 0


def test_inspection_and_reset_need_the_key(start_server: StartServer) -> None:
    keyed = start_server("inspect.sqlite", "--write-key", "secret")
    keyed.post("/v1/track", valid_track(), Authorization=basic("secret"))
    for method, path in INSPECTION:
        for headers in ({}, {"Authorization": basic("other")}, {"Authorization": "Bearer other"}):
            status, answer_headers, answer = keyed.request(method, path, headers=headers)
            assert (status, answer["code"]) == (401, "unauthorized"), (path, headers)
            assert answer_headers["www-authenticate"].startswith("Basic")
            assert "--write-key" in answer["error"]
    assert keyed.get("/tp/summary")["events"] == 1  # the key as Basic auth user, as for SDKs
    status, _, summary = keyed.request(
        "GET", "/tp/summary", headers={"Authorization": "Bearer secret"}
    )
    assert (status, summary["events"]) == (200, 1)
    keyed.reset()
    assert keyed.get("/tp/summary")["events"] == 0
    assert run_tp("serve", REPO_ROOT / PLAN, "--write-key", "").code == 2


# -- a real Segment client ------------------------------------------------------------------------


def test_segment_python_client(collector: Server) -> None:
    errors: list[Exception] = []
    client = segment.analytics.Client(
        "any-key",
        host=collector.url,
        sync_mode=True,
        on_error=lambda error, _: errors.append(error),
    )
    context = {"app": {"name": "acme-orders", "version": "3.18.0"}}
    client.track(
        "usr_1", "Product Viewed", {"product_id": "prd_000001", "price": 19.99}, context=context
    )
    client.track(
        "usr_1", "Product Added", {"product_id": "prd_000001", "quantity": 0}, context=context
    )
    client.identify("usr_1", {"email": "a@example.com"}, context=context)
    client.page("usr_1", name="Home", context=context)
    client.group("usr_1", "biz_1", {"name": "Harbor Lane School"}, context=context)
    client.flush()
    assert not errors
    events = collector.get("/tp/events")["events"]
    assert [e["type"] for e in events] == ["track", "track", "identify", "page", "group"]
    assert all(e["message"]["context"]["library"]["name"] == "analytics-python" for e in events)
    by_label = {e["label"]: e for e in events}
    assert by_label["Product Viewed"]["valid"] is True
    assert by_label["Product Viewed"]["findings"] == []
    added = by_label["Product Added"]
    assert added["valid"] is False
    codes = {(f["code"], f["pointer"]) for f in added["findings"]}
    assert ("EV103", "/properties/cart_id") in codes  # required, missing
    assert ("EV107", "/properties/quantity") in codes  # minimum 1
    violations = collector.get("/tp/violations")["violations"]
    assert {v["event_id"] for v in violations if v["label"] == "Product Added"} == {added["id"]}
    assert set(collector.get("/tp/events?event=Product%20Added")["events"][0]) == {
        "id", "received_at", "type", "label", "valid", "message", "findings"
    }  # fmt: skip
    assert collector.get("/tp/events?valid=true&limit=1")["events"][0]["type"] == "group"


SDK_DEFAULTS_PLAN = """\
plan: sdk-defaults
include: [segment/mobile, segment/ecommerce]
conventions: {events: any, properties: any}
unplanned_events: forbid
unplanned_properties: forbid
identify:
  traits:
    email: email
group:
  traits:
    name: string
pages:
  Home: {}
screens:
  Settings: {}
"""


def test_what_the_python_sdk_sends_by_default_is_valid(
    start_server: StartServer, tmp_path: Path
) -> None:
    """segment-analytics-python's defaults: a page or screen without a name (sent as null),
    timestamps in local time with their offset, sentAt on the batch only, an alias; and a
    mobile spec event with the null version analytics-kotlin sends. Nothing of it is a finding,
    live or when the stored messages are validated as a file."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(SDK_DEFAULTS_PLAN, encoding="utf-8")
    collector = start_server("sdk.sqlite", plan=plan)
    errors: list[Exception] = []
    client = segment.analytics.Client(
        "any-key", host=collector.url, on_error=lambda error, _: errors.append(error)
    )
    local = datetime.now(timezone(timedelta(hours=-7)))  # what a server in Denver sends
    client.page("usr_1")
    client.page("usr_1", name="Home", timestamp=local)
    client.screen(anonymous_id="anon_1")
    client.screen("usr_1", name="Settings", timestamp=datetime.now(UTC))
    client.identify("usr_1", {"email": "a@example.com"}, timestamp=local)
    client.group("usr_1", "biz_1", {"name": "Harbor Lane School"})
    client.alias("anon_1", "usr_1")
    client.track("usr_1", "Application Installed", {"version": None, "build": "1"})
    client.track(
        "usr_1",
        "Order Completed",
        {"order_id": "50314b8e9bcf000000000000", "total": 27.5, "currency": "USD"},
        timestamp=local,
    )
    client.flush()
    client.join()
    assert not errors
    events = collector.get("/tp/events")["events"]
    assert len(events) == 9, events
    assert [(e["label"], e["findings"]) for e in events if e["findings"]] == []
    assert all(e["valid"] for e in events)
    unnamed = [e["message"] for e in events if e["type"] in ("page", "screen")][:1]
    assert unnamed and unnamed[0]["name"] is None  # the SDK's default really is null
    dump = tmp_path / "captured.jsonl"
    dump.write_text("".join(json.dumps(e["message"]) + "\n" for e in events), encoding="utf-8")
    result = run_tp("validate", plan, dump, "--format", "json")
    report = json.loads(result.stdout)
    worrying = [d for d in report["diagnostics"] if d["severity"] != "info"]  # DR304: unsent
    assert (result.code, report["summary"]["invalid"], worrying) == (0, 0, []), report


def test_violation_lines_and_naming_drift(collector: Server) -> None:
    collector.post("/v1/track", valid_track(event="Aplication Opened"))
    lines = collector.output_until("EV100")
    assert any("'Application Opened'" in line and "/event" in line for line in lines), lines
    summary = collector.get("/tp/summary")
    assert summary["by_event"] == {"Aplication Opened": {"valid": 0, "invalid": 1}}
    assert summary["violations"] == {"EV100": 1}
    (violation,) = collector.get("/tp/violations")["violations"]
    assert set(violation) == {"code", "severity", "message", "pointer", "label", "event_id"}
    assert (violation["severity"], violation["pointer"]) == ("error", "/event")


def test_inspection_queries(collector: Server) -> None:
    collector.post("/v1/batch", {"batch": [valid_track(), valid_track(event="Nope"), sample(4)]})
    assert [e["label"] for e in collector.get("/tp/events?valid=false")["events"]] == ["Nope"]
    assert len(collector.get("/tp/events?event=Product%20Viewed")["events"]) == 1
    assert len(collector.get("/tp/events?limit=2")["events"]) == 2
    assert len(collector.get("/tp/events?limit=99999999999999999999999")["events"]) == 3
    assert len(collector.get("/tp/violations?limit=" + "9" * 5000)["violations"]) == 1
    assert len(collector.get("/tp/events?limit=0002")["events"]) == 2
    bad_queries = [
        "/tp/events?valid=maybe", "/tp/events?limit=0", "/tp/events?limit=x",
        "/tp/events?limit=-5", "/tp/events?limit=", "/tp/events?limit=%C2%B2",
        "/tp/events?limit=1.5", "/tp/events?limit=1&limit=2", "/tp/events?valid=true&valid=false",
        "/tp/events?event=a&event=b", "/tp/events?lmit=2", "/tp/summary?limit=2",
        "/tp/violations?event=x", "/tp/violations?limit=%00",
    ]  # fmt: skip
    for query in bad_queries:
        status, _, answer = collector.request("GET", query)
        assert (status, answer["code"]) == (400, "bad-query"), (query, answer)
        assert len(answer["error"]) > 30
    assert collector.get("/tp/events?event=%FF%FE")["events"] == []
    collector.reset()
    assert collector.get("/tp/summary") == {
        "events": 0, "valid": 0, "invalid": 0, "by_event": {}, "violations": {}
    }  # fmt: skip


def test_duplicate_message_ids_across_requests(collector: Server) -> None:
    message = valid_track()
    collector.post("/v1/track", message)
    collector.post("/v1/batch", {"batch": [message]})
    first, second = collector.get("/tp/events")["events"]
    assert first["findings"] == []
    assert [f["code"] for f in second["findings"]] == ["EN205"]


def test_live_view_shows_names_from_clients_without_obeying_them(tmp_path: Path) -> None:
    """On a terminal, the live view: an event name from any page must not retitle the window."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [tp_executable(), "serve", PLAN, "--port", "0", "--db", str(tmp_path / "live.sqlite")],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.PIPE,
    )
    os.close(secondary)
    shown = bytearray()

    def read() -> None:
        with contextlib.suppress(OSError):  # the terminal closes with the server
            while chunk := os.read(primary, 65536):
                shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (found := re.search(rb"listening on http://127.0.0.1:(\d+)", shown)):
            assert time.monotonic() < deadline and process.poll() is None, bytes(shown)
            time.sleep(0.05)
        port = int(found.group(1))
        body = json.dumps(valid_track(event="Evil\x1b]0;pwned\x07\u202e")).encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/v1/track", body, {"Content-Type": "application/json"})
        assert connection.getresponse().status == 200
        connection.close()
        while b"pwned" not in shown:
            assert time.monotonic() < deadline + 10, bytes(shown)
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=15)
        reader.join(timeout=5)
        os.close(primary)
    assert b"\x1b]0;pwned" not in shown and "\u202e".encode() not in shown
    assert b"Evil\\x1b]0;pwned\\x07\\u202e" in shown


# -- tp captures check ----------------------------------------------------------------------------


def test_captures_check(collector: Server) -> None:
    collector.post("/v1/track", valid_track())
    assert run_tp("captures", "check", "--url", collector.url).code == 0
    unplanned_property = valid_track(properties={**valid_track()["properties"], "colour": "red"})
    collector.post("/v1/track", unplanned_property)  # a warning
    assert run_tp("captures", "check", "--url", collector.url).code == 0
    warned = run_tp("captures", "check", "--url", collector.url, "--fail-on", "warning")
    assert warned.code == 1, warned.output
    assert "EV102" in warned.stdout
    collector.post("/v1/track", valid_track(event="Nope"))
    failed = run_tp("captures", "check", "--url", collector.url)
    assert failed.code == 1
    assert "EV100" in failed.stdout and "3 events" in failed.stdout


def test_captures_check_without_a_server() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = run_tp("captures", "check", "--url", f"http://127.0.0.1:{port}")
    assert result.code == 2
    assert "cannot reach tp serve" in result.stderr
    assert "Traceback" not in result.output


class _Liar(BaseHTTPRequestHandler):
    """A server that is not tp serve: answers per path from `answers` (status, headers, body)."""

    answers: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.answers[self.path]
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


LYING_SERVERS = {
    "body shorter than its Content-Length": (
        200, {"Content-Length": "500"}, b'{"events": 1, "valid": 1}', "cannot read"
    ),
    "nested too deeply": (200, {}, b"[" * 100_000 + b"]" * 100_000, "cannot read"),
    "not JSON": (200, {}, b"<html>", "cannot read"),
    "not UTF-8": (200, {}, b'{"events": "\xff"}', "cannot read"),
    "a JSON array": (200, {}, b"[1]", "not as tp serve does"),
    "an error": (500, {}, b"oops", "HTTP 500"),
    "a refusal that says why": (
        403, {}, b'{"error": "use --allow-host X\\u001b[2J"}', "HTTP 403: use --allow-host X\\x1b"
    ),
}  # fmt: skip


def _check_against(answers: dict[str, tuple[int, dict[str, str], bytes]]) -> Run:
    """`tp captures check` against a server giving these answers."""
    _Liar.answers = answers
    liar = ThreadingHTTPServer(("127.0.0.1", 0), _Liar)
    threading.Thread(target=liar.serve_forever, daemon=True).start()
    try:
        return run_tp("captures", "check", "--url", f"http://127.0.0.1:{liar.server_port}")
    finally:
        liar.shutdown()
        liar.server_close()


@pytest.mark.parametrize("case", list(LYING_SERVERS))
def test_captures_check_against_a_server_that_is_not_tp_serve(case: str) -> None:
    status, headers, body, message = LYING_SERVERS[case]
    result = _check_against({"/tp/summary": (status, headers, body)})
    assert result.code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


BAD_URLS = ["http://127.0.0.1:99999", "http://[::1", "127.0.0.1:8642", "http://", "ftp://x",
            "http://127.0.0.1:1/[/b]"]  # fmt: skip


@pytest.mark.parametrize("url", BAD_URLS)
def test_captures_check_with_a_bad_url(url: str) -> None:
    result = run_tp("captures", "check", "--url", url)
    assert result.code == 2, result.output
    assert "--url" in result.stderr
    assert "Traceback" not in result.output


def test_captures_check_shows_what_a_server_sends_without_obeying_it() -> None:
    summary = {"events": 1, "valid": 0, "invalid": 1}
    violation = {
        "code": "[/x]\x1b[2J", "severity": "error", "message": "\x1b]0;pwned\x07 \u202egnp.exe",
        "pointer": "/event", "label": "Evil\x1b[31m", "event_id": 1,
    }  # fmt: skip
    result = _check_against(
        {
            "/tp/summary": (200, {}, json.dumps(summary).encode()),
            "/tp/violations": (200, {}, json.dumps({"violations": [violation]}).encode()),
        }
    )
    assert result.code == 1, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.stdout and "[/x]\\x1b[2J x1" in result.stdout


def test_captures_check_with_a_write_key(start_server: StartServer) -> None:
    keyed = start_server("check.sqlite", "--write-key", "secret")
    keyed.post("/v1/track", valid_track(event="Nope"), Authorization=basic("secret"))
    refused = run_tp("captures", "check", "--url", keyed.url)
    assert refused.code == 2
    assert "--write-key" in refused.stderr
    wrong = run_tp("captures", "check", "--url", keyed.url, "--write-key", "other")
    assert wrong.code == 2 and "--write-key" in wrong.stderr
    checked = run_tp("captures", "check", "--url", keyed.url, "--write-key", "secret")
    assert checked.code == 1, checked.output
    assert "EV100" in checked.stdout


# -- durability -----------------------------------------------------------------------------------


def test_acknowledged_events_survive_kill_9(start_server: StartServer, tmp_path: Path) -> None:
    first = start_server("state/durable.sqlite")  # the folder is made
    sent = [valid_track() for _ in range(60)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda m: first.post("/v1/track", m)[0], sent))
    assert statuses == [200] * len(sent)
    first.stop(signal.SIGKILL)
    second = start_server("state/durable.sqlite")
    assert second.get("/tp/summary")["events"] == len(sent)
    second.post("/v1/track", valid_track())
    second.stop(signal.SIGKILL)
    db = second.db
    export = tmp_path / "captured.jsonl"
    exported = run_tp("captures", "export", "--db", db, "-o", export)
    assert exported.code == 0, exported.output
    ids = [json.loads(line)["messageId"] for line in export.read_text().splitlines()]
    assert sorted(ids[:-1]) == sorted(m["messageId"] for m in sent)
    assert len(ids) == len(sent) + 1
    validated = run_tp("validate", PLAN, export, "--format", "json", cwd=REPO_ROOT)
    assert validated.code == 0, validated.output
    assert json.loads(validated.stdout)["summary"]["records"] == len(sent) + 1


def test_one_server_per_store(start_server: StartServer, tmp_path: Path) -> None:
    first = start_server("shared.sqlite")
    second = run_tp("serve", REPO_ROOT / PLAN, "--port", "0", "--db", first.db, timeout=30)
    assert second.code == 2, second.output
    assert "another tp serve" in second.stderr and str(first.process.pid) in second.stderr
    assert "--db" in second.stderr and "Traceback" not in second.output
    assert first.post("/v1/track", valid_track())[0] == 200
    first.stop(signal.SIGKILL)  # its lock file stays behind, but nobody holds it
    assert list(tmp_path.glob("shared.sqlite*.lock"))
    third = start_server("shared.sqlite")
    assert third.get("/tp/summary")["events"] == 1
    assert third.stop() == 0
    assert not list(tmp_path.glob("shared.sqlite*.lock"))  # a clean stop tidies up


def test_captures_export_errors(tmp_path: Path) -> None:
    missing = run_tp("captures", "export", "--db", tmp_path / "none.sqlite")
    assert missing.code == 2 and "no capture store" in missing.stderr
    (tmp_path / "text.sqlite").write_text("not a database")
    broken = run_tp("captures", "export", "--db", tmp_path / "text.sqlite")
    assert broken.code == 2 and "cannot use" in broken.stderr


def test_serve_start_errors(server: Server, tmp_path: Path) -> None:
    (tmp_path / "text.sqlite").write_text("not a database")
    args = ("serve", REPO_ROOT / PLAN, "--db")
    broken = run_tp(*args, tmp_path / "text.sqlite", "--port", "0")
    assert broken.code == 2 and "capture store" in broken.stderr
    busy = run_tp(*args, tmp_path / "y.sqlite", "--port", str(server.port))
    assert busy.code == 2 and "is in use" in busy.stderr
    bad_forward = run_tp(*args, tmp_path / "y.sqlite", "--forward", "api.segment.io")
    assert bad_forward.code == 2 and "http(s) URL" in bad_forward.stderr
    assert "Traceback" not in broken.output + busy.output + bad_forward.output


# -- limits ---------------------------------------------------------------------------------------


def _answer(raw: socket.socket) -> bytes:
    """What the server sends until it closes the connection."""
    raw.settimeout(30)
    received = b""
    try:
        while chunk := raw.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def test_a_partial_request_head_times_out(start_server: StartServer) -> None:
    server = start_server("head.sqlite", "--header-timeout", "0.5")
    partial = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    for raw in partial:
        raw.sendall(b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
    idle = socket.create_connection(("127.0.0.1", server.port))
    for raw in partial:
        answer = _answer(raw)
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert b'"code":"request-timeout"' in answer
        raw.close()
    assert _answer(idle) == b""  # a connection that never sent anything just closes
    idle.close()
    (line,) = server.wait_for_stderr("request head")
    assert "--header-timeout" in line
    assert server.post("/v1/track", valid_track())[0] == 200
    assert server.stop() == 0
    assert "Traceback" not in "\n".join(server.stderr)
    assert len(server.stderr) == 1, server.stderr


def test_a_slow_body_times_out(start_server: StartServer) -> None:
    server = start_server("body.sqlite", "--body-timeout", "0.5")
    body = json.dumps(valid_track()).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(
            b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:-5]
        )
        answer = _answer(raw)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b'"code":"request-timeout"' in answer
    assert "--body-timeout" in server.wait_for_stderr("request body")[0]
    assert server.get("/tp/summary")["events"] == 0
    assert server.post("/v1/track", valid_track())[0] == 200
    assert server.stop() == 0
    assert "Traceback" not in "\n".join(server.stderr)


def _release(server: Server, held: list[socket.socket]) -> None:
    """Closes the connections, then waits until the server has room for another."""
    for raw in held:
        raw.close()
    deadline = time.monotonic() + 10
    while server.request("GET", "/tp/summary")[0] != 200:
        assert time.monotonic() < deadline, "the server does not take connections again"
        time.sleep(0.05)


def test_connection_limit(start_server: StartServer) -> None:
    server = start_server("conns.sqlite", "--max-connections", "4")
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]
    status, _, answer = server.request("GET", "/tp/summary")
    assert (status, answer["code"]) == (503, "too-many-connections"), answer
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server.port)) as extra:
            assert _answer(extra).startswith(b"HTTP/1.1 503 ")
    _release(server, held)
    (line,) = server.wait_for_stderr("connection")
    assert "--max-connections" in line
    assert server.stop() == 0
    assert len(server.stderr) == 1, server.stderr


def test_idle_connections_never_exhaust_descriptors(start_server: StartServer) -> None:
    server = start_server("fds.sqlite", "--quiet", descriptors=128)
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(300)]
    try:
        acknowledged = server.post("/v1/track", valid_track())
    except (BrokenPipeError, ConnectionResetError):  # shed while every descriptor is taken
        acknowledged = (0, None)
    _release(server, held)
    if acknowledged[0] == 200:
        assert server.get("/tp/summary")["events"] == 1
    assert server.post("/v1/track", valid_track())[0] == 200
    assert server.stop() == 0
    errors = "\n".join(server.stderr)
    assert "Traceback" not in errors and "Too many open files" not in errors, errors
    assert len(server.stderr) <= 2, server.stderr  # the lowered limit, the refusals


# -- forwarding -----------------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    received: queue.Queue[tuple[str, dict[str, str], bytes]] = queue.Queue()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.put((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_forward_relays_requests_unchanged(start_server: StartServer) -> None:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        relaying = start_server(
            "f.sqlite", "--forward", f"http://127.0.0.1:{upstream.server_port}/"
        )
        body = gzipped({"batch": [valid_track()], "writeKey": "wk"})
        headers = {
            "Authorization": basic("wk"),
            "Content-Encoding": "gzip",
            "Content-Type": "text/plain",
        }
        assert relaying.post("/v1/b?x=1", body, **headers)[0] == 200
        path, received, received_body = _Recorder.received.get(timeout=10)
        assert (path, received_body) == ("/v1/b?x=1", body)
        assert received["authorization"] == headers["Authorization"]
        assert received["content-encoding"] == "gzip"
        assert received["content-type"] == "text/plain"
        assert relaying.post("/v1/track", b"{bad")[0] == 400  # refused requests stay here
        assert relaying.post("/v1/track", valid_track())[0] == 200
        assert _Recorder.received.get(timeout=10)[0] == "/v1/track"
        assert relaying.stop() == 0
    finally:
        upstream.shutdown()
        upstream.server_close()


def test_forward_failures_never_reach_the_client(start_server: StartServer) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    relaying = start_server("g.sqlite", "--forward", f"http://127.0.0.1:{port}")
    assert relaying.post("/v1/track", valid_track()) == (200, {"success": True})
    deadline = time.monotonic() + 10
    while not any("forward:" in line for line in relaying.stderr):
        assert time.monotonic() < deadline, relaying.stderr
        time.sleep(0.05)
    assert relaying.get("/tp/summary")["events"] == 1
    assert relaying.stop() == 0
