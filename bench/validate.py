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
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import importlib
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
BATCH_SIZE = 100

ROUTE_FIELD: dict[Any, str] = {"track": "event", "page": "name", "screen": "name"}

Schema = dict[str, Any]
Route = tuple[str, str | None]
Check = Callable[[Any], bool]


# --- Child side: one engine, one file --------------------------------------------------------


def route_schemas(plan_path: str) -> tuple[dict[Route, Schema], Schema, bool]:
    """Per-definition message schemas with the envelope merged in, keyed by (type, event or
    name); the envelope alone (for messages no definition plans); and whether a track event
    the plan does not list is invalid."""
    from tracking_plan.compiler.jsonschema import compile_plan, definition_paths, envelope_schema
    from tracking_plan.loader import load_plan
    from tracking_plan.model import Policy

    plan = load_plan(plan_path)
    compiled = compile_plan(plan)
    paths = definition_paths(plan)
    envelope = envelope_schema()
    routes: dict[Route, Schema] = {}
    for definition in plan.definitions():
        document = compiled.schemas[paths[definition.call, definition.name]]
        call = definition.call.value
        schema = dict(document)
        schema["properties"] = {**envelope["properties"], **document["properties"]}
        schema["required"] = [*envelope["required"], *document.get("required", ())]
        if call == "group":
            schema["required"].append("groupId")
        schema["anyOf"] = envelope["anyOf"]
        routes[call, definition.name if call in ROUTE_FIELD else None] = schema
    return routes, envelope, plan.unplanned_events is Policy.FORBID


def routed_loop(
    path: str,
    loads: Callable[[bytes], Any],
    checks: dict[Any, Check],
    fallback: Check,
    forbid_unplanned: bool,
) -> tuple[int, int]:
    """Records and invalid records of `path`, each message checked by its route's check."""
    records = invalid = 0
    route_field = ROUTE_FIELD
    with open(path, "rb") as lines:
        for line in lines:
            records += 1
            message = loads(line)
            if not isinstance(message, dict):
                invalid += 1
                continue
            kind = message.get("type")
            name_field = route_field.get(kind)
            check = checks.get((kind, message.get(name_field) if name_field else None))
            if check is None:
                if kind == "track" and forbid_unplanned:
                    invalid += 1
                    continue
                check = fallback
            if not check(message):
                invalid += 1
    return records, invalid


def _floor(path: str) -> tuple[int, int]:
    import msgspec

    decode = msgspec.json.Decoder().decode
    records = 0
    with open(path, "rb") as lines:
        for line in lines:
            decode(line)
            records += 1
    return records, 0


def _jsonschema_checks(schemas: list[Schema]) -> list[Check]:
    from jsonschema import (  # type: ignore[import-untyped,unused-ignore]
        Draft202012Validator,
    )

    checker = Draft202012Validator.FORMAT_CHECKER
    if "date-time" not in checker.checkers:
        print("warning: jsonschema cannot check date-time (pip install rfc3339-validator)")
    return [Draft202012Validator(s, format_checker=checker).is_valid for s in schemas]


def _fastjsonschema_checks(schemas: list[Schema]) -> list[Check]:
    import fastjsonschema

    error = fastjsonschema.JsonSchemaValueException

    def wrap(function: Callable[[Any], Any]) -> Check:
        def check(message: Any) -> bool:
            try:
                function(message)
            except error:
                return False
            return True

        return check

    # detailed_exceptions=False would be a little faster on invalid records, but fastjsonschema
    # 2.22 fails to compile `const` with it (KeyError: 'definition_rule').
    return [wrap(fastjsonschema.compile(s)) for s in schemas]


def _jsonschema_rs_checks(schemas: list[Schema]) -> list[Check]:
    import jsonschema_rs

    return [jsonschema_rs.validator_for(s, validate_formats=True).is_valid for s in schemas]


# Engine: (module, compile the checks, parser).
PEERS: dict[str, tuple[str, Callable[[list[Schema]], list[Check]], str]] = {
    "jsonschema": ("jsonschema", _jsonschema_checks, "json"),
    "fastjsonschema": ("fastjsonschema", _fastjsonschema_checks, "orjson"),
    "jsonschema-rs": ("jsonschema_rs", _jsonschema_rs_checks, "orjson"),
}


def _loads(name: str) -> Callable[[bytes], Any]:
    if name == "orjson":
        import orjson

        return orjson.loads
    return json.loads


