"""`tp serve` end to end with Segment's own clients, not with hand-made requests.

- Node: @segment/analytics-node, run by node (tests/fixtures/serve/node_client.cjs), sends an
  identify, two "Order Completed" tracks (one breaks the plan's currency enum), and a page and
  a screen without a name (the SDK's defaults, which must raise nothing) to POST /v1/batch with
  the write key as Basic auth.
- Browser: Debian's headless Chromium, driven by Playwright, opens tests/fixtures/serve/page.html
  from a static server on another port than the collector, so every call crosses origins (the
  SDK's Authorization header makes the browser send a CORS preflight first). The page loads
  analytics-next's UMD build from the npm package and sends a page call and the same two tracks
  as text/plain to /v1/p and /v1/t. The browser context records a HAR of the session, which
  `tp validate` must judge as the collector did. Then tests/fixtures/serve/hostile.html, from
  the same other origin, tries to read the captures and to reset them, and must fail.

Each test asserts what the collector stored and validated through its inspection API (/tp/...).
A session fixture installs the pinned npm packages into .cache/serve-npm/ once. The tests skip
when node, npm, Playwright or /usr/bin/chromium is missing, except under CI=true, where they
fail: .ci/run installs what they need.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import REPO_ROOT, SHOP_PLAN, npm_packages, run_tp, tp_executable

pytestmark = pytest.mark.e2e

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "serve"
NPM_CACHE = REPO_ROOT / ".cache" / "serve-npm"
# Checked to work with these tests; bump them together and run them again.
PACKAGES = {
    "@segment/analytics-node": "3.1.0",
    "@segment/analytics-next": "1.84.3",
}
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WRITE_KEY = "tp-test-write-key"
LISTENING = re.compile(r"tp serve: listening on (http://\S+)")
SECONDS_TO_START = 30
SECONDS_TO_ARRIVE = 15


def unavailable(reason: str) -> NoReturn:
    """Skip for want of a tool; under CI, which must have it, fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/run installs it")
    pytest.skip(reason)


