"""bench/startup.py's large comparison: `tp validate` on bench/validate.py's workload (a plan
and a dump of 1,000,000 Segment messages, generated once by bench/workload.py into
bench/.cache/) against a jsonschema-rs loop, both as whole processes in the start-up venv.

The jsonschema-rs process (bench/startup_child.py) starts cold, imports orjson and
jsonschema_rs, reads the per-route schemas and builds its validators (all timed), then runs
bench/validate_engines.py's routed loop. The schemas are compiled from the plan beforehand by
validate_engines.route_schemas, in this process, and written as JSON (not timed).

Each side first runs once untimed: tp with `--format json`, which gives its counts and fills its
cache (the timed runs are warm, as a user's second run), the loop printing its counts. The
untimed runs also put the dump in the page cache.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from startup_report import tp_counts
from startup_timing import FINDINGS, WARM, Result, Runner, Spec
from startup_venv import Venv
from validate_engines import route_schemas
from validate_layouts import warm
from workload import ensure_workload

BENCH = Path(__file__).resolve().parent
CHILD = BENCH / "startup_child.py"
TIMEOUT = 1800.0


@dataclasses.dataclass(slots=True)
class Million:
    """Both whole processes on the same dump, and the records and invalid records each
    counted (None when its output could not be read)."""

    events: int
    planted: int
    tp: Result
    rust: Result
    tp_counts: tuple[int, int] | None
    rust_counts: tuple[int, int] | None

    def rate(self, result: Result) -> float | None:
        return self.events / result.median if result.ok else None

    @property
    def speedup(self) -> float | None:
        """jsonschema-rs's median time over tp's."""
        return self.rust.median / self.tp.median if self.tp.ok and self.rust.ok else None


def write_routes(plan: Path, target: Path) -> Path:
    """The routed schemas of `plan` as one JSON document: [type, event or name, schema] rows,
    the envelope for unrouted messages, and whether unplanned track events are invalid."""
    routes, envelope, forbid_unplanned = route_schemas(str(plan))
    document = {
        "routes": [[call, name, schema] for (call, name), schema in routes.items()],
        "envelope": envelope,
        "forbid_unplanned": forbid_unplanned,
    }
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def _child_counts(output: str) -> tuple[int, int] | None:
    try:
        document = json.loads(output)
        return int(document["records"]), int(document["invalid"])
    except (ValueError, KeyError, TypeError):
        return None


def run_million(venv: Venv, runner: Runner, cache: Path, events: int, runs: int) -> Million:
    work = ensure_workload(cache, events)
    routes = write_routes(work.plan, cache / f"startup-routes-{work.plan.stem}.json")
    warm(work.events)
    plan, dump = str(work.plan), str(work.events)
    tp_spec = Spec(
        f"tp validate (workload plan) {events:,} events",
        [venv.bin("tp"), "validate", plan, dump],
        modes=(WARM,),
        ok_codes=FINDINGS,
        prime=[venv.bin("tp"), "validate", "--format", "json", plan, dump],
        timeout=TIMEOUT,
    )
    rust_spec = Spec(
        f"jsonschema-rs loop {events:,} events",
        [venv.python, str(CHILD), str(routes), dump],
        timeout=TIMEOUT,
    )
    [tp] = runner.measure(tp_spec, runs)
    [rust] = runner.measure(rust_spec, runs)
    return Million(
        events=events,
        planted=work.summary.invalid,
        tp=tp,
        rust=rust,
        tp_counts=tp_counts(tp.output),
        rust_counts=_child_counts(rust.output),
    )