def _tp_options(module: Any) -> tuple[Any, str]:
    """`ValidateOptions` with drift statistics on, and what was set."""
    options = module.ValidateOptions()
    if "drift" in {f.name for f in dataclasses.fields(options)}:
        return dataclasses.replace(options, drift=True), "ValidateOptions(drift=True)"
    return options, "ValidateOptions() (it has no `drift` field)"


def _gunzip(path: str) -> tuple[int, int]:
    """Inflate a gzip file and drop the bytes, as tp's reader inflates it (zlib, 256 KB of
    input, up to a megabyte out, a call): what decompressing alone costs."""
    import zlib

    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb", buffering=0) as source:
        pending = b""
        while True:
            pending = pending or source.read(256 * 1024)
            if not pending or inflate.eof:
                break
            inflate.decompress(pending, 1 << 20)
            pending = inflate.unconsumed_tail
    return 0, 0


def run_child(engine: str, plan_path: str, input_path: str, jobs: int) -> dict[str, Any]:
    """Measure one engine on one file, in this process."""
    result: dict[str, Any] = {}
    if engine == "gunzip":
        start = time.perf_counter()
        records, invalid = _gunzip(input_path)
    elif engine == "floor":
        start = time.perf_counter()
        records, invalid = _floor(input_path)
    elif engine in PEERS:
        module_name, make_checks, parser = PEERS[engine]
        loads = _loads(parser)
        importlib.import_module(module_name)
        setup = time.perf_counter()
        routes, envelope, forbid_unplanned = route_schemas(plan_path)
        compiled = make_checks([*routes.values(), envelope])
        checks = dict(zip(routes, compiled, strict=False))
        result["setup_seconds"] = time.perf_counter() - setup
        start = time.perf_counter()
        records, invalid = routed_loop(input_path, loads, checks, compiled[-1], forbid_unplanned)
    elif engine == "tp":
        try:
            module = importlib.import_module("tracking_plan.validate")
            validate_files = module.validate_files
        except (ImportError, AttributeError) as error:
            return {"unavailable": f"{type(error).__name__}: {error}"}
        from tracking_plan.loader import load_plan

        plan = load_plan(plan_path)
        options, result["note"] = _tp_options(module)
        start = time.perf_counter()
        report = validate_files(plan, [input_path], jobs=jobs, options=options)
        records, invalid = int(report.records), int(report.invalid)
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    result["seconds"] = time.perf_counter() - start
    result["records"] = records
    result["invalid"] = invalid
    result["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["children_rss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result


# --- Parent side -----------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Measure:
    label: str
    records: int = 0
    invalid: int = 0
    seconds: float = 0.0
    rss_kb: int = 0
    children_rss_kb: int = 0
    setup_seconds: float | None = None
    note: str = ""
    unavailable: str | None = None
    extrapolated_to: int | None = None  # records the rate was extrapolated to

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def shown_seconds(self) -> float:
        if self.extrapolated_to is None:
            return self.seconds
        return self.extrapolated_to / self.rate

    @property
    def ok(self) -> bool:
        return self.unavailable is None and self.records > 0


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


def _gzipped(path: Path) -> Path:
    """`path` gzip-compressed (level 1, as a fast exporter writes), made once beside it."""
    target = path.with_name(path.name + ".gz")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    print(f"compressing {path.name} (cached for the next runs) ...", flush=True)
    partial = target.with_name(target.name + ".partial")
    with path.open("rb") as source, gzip.open(partial, "wb", compresslevel=1) as sink:
        while chunk := source.read(1 << 20):
            sink.write(chunk)
    partial.replace(target)
    return target


def _relaid(path: Path, suffix: str, write: Callable[[list[bytes], Any], None]) -> Path:
    """The records of the JSON Lines file `path` in another layout (`write` writes a chunk of
    lines to the open file, and an empty one at the end), made once beside it."""
    target = path.with_name(path.name + suffix)
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    print(f"writing {target.name} (cached for the next runs) ...", flush=True)
    partial = target.with_name(target.name + ".partial")
    with path.open("rb") as source, partial.open("wb") as sink:
        while lines := list(itertools.islice(source, 10_000)):  # whole batches
            write([line.rstrip(b"\n") for line in lines], sink)
        write([], sink)
    partial.replace(target)
    return target


def _array_writer() -> Callable[[list[bytes], Any], None]:
    """A compact JSON array, `[{...},{...}]`, all on one line."""
    first = True

    def write(lines: list[bytes], sink: Any) -> None:
        nonlocal first
        if not lines:
            sink.write(b"[]" if first else b"]\n")
            return
        sink.write((b"[" if first else b",") + b",".join(lines))
        first = False

    return write


def _batches(lines: list[bytes], sink: Any) -> None:
    """Segment batch payloads of BATCH_SIZE messages, one a line, as analytics libraries send
    them: `batch` and `sentAt`, no `context`."""
    for at in range(0, len(lines), BATCH_SIZE):
        items = b",".join(lines[at : at + BATCH_SIZE])
        sink.write(b'{"batch":[' + items + b'],"sentAt":"2024-11-04T12:00:00.000Z"}\n')


def _warm(path: Path) -> None:
    """Read the file once so every engine finds it in the page cache."""
    with path.open("rb") as source:
        while source.read(1 << 24):
            pass


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def _ratio(numerator: Measure | None, denominator: Measure | None) -> float | None:
    if numerator is None or denominator is None or not numerator.ok or not denominator.ok:
        return None
    return numerator.rate / denominator.rate


def _print_table(rows: list[Measure], tp: Measure | None) -> None:
    header = ("engine", "records", "invalid", "time", "records/s", "x tp", "tp x", "peak RSS")
    table = [header]
    for row in rows:
        if not row.ok:
            table.append((row.label, "", "", "", "", "", "", ""))
            continue
        star = "*" if row.extrapolated_to is not None else ""
        versus = _ratio(row, tp)
        inverse = _ratio(tp, row)
        rss = _mb(row.rss_kb)
        if row.children_rss_kb:
            rss += f" (+ workers {_mb(row.children_rss_kb)})"
        table.append(
            (
                row.label,
                f"{row.records:,}",
                f"{row.invalid:,}" if row.label != "parse floor" else "-",
                f"{row.shown_seconds:.2f} s{star}",
                f"{row.rate:,.0f}",
                f"{versus:.2f}" if versus is not None else "-",
                f"{inverse:.2f}" if inverse is not None else "-",
                rss,
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for number, line in enumerate(table):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ]
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))
    for row in rows:
        if row.unavailable is not None:
            print(f"{row.label}: {row.unavailable}")