# -- the collector -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collector:
    url: str

    def get(self, path: str, **query: str | int) -> Any:
        """The inspection API, with the write key the collector was started with."""
        target = f"{self.url}{path}"
        if query:
            target += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(target, headers={"Authorization": f"Bearer {WRITE_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = self.get("/tp/summary")
        return summary

    def wait_for_events(self, count: int) -> dict[str, Any]:
        """The summary once at least `count` events are stored (or when time runs out)."""
        deadline = time.monotonic() + SECONDS_TO_ARRIVE
        summary = self.summary()
        while summary["events"] < count and time.monotonic() < deadline:
            time.sleep(0.1)
            summary = self.summary()
        return summary

    def events(self, **query: str | int) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.get("/tp/events", **query)["events"]
        return events


@contextmanager
def serving(folder: Path) -> Iterator[Collector]:
    """`tp serve` on the shop plan, a fresh database in `folder` and a free port."""
    log_path = folder / "serve.log"
    database = folder / "captures.db"
    command = [tp_executable(), "serve", str(SHOP_PLAN), "--port", "0", "--db", str(database)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*command, "--write-key", WRITE_KEY],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SECONDS_TO_START
        while (found := LISTENING.search(log_path.read_text(errors="replace"))) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"tp serve did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Collector(found.group(1).rstrip("/"))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def assert_order_checked(collector: Collector, summary: dict[str, Any]) -> None:
    """One valid and one invalid "Order Completed"; the invalid one for its currency only."""
    assert summary["by_event"]["Order Completed"] == {"valid": 1, "invalid": 1}, summary
    assert summary["violations"].get("EV105") == 1, summary

    invalid = collector.events(event="Order Completed", valid="false")
    assert len(invalid) == 1, invalid
    assert invalid[0]["type"] == "track"
    errors = [f for f in invalid[0]["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["pointer"]) for f in errors] == [("EV105", "/properties/currency")]
    assert "XYZ" in errors[0]["message"]

    valid = collector.events(event="Order Completed", valid="true")
    assert len(valid) == 1, valid
    assert not [f for f in valid[0]["findings"] if f["severity"] == "error"], valid

    violations = json.dumps(collector.get("/tp/violations"))
    assert "EV105" in violations, violations


# -- npm packages --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The pinned Segment SDKs in .cache/serve-npm/ (installed once)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        unavailable("npm and node are needed to run Segment's JavaScript SDKs")
    return npm_packages(NPM_CACHE, PACKAGES, timeout=300)


# -- Node ----------------------------------------------------------------------------------------


def test_analytics_node_batches_are_stored_and_validated(
    node_modules: Path, tmp_path: Path
) -> None:
    node = shutil.which("node")
    assert node is not None
    with serving(tmp_path) as collector:
        sent = subprocess.run(
            [node, str(FIXTURES / "node_client.cjs"), collector.url, WRITE_KEY],
            env={**os.environ, "NODE_PATH": str(node_modules)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert sent.returncode == 0, f"the SDK reported an error:\n{sent.stdout}{sent.stderr}"

        summary = collector.wait_for_events(5)
        assert (summary["events"], summary["valid"], summary["invalid"]) == (5, 4, 1), summary
        assert summary["by_event"]["identify"] == {"valid": 1, "invalid": 0}, summary
        assert summary["violations"] == {"EV105": 1}, summary
        assert_order_checked(collector, summary)
        unnamed = collector.events(event="page") + collector.events(event="screen")
        assert [(e["type"], e["findings"]) for e in unnamed] == [("page", []), ("screen", [])]

        identify = collector.events(event="identify")
        assert [e["type"] for e in identify] == ["identify"]


# -- the browser ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowserSession:
    collector: Collector
    sent: list[dict[str, str]]
    summary: dict[str, Any]
    collector_responses: list[tuple[str, str, int, str | None]]
    failed_requests: list[str]
    console_errors: list[str]
    har: Path
    hostile: list[list[Any]]
    summary_after_hostile: dict[str, Any]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_site(root: Path) -> Iterator[str]:
    """Serve `root` on a free loopback port; yields the origin."""
    handler: Callable[..., _QuietHandler] = functools.partial(_QuietHandler, directory=str(root))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_port}"
    finally:
        site.shutdown()
        site.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser_session(
    node_modules: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserSession]:
    """The fixture page in headless Chromium, against a collector on another origin."""
    try:
        from playwright.sync_api import ConsoleMessage, Request, Response, sync_playwright
    except ImportError:
        unavailable("Playwright's Python package is needed to drive Chromium")
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")

    folder = tmp_path_factory.mktemp("browser")
    site_root = folder / "site"
    site_root.mkdir()
    for name in ("page.html", "hostile.html"):
        shutil.copy(FIXTURES / name, site_root / name)
    (site_root / "analytics-next").symlink_to(node_modules / "@segment/analytics-next/dist/umd")
    har = folder / "session.har"

    with serving(folder) as collector, static_site(site_root) as origin:
        collector_responses: list[tuple[str, str, int, str | None]] = []
        failed_requests: list[str] = []
        console_errors: list[str] = []

        def on_response(response: Response) -> None:
            if response.url.startswith(collector.url):
                path = urllib.parse.urlsplit(response.url).path
                allowed = response.headers.get("access-control-allow-origin")
                collector_responses.append(
                    (response.request.method, path, response.status, allowed)
                )

        def on_request_failed(request: Request) -> None:
            failed_requests.append(f"{request.method} {request.url}: {request.failure}")

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(message.text)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(record_har_path=str(har))
                page = context.new_page()
                page.on("response", on_response)
                page.on("requestfailed", on_request_failed)
                page.on("console", on_console)
                query = urllib.parse.urlencode(
                    {"collector": collector.url.removeprefix("http://"), "writeKey": WRITE_KEY}
                )
                page.goto(f"{origin}/page.html?{query}")
                sent = page.evaluate("window.tpDone")
                summary = collector.wait_for_events(3)
                # Closing the context writes the HAR.
                context.close()
                # Another page, in a context of its own (outside the HAR), goes for the captures.
                other = browser.new_context().new_page()
                other.goto(f"{origin}/hostile.html?{query}")
                hostile = other.evaluate("window.tpDone")
                summary_after_hostile = collector.summary()
            finally:
                browser.close()
        yield BrowserSession(
            collector=collector,
            sent=sent,
            summary=summary,
            collector_responses=collector_responses,
            failed_requests=failed_requests,
            console_errors=console_errors,
            har=har,
            hostile=hostile,
            summary_after_hostile=summary_after_hostile,
        )


def test_analytics_next_calls_cross_origins_to_the_collector(
    browser_session: BrowserSession,
) -> None:
    session = browser_session
    assert "error" not in session.sent, session.sent
    assert [call["type"] for call in session.sent] == ["page", "track", "track"], session.sent
    # A response the browser blocks for CORS shows up as a failed request and a console error.
    assert not session.failed_requests, session.failed_requests
    assert not session.console_errors, session.console_errors
    posts = [r for r in session.collector_responses if r[0] == "POST"]
    assert [(path, status) for _, path, status, _ in posts] == [
        ("/v1/p", 200),
        ("/v1/t", 200),
        ("/v1/t", 200),
    ], session.collector_responses
    assert all(allowed is not None for *_, allowed in posts), session.collector_responses


def test_other_pages_can_neither_read_nor_reset_the_captures(
    browser_session: BrowserSession,
) -> None:
    outcomes = {name: (outcome, detail) for name, outcome, detail in browser_session.hostile}
    for name in ("read the events", "read the summary with cookies", "reset as JSON"):
        assert outcomes[name][0] == "blocked", outcomes
    # A no-cors request is sent, and its answer hidden from the page: the server must refuse it.
    assert outcomes["reset as text"] == (0, ""), outcomes
    assert outcomes["reset as a form"] == (0, ""), outcomes
    assert browser_session.summary_after_hostile == browser_session.summary


def test_analytics_next_calls_are_stored_and_validated(browser_session: BrowserSession) -> None:
    summary = browser_session.summary
    assert (summary["events"], summary["valid"], summary["invalid"]) == (3, 2, 1), summary
    # analytics.js adds `search` to page properties, which the plan does not list: a warning.
    assert summary["by_event"]["page Home"] == {"valid": 1, "invalid": 0}, summary
    assert_order_checked(browser_session.collector, summary)


def test_har_of_the_browser_session_validates_like_the_collector(
    browser_session: BrowserSession,
) -> None:
    assert browser_session.har.is_file()
    result = run_tp("validate", SHOP_PLAN, browser_session.har, "--format", "json")
    assert result.code == 1, result.output
    report = json.loads(result.stdout)
    counts = {key: report["summary"][key] for key in ("records", "valid", "invalid")}
    assert counts == {"records": 3, "valid": 2, "invalid": 1}, report["summary"]
    by_definition = {e["definition"]: (e["records"], e["invalid"]) for e in report["events"]}
    assert by_definition == {"page Home": (1, 0), "Order Completed": (2, 1)}, report["events"]
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["location"]["pointer"]) for d in errors] == [
        ("EV105", "/properties/currency")
    ], errors
    # One diagnostic per code and message, with its count; drift findings (DR...) are about
    # the whole input, which the collector does not judge.
    found: Counter[str] = Counter()
    for diagnostic in report["diagnostics"]:
        if diagnostic["code"].startswith("EV"):
            found[diagnostic["code"]] += diagnostic["data"]["count"]
    assert browser_session.collector.summary()["violations"] == found, report["diagnostics"]
