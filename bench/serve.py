"""Benchmark `tp serve`: throughput, latency and loss of the local collector on loopback.

Run with the project's virtual environment, from the repository root:

    .venv/bin/python bench/serve.py [--seconds 5] [--concurrency 8] [--processes 2]

It starts `tp serve plans/shop/plan.yaml --port 0 --db TMP/captures.db --write-key K --quiet`
and drives it from `--processes` client processes with `--concurrency` keep-alive
`http.client` connections in all (one thread each). Every connection sends its next request
when the last one is answered (a closed loop), so the load is bounded by the connections and
stops by itself after a warm-up second and `--seconds`:

1. single messages: POST /v1/track, one message a request;
2. batches: POST /v1/batch, 100 messages a request.

Messages are valid shop events (four track events with the required `context.app.version`),
each with a unique messageId, JSON bodies with the write key as Basic auth, built from
templates before the clock starts. Rates and latencies count the requests answered inside the
timed window; everything sent counts towards "acknowledged" (a 200 with `"success": true`).
After each phase the script waits for /tp/summary to stop growing and compares it with what
was acknowledged; at the end it stops the server and counts the distinct messageIds in
`tp captures export` of the database.

Targets: >= 20,000 events/s through /v1/batch, >= 1,500 requests/s on /v1/track, and zero
loss (every request acknowledged, every acknowledged message stored exactly once, none of them
invalid). Exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import http.client
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PLAN = REPO / "plans" / "shop" / "plan.yaml"
TP = Path(sys.executable).parent / "tp"
WRITE_KEY = "bench-write-key"
AUTHORIZATION = "Basic " + base64.b64encode(f"{WRITE_KEY}:".encode()).decode()
LISTENING = re.compile(r"tp serve: listening on http://([^:/\s]+):(\d+)")
BATCH_SIZE = 100
WARM_UP_SECONDS = 1.0
START_DELAY_SECONDS = 1.0  # for the client processes to start and connect
SETTLE_SECONDS = 30.0  # how long stored counts may lag behind acknowledgements

TARGET_BATCH_EVENTS_PER_SECOND = 20_000
TARGET_SINGLE_REQUESTS_PER_SECOND = 1_500

MESSAGE_ID = "@MESSAGE_ID@"
CONTEXT = {
    "app": {"name": "Acme Shop", "version": "4.11.3", "build": "4113"},
    "library": {"name": "bench/serve.py", "version": "1"},
    "locale": "en-US",
}
PRODUCTS = [{"product_id": "prd_004211", "quantity": 2, "price": 19.99}]
TRACKS: list[tuple[str, dict[str, Any]]] = [
    ("Product Viewed", {"product_id": "prd_004211", "currency": "USD", "price": 19.99}),
    (
        "Product Added",
        {"cart_id": "cart_9f86d081884c7d65", "product_id": "prd_004211", "quantity": 2},
    ),
    (
        "Checkout Started",
        {"value": 39.98, "currency": "EUR", "products": PRODUCTS},
    ),
    (
        "Order Completed",
        {
            "order_id": "ord_7k2m9x4q1b8z",
            "revenue": 39.98,
            "currency": "EUR",
            "affiliation": "acme-web",
            "products": PRODUCTS,
        },
    ),
]


# --- Client side: one process, a few connections ---------------------------------------------


def message_templates() -> list[tuple[bytes, bytes]]:
    """Each track message as the JSON before and after its messageId."""
    templates = []
    for event, properties in TRACKS:
        message = {
            "type": "track",
            "event": event,
            "userId": "usr_19d1cb3c17",
            "messageId": MESSAGE_ID,
            "timestamp": "2024-11-04T07:17:22.000Z",
            "sentAt": "2024-11-04T07:17:24.103Z",
            "context": CONTEXT,
            "properties": properties,
        }
        before, after = json.dumps(message, separators=(",", ":")).split(MESSAGE_ID)
        templates.append((before.encode(), after.encode()))
    return templates


@dataclasses.dataclass
class Tally:
    """What one connection (then one process, then the phase) saw."""

    acked_requests: int = 0
    acked_events: int = 0
    failed_requests: int = 0
    window_requests: int = 0
    window_events: int = 0
    cpu_seconds: float = 0.0
    latencies: list[float] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.acked_requests += other.acked_requests
        self.acked_events += other.acked_events
        self.failed_requests += other.failed_requests
        self.window_requests += other.window_requests
        self.window_events += other.window_events
        self.cpu_seconds += other.cpu_seconds
        self.latencies.extend(other.latencies)
        self.errors.extend(other.errors[: 5 - len(self.errors)])


@dataclasses.dataclass(frozen=True)
class Job:
    host: str
    port: int
    path: str
    batch: int  # messages a request; 1 sends bare messages
    connections: int
    prefix: str  # makes this process's messageIds unique
    start_at: float  # time.time() at which every process starts
    seconds: float


def _drive(job: Job, connection_index: int, tally: Tally) -> None:
    templates = message_templates()
    connection = http.client.HTTPConnection(job.host, job.port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": AUTHORIZATION}
    prefix = f"{job.prefix}-{connection_index}-".encode()
    sequence = 0
    time.sleep(max(0.0, job.start_at - time.time()))
    window_start = time.perf_counter() + WARM_UP_SECONDS
    window_end = window_start + job.seconds
    while time.perf_counter() < window_end:
        parts = []
        for _ in range(job.batch):
            before, after = templates[sequence % len(templates)]
            parts.append(before + prefix + str(sequence).encode() + after)
            sequence += 1
        body = b'{"batch":[' + b",".join(parts) + b"]}" if job.batch > 1 else parts[0]
        started = time.perf_counter()
        try:
            connection.request("POST", job.path, body, headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.failed_requests += 1
            if len(tally.errors) < 5:
                tally.errors.append(f"{type(error).__name__}: {error}")
            connection.close()
            continue
        finished = time.perf_counter()
        if response.status != 200 or json.loads(answer).get("success") is not True:
            tally.failed_requests += 1
            if len(tally.errors) < 5:
                tally.errors.append(f"{response.status} {answer[:200]!r}")
            continue
        tally.acked_requests += 1
        tally.acked_events += job.batch
        if window_start <= started and finished <= window_end:
            tally.window_requests += 1
            tally.window_events += job.batch
            tally.latencies.append(finished - started)
    connection.close()


def run_client(job: Job) -> Tally:
    """One client process: `job.connections` threads, each with its own connection."""
    cpu_at_start = time.process_time()
    tallies = [Tally() for _ in range(job.connections)]
    threads = [
        threading.Thread(target=_drive, args=(job, index, tally))
        for index, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in tallies:
        total.add(tally)
    total.cpu_seconds = time.process_time() - cpu_at_start
    return total


# --- Parent side: the server, the phases, the report -----------------------------------------


@dataclasses.dataclass(frozen=True)
class Server:
    host: str
    port: int
    database: Path
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def summary(self) -> dict[str, Any]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            # The server has a write key, so the inspection API needs it too.
            connection.request("GET", "/tp/summary", headers={"Authorization": AUTHORIZATION})
            response = connection.getresponse()
            summary: dict[str, Any] = json.loads(response.read())
            return summary
        finally:
            connection.close()

    def settled_summary(self, expected: int) -> dict[str, Any]:
        """/tp/summary once it counts `expected` events or stops growing for a second."""
        deadline = time.monotonic() + SETTLE_SECONDS
        summary = self.summary()
        steady_since = time.monotonic()
        while summary["events"] != expected and time.monotonic() < deadline:
            time.sleep(0.2)
            latest = self.summary()
            if latest["events"] != summary["events"]:
                steady_since = time.monotonic()
            elif time.monotonic() - steady_since > 1.0:
                return latest
            summary = latest
        return summary


@contextmanager
def serving(folder: Path) -> Iterator[Server]:
    log_path = folder / "serve.log"
    database = folder / "captures.db"
    command = [str(TP), "serve", str(PLAN), "--port", "0", "--db", str(database)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--write-key", WRITE_KEY, "--quiet"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while (found := LISTENING.search(log_path.read_text(errors="replace"))) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"tp serve did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Server(found.group(1), int(found.group(2)), database, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclasses.dataclass(frozen=True)
class Phase:
    label: str
    path: str
    batch: int
    seconds: float
    tally: Tally
    server_cpu_seconds: float

    @property
    def requests_per_second(self) -> float:
        return self.tally.window_requests / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.tally.window_events / self.seconds

    def cpu_share(self, seconds: float) -> str:
        """CPU seconds over the phase's wall time, as a share of one core."""
        return f"{100 * seconds / (WARM_UP_SECONDS + self.seconds):.0f}%"

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(self.tally.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def run_phase(
    server: Server, label: str, path: str, batch: int, args: argparse.Namespace, pool: Any
) -> Phase:
    per_process = [
        args.concurrency // args.processes + (index < args.concurrency % args.processes)
        for index in range(args.processes)
    ]
    start_at = time.time() + START_DELAY_SECONDS
    jobs = [
        Job(
            host=server.host,
            port=server.port,
            path=path,
            batch=batch,
            connections=connections,
            prefix=f"{label}-{index}",
            start_at=start_at,
            seconds=args.seconds,
        )
        for index, connections in enumerate(per_process)
        if connections
    ]
    server_cpu_at_start = server.cpu_seconds()
    total = Tally()
    for tally in pool.map(run_client, jobs):
        total.add(tally)
    server_cpu = server.cpu_seconds() - server_cpu_at_start
    return Phase(label, path, batch, args.seconds, total, server_cpu)


def exported_message_ids(database: Path, folder: Path) -> tuple[int, int]:
    """Lines and distinct messageIds in `tp captures export` of the database."""
    out = folder / "export.jsonl"
    subprocess.run(
        [str(TP), "captures", "export", "--db", str(database), "-o", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    lines = 0
    ids: set[str] = set()
    with out.open("rb") as export:
        for line in export:
            lines += 1
            ids.add(json.loads(line)["messageId"])
    return lines, len(ids)


def _check(label: str, passed: bool) -> bool:
    print(f"  {'PASS' if passed else 'FAIL'}  {label}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8, help="connections in all")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.processes < 1:
        parser.error("--seconds, --concurrency and --processes must be positive")
    args.processes = min(args.processes, args.concurrency)

    print(
        f"tp serve {PLAN.relative_to(REPO)} on {os.cpu_count()} CPUs; load: {args.processes} "
        f"processes, {args.concurrency} keep-alive connections, closed loop, "
        f"{WARM_UP_SECONDS:.0f} s warm-up + {args.seconds:g} s timed per phase"
    )
    phases: list[Phase] = []
    checks: list[tuple[str, int, int, int]] = []  # label, acknowledged, stored, valid
    with (
        tempfile.TemporaryDirectory(prefix="tp-bench-serve-") as temporary,
        multiprocessing.get_context("spawn").Pool(args.processes) as pool,
    ):
        folder = Path(temporary)
        with serving(folder) as server:
            acknowledged = 0
            for label, path, batch in (
                ("single", "/v1/track", 1),
                ("batch", "/v1/batch", BATCH_SIZE),
            ):
                phase = run_phase(server, label, path, batch, args, pool)
                phases.append(phase)
                acknowledged += phase.tally.acked_events
                summary = server.settled_summary(acknowledged)
                checks.append((label, acknowledged, summary["events"], summary["valid"]))
            database = server.database
        lines, distinct = exported_message_ids(database, folder)

    print()
    print(
        f"{'phase':<26} {'requests':>9} {'req/s':>8} {'events/s':>9} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'failed':>7} {'CPU server':>10} {'clients':>7}"
    )
    for phase in phases:
        name = f"{phase.label:<6} POST {phase.path}"
        if phase.batch > 1:
            name += f" x{phase.batch}"
        print(
            f"{name:<26} {phase.tally.window_requests:>9,} {phase.requests_per_second:>8,.0f} "
            f"{phase.events_per_second:>9,.0f} {phase.latency_ms(0.50):>7.2f} "
            f"{phase.latency_ms(0.99):>7.2f} {phase.tally.failed_requests:>7,} "
            f"{phase.cpu_share(phase.server_cpu_seconds):>10} "
            f"{phase.cpu_share(phase.tally.cpu_seconds):>7}"
        )
    print(
        "(requests answered inside the timed window; latency from sending to reading the whole "
        "answer; CPU over the phase with its warm-up, 100% = one core)"
    )
    print()
    for label, acked, stored, valid in checks:
        print(f"after {label}: acknowledged {acked:,} events, stored {stored:,} ({valid:,} valid)")
    print(
        f"after stopping: tp captures export has {lines:,} lines, {distinct:,} distinct messageIds"
    )
    for phase in phases:
        for error in phase.tally.errors:
            print(f"  {phase.label} error: {error}")

    single, batch = phases
    total_acked = checks[-1][1]
    failed = sum(phase.tally.failed_requests for phase in phases)
    print()
    print("targets:")
    results = [
        _check(
            f"/v1/batch events/s >= {TARGET_BATCH_EVENTS_PER_SECOND:,}: "
            f"{batch.events_per_second:,.0f}",
            batch.events_per_second >= TARGET_BATCH_EVENTS_PER_SECOND,
        ),
        _check(
            f"/v1/track requests/s >= {TARGET_SINGLE_REQUESTS_PER_SECOND:,}: "
            f"{single.requests_per_second:,.0f}",
            single.requests_per_second >= TARGET_SINGLE_REQUESTS_PER_SECOND,
        ),
        _check(
            f"zero loss: {failed} failed requests; stored {checks[-1][2]:,} "
            f"({checks[-1][3]:,} valid), exported {distinct:,} distinct of {lines:,} "
            f"== acknowledged {total_acked:,}",
            failed == 0
            and all(acked == stored == valid for _, acked, stored, valid in checks)
            and lines == distinct == total_acked,
        ),
    ]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