def _target(label: str, value: float | None, goal: float, higher: bool = True) -> str:
    if value is None:
        return f"  {label:<40} n/a"
    passed = value >= goal if higher else value <= goal
    return f"  {label:<40} {value:6.2f}x  {'PASS' if passed else 'FAIL'}"


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
    _warm(work.events)
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
        compressed = _gzipped(work.events)
        array = _relaid(work.events, ".array.json", _array_writer())
        batches = _relaid(work.events, ".batches.jsonl", _batches)
        for path in (compressed, array, batches):
            _warm(path)
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
            _warm(big.events)
            tp_big = measure(f"tp jobs=1 ({MEMORY_FACTOR}x file)", "tp", plan, big.events)

    print()
    rows = [floor, jsonschema, fast, rust, tp]
    rows += [row for row in (tp_jobs, *layouts.values()) if row is not None]
    if tp_big is not None:
        rows.append(tp_big)
    _print_table(rows, tp if tp.ok else None)
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
        _target(
            f"tp >= {TARGET_VS_JSONSCHEMA:.0f}x jsonschema loop",
            _ratio(tp, jsonschema),
            TARGET_VS_JSONSCHEMA,
        )
    )
    print(
        _target(
            f"tp >= {TARGET_VS_JSONSCHEMA_RS:.0f}x jsonschema-rs",
            _ratio(tp, rust),
            TARGET_VS_JSONSCHEMA_RS,
        )
    )
    print(_target(f"tp >= {TARGET_VS_FLOOR}x parse floor", _ratio(tp, floor), TARGET_VS_FLOOR))
    print(
        _target(
            f"tp jobs={args.jobs} >= {TARGET_SCALING}x jobs=1", _ratio(tp_jobs, tp), TARGET_SCALING
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
        ratio = row.seconds / (tp.seconds + inflating) if row is not None and row.ok else None
        than = "(plain + inflating) time" if name == "gzip" else "plain time"
        print(_target(f"tp {name} <= {goal}x {than}", ratio, goal, higher=False))
    if tp_big is not None and tp_big.ok and tp.ok:
        growth = tp_big.rss_kb / tp.rss_kb
        print(
            _target(
                f"peak RSS {MEMORY_FACTOR}x file <= {TARGET_MEMORY}x",
                growth,
                TARGET_MEMORY,
                higher=False,
            )
            + f"  ({_mb(tp.rss_kb)} -> {_mb(tp_big.rss_kb)})"
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
