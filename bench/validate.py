"""Benchmark `tp validate` against the JSON parse floor and stock JSON Schema validators.

Run with the project's virtual environment, from the repository root:

    .venv/bin/python bench/validate.py [--events 1000000] [--jobs 2] [--quick] [--memory-check]

It generates (once; see bench/workload.py) a plan of 40 track events plus identify, pages and
screens, and a JSONL dump of Segment messages, 5% of them invalid in varied ways, into
bench/.cache/. Then it measures, each engine in its own child process (so peak RSS figures are
separate), reading the same file line by line:

- the parse floor: `msgspec.json.Decoder().decode(line)` on every line;
- `jsonschema` (Draft202012Validator, format checking on) with one validator per plan
  definition, routed by type and event/name, after `json.loads`: timed on the first
  `--sample` records and extrapolated (the output says so);
- `fastjsonschema` (one compiled function per definition, routed the same way) after
  `orjson.loads`;
- `jsonschema-rs` (`validator_for(schema, validate_formats=True)`, routed the same way) after
  `orjson.loads`;
- tp's engine (`tracking_plan.validate.validate_files`) with drift statistics on, with
  `jobs=1` and with `--jobs`;
- tp with `jobs=1` on the same records in the other layouts, which all take the scanner's
  path: the dump gzip-compressed (as Segment's S3 and GCS exports are), piped to standard input
  by `cat`, as one JSON array and as Segment batch payloads of 100 messages, one a line; and
  the decompression of the gzip file alone (zlib, as tp inflates it), for the gzip target.

Each routed schema is the definition's compiled schema with the message envelope of
bundle.schema.json merged in (messageId, timestamps with `format: date-time`, userId or
anonymousId), so the peers check what the bundle checks; a track event the plan does not list
is invalid (`unplanned_events: forbid`). Peers are given the fastest parser for them (orjson
builds the same Python objects as `json.loads`, about twice as fast); only the jsonschema loop
keeps `json.loads`, as written in its docs. Schema compilation is not counted in peers' times;
tp's time is the whole `validate_files` call.

The engines (the child side) are in validate_engines.py, the other layouts in
validate_layouts.py, the table and the targets in validate_report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from validate_engines import run_child
from validate_layouts import BATCH_SIZE, array_writer, gzipped, relaid, warm, write_batches
from validate_report import Measure, megabytes, print_table, ratio, target
from workload import Workload, ensure_workload

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
DEFAULT_EVENTS = 1_000_000
QUICK_EVENTS = 100_000
DEFAULT_SAMPLE = 50_000
QUICK_SAMPLE = 10_000
MEMORY_FACTOR = 4

# Targets: tp's records/s over each peer's (and jobs=N over jobs=1).
TARGET_VS_JSONSCHEMA = 30.0
TARGET_VS_JSONSCHEMA_RS = 2.0
TARGET_VS_FLOOR = 0.8
TARGET_SCALING = 1.6
TARGET_MEMORY = 1.25  # peak RSS on the bigger file over peak RSS on the default one
# Other layouts: time over the plain file's (gzip: over the plain file's plus inflating alone).
TARGET_GZIP = 1.3
TARGET_STDIN = 1.3
TARGET_ARRAY = 1.3
TARGET_BATCH = 2.0


def measure(
    label: str, engine: str, plan: Path, path: Path, jobs: int = 1, *, piped: bool = False
) -> Measure:
    """One engine on one file in a child process; with `piped`, the file comes on its
    standard input from `cat`, as in `cat dump | tp validate plan -`."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", engine]
    command += ["--plan", str(plan), "--input", "-" if piped else str(path), "--jobs", str(jobs)]
    print(f"  running {label} ...", flush=True)
    if piped:
        with subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE) as cat:
            done = subprocess.run(
                command, stdin=cat.stdout, capture_output=True, text=True, check=False
            )
    else:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return Measure(label, unavailable=f"failed (exit {done.returncode}): {tail}")
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"    {line}")
    data = json.loads(lines[-1])
    return Measure(label, **data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, help=f"records in the dump ({DEFAULT_EVENTS:,})")
    parser.add_argument("--jobs", type=int, default=2, help="tp's jobs for the scaling run")
    parser.add_argument("--sample", type=int, help="records the jsonschema loop is timed on")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_EVENTS:,} records, {QUICK_SAMPLE:,} sample"
    )
    parser.add_argument(
        "--memory-check",
        action="store_true",
        help=f"also run tp on a {MEMORY_FACTOR}x larger dump and compare peak RSS",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of tp jobs=1 on each layout (and of inflating alone), one round after"
        " another; the fastest of each is kept, against the noise of a shared machine",
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="workload folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_child(args.child, args.plan, args.input, args.jobs)))
        return

    events = args.events or (QUICK_EVENTS if args.quick else DEFAULT_EVENTS)
    sample_size = min(args.sample or (QUICK_SAMPLE if args.quick else DEFAULT_SAMPLE), events)
    work = ensure_workload(args.cache, events)
    summary = work.summary
    sample = work.head(sample_size) if sample_size < events else work.events
    planted_sample = work.invalid_in_head(sample_size)
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.by_kind.items(), key=lambda i: -i[1]))
    types = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.by_type.items(), key=lambda i: -i[1]))
    print(f"plan: {work.plan}")
    print(
        f"dump: {work.events} ({summary.records:,} records, {summary.bytes / 1e6:,.0f} MB, "
        f"{summary.bytes / summary.records:.0f} bytes/record)"
    )
    print(f"  calls: {types}")
    print(f"  planted invalid: {summary.invalid:,} ({kinds})")
    warm(work.events)
    plan = work.plan

    print(f"measuring on {os.cpu_count()} CPUs, one child process per run:")
    floor = measure("parse floor", "floor", plan, work.events)
    jsonschema = measure("jsonschema loop", "jsonschema", plan, sample)
    if jsonschema.ok and sample_size < events:
        jsonschema.extrapolated_to = events
    fast = measure("fastjsonschema", "fastjsonschema", plan, work.events)
    rust = measure("jsonschema-rs", "jsonschema-rs", plan, work.events)
    tp = measure("tp jobs=1", "tp", plan, work.events)
    tp_jobs: Measure | None = None
    tp_sample: Measure | None = None
    tp_big: Measure | None = None
    big: Workload | None = None
    layouts: dict[str, Measure] = {}
    gunzip: Measure | None = None
    if tp.ok:
        tp_jobs = measure(f"tp jobs={args.jobs}", "tp", plan, work.events, jobs=args.jobs)
        compressed = gzipped(work.events)
        array = relaid(work.events, ".array.json", array_writer())
        batches = relaid(work.events, ".batches.jsonl", write_batches)
        for path in (compressed, array, batches):
            warm(path)
        runs: dict[str, Callable[[], Measure]] = {
            "plain": lambda: measure("tp jobs=1", "tp", plan, work.events),
            "gunzip": lambda: measure("gzip -d alone (zlib)", "gunzip", plan, compressed),
            "gzip": lambda: measure("tp jobs=1 (gzip)", "tp", plan, compressed),
            "stdin": lambda: measure("tp jobs=1 (stdin)", "tp", plan, work.events, piped=True),
            "array": lambda: measure("tp jobs=1 (array)", "tp", plan, array),
            "batch": lambda: measure(f"tp jobs=1 (batch x{BATCH_SIZE})", "tp", plan, batches),
        }
        for round_ in range(args.repeat):
            for name, run in runs.items():
                if name == "plain" and round_ == 0:
                    continue  # measured above
                fresh = run()
                kept = tp if name == "plain" else layouts.get(name)
                if kept is None or (fresh.unavailable is None and fresh.seconds < kept.seconds):
                    if name == "plain":
                        tp = fresh
                    else:
                        layouts[name] = fresh
        gunzip = layouts.pop("gunzip")
        tp_sample = measure("tp jobs=1 (sample)", "tp", plan, sample)
        if args.memory_check:
            big = ensure_workload(args.cache, events * MEMORY_FACTOR)
            warm(big.events)
            tp_big = measure(f"tp jobs=1 ({MEMORY_FACTOR}x file)", "tp", plan, big.events)

    print()
    rows = [floor, jsonschema, fast, rust, tp]
    rows += [row for row in (tp_jobs, *layouts.values()) if row is not None]
    if tp_big is not None:
        rows.append(tp_big)
    print_table(rows, tp if tp.ok else None)
    if not tp.ok:
        print("tp engine: not available yet")
    print(
        f"* jsonschema timed on the first {jsonschema.records:,} records "
        f"({jsonschema.seconds:.1f} s) and extrapolated to {events:,}."
        if jsonschema.extrapolated_to
        else "* (jsonschema ran on every record)"
    )
    print(
        "x tp: this engine's records/s over tp's (jobs=1); tp x: tp's over this engine's. "
        "Parsers: msgspec (floor), json.loads (jsonschema), orjson (fastjsonschema, "
        "jsonschema-rs)."
    )
    setups = [f"{r.label} {r.setup_seconds:.2f} s" for r in rows if r.setup_seconds is not None]
    print(f"setup (load plan, compile schemas), not counted above: {', '.join(setups)}")
    for row in (tp, tp_jobs):
        if row is not None and row.note:
            print(f"{row.label}: {row.note}")

    print()
    print("targets (tp jobs=1 unless said):")
    print(
        target(
            f"tp >= {TARGET_VS_JSONSCHEMA:.0f}x jsonschema loop",
            ratio(tp, jsonschema),
            TARGET_VS_JSONSCHEMA,
        )
    )
    print(
        target(
            f"tp >= {TARGET_VS_JSONSCHEMA_RS:.0f}x jsonschema-rs",
            ratio(tp, rust),
            TARGET_VS_JSONSCHEMA_RS,
        )
    )
    print(target(f"tp >= {TARGET_VS_FLOOR}x parse floor", ratio(tp, floor), TARGET_VS_FLOOR))
    print(
        target(
            f"tp jobs={args.jobs} >= {TARGET_SCALING}x jobs=1", ratio(tp_jobs, tp), TARGET_SCALING
        )
    )
    if gunzip is not None and gunzip.unavailable is None and tp.ok:
        print(
            f"  (inflating the gzip file alone: {gunzip.seconds:.2f} s; plain {tp.seconds:.2f} s"
            f" + inflating = {tp.seconds + gunzip.seconds:.2f} s)"
        )
    for name, goal in (
        ("gzip", TARGET_GZIP),
        ("stdin", TARGET_STDIN),
        ("array", TARGET_ARRAY),
        ("batch", TARGET_BATCH),
    ):
        row = layouts.get(name)
        inflating = gunzip.seconds if name == "gzip" and gunzip is not None else 0.0
        slower = row.seconds / (tp.seconds + inflating) if row is not None and row.ok else None
        than = "(plain + inflating) time" if name == "gzip" else "plain time"
        print(target(f"tp {name} <= {goal}x {than}", slower, goal, higher=False))
    if tp_big is not None and tp_big.ok and tp.ok:
        growth = tp_big.rss_kb / tp.rss_kb
        print(
            target(
                f"peak RSS {MEMORY_FACTOR}x file <= {TARGET_MEMORY}x",
                growth,
                TARGET_MEMORY,
                higher=False,
            )
            + f"  ({megabytes(tp.rss_kb)} -> {megabytes(tp_big.rss_kb)})"
        )

    print()
    print("verdicts (invalid records):")
    head = f"first {sample_size:,} records"
    tp_head = f"{tp_sample.invalid:,}" if tp_sample is not None and tp_sample.ok else "n/a"
    js_head = f"{jsonschema.invalid:,}" if jsonschema.ok else "n/a"
    match = (
        "MATCH"
        if tp_sample is not None and tp_sample.ok and tp_sample.invalid == jsonschema.invalid
        else "n/a"
        if tp_sample is None or not tp_sample.ok
        else "MISMATCH"
    )
    print(f"  {head}: jsonschema {js_head}, tp {tp_head}, planted {planted_sample:,}  {match}")
    whole = [
        f"{r.label} {r.invalid:,}"
        for r in (fast, rust, tp, tp_jobs, *layouts.values())
        if r is not None and r.ok
    ]
    print(f"  all {events:,} records: {', '.join(whole)}, planted {summary.invalid:,}")
    if big is not None and tp_big is not None and tp_big.ok:
        print(f"  {MEMORY_FACTOR}x file: tp {tp_big.invalid:,}, planted {big.summary.invalid:,}")


if __name__ == "__main__":
    main()
