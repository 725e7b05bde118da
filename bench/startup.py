"""Whole-process start-up benchmark of `tp`, in the environment a user has.

Run from the repository root with the project's virtual environment:

    .venv/bin/python bench/startup.py [--runs 7] [--events 1000000] [--skip-million] [--venv PATH]

It installs the working tree as a regular wheel into a virtualenv of its own (default
bench/.cache/startup-venv), with yamllint and check-jsonschema (see startup_venv.py), then
times each command as a whole process, `--runs` times, and prints the median and the fastest:

- `python -c pass` of that venv (the floor every Python command pays), and `python -c 'import
  typer'` (the floor every typer command line pays before it runs a command);
- `tp --version`, `tp --help`;
- `tp lint` of plans/shop/plan.yaml and plans/slack-bot/plan.yaml, and `tp validate
  plans/shop/plan.yaml` on the first 100 records of plans/shop/sample-events.jsonl, each with
  tp's cache cold (an empty TP_CACHE_DIR every run) and warm (filled by an untimed run);
- the peers: `yamllint -d default` on the same plans, and check-jsonschema on the same 100
  records, one JSON file each, against the shop plan's compiled bundle.schema.json;
- unless `--skip-million`: `tp validate` on bench/validate.py's workload (`--events`
  records) against a jsonschema-rs loop, both whole processes (see startup_million.py).

Timing is in startup_timing.py, the table in startup_report.py. Only the standard library here
(and in those): this runs under the dev venv.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import tempfile
from pathlib import Path

from startup_report import (
    CHECK_JSONSCHEMA,
    FLOOR,
    YAMLLINT,
    million_rows,
    print_dump_verdicts,
    print_million,
    print_notes,
    print_table,
    startup_rows,
)
from startup_timing import CACHE_MODES, FINDINGS, Runner, Spec, clean_env
from startup_venv import Venv, ensure_venv

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
SHOP = "plans/shop/plan.yaml"
PLANS = (SHOP, "plans/slack-bot/plan.yaml")
SAMPLE = "plans/shop/sample-events.jsonl"
DUMP_RECORDS = 100
DEFAULT_RUNS = 7
DEFAULT_EVENTS = 1_000_000


@dataclasses.dataclass(frozen=True, slots=True)
class Inputs:
    dump: Path  # the first DUMP_RECORDS lines of SAMPLE, as JSON Lines
    instances: list[Path]  # the same records, one JSON document a file
    bundle: Path  # the shop plan's bundle.schema.json, compiled by the venv's tp


def prepare_inputs(venv: Venv, folder: Path) -> Inputs:
    with (REPO / SAMPLE).open(encoding="utf-8") as sample:
        lines = [line for _, line in zip(range(DUMP_RECORDS), sample, strict=False)]
    dump = folder / f"dump{DUMP_RECORDS}.jsonl"
    dump.write_text("".join(lines), encoding="utf-8")
    (folder / "instances").mkdir()
    instances = [folder / "instances" / f"event-{n:03}.json" for n in range(len(lines))]
    for path, line in zip(instances, lines, strict=True):
        path.write_text(line, encoding="utf-8")
    schemas = folder / "schemas"
    command = [venv.bin("tp"), "compile", SHOP, "-o", str(schemas)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    bundle = schemas / "bundle.schema.json"
    if done.returncode != 0 or not bundle.is_file():
        raise SystemExit(f"tp compile failed (exit {done.returncode}):\n{done.stderr}")
    return Inputs(dump, instances, bundle)


def startup_specs(venv: Venv, inputs: Inputs) -> list[Spec]:
    tp = venv.bin("tp")
    specs = [
        Spec(FLOOR, [venv.python, "-c", "pass"]),
        # what any typer command line pays before it runs a command: tp's own floor
        Spec("python -c 'import typer'", [venv.python, "-c", "import typer"]),
        Spec("tp --version", [tp, "--version"]),
        Spec("tp --help", [tp, "--help"]),
    ]
    specs += [Spec(f"tp lint {plan}", [tp, "lint", plan], CACHE_MODES, FINDINGS) for plan in PLANS]
    validate = [tp, "validate", SHOP, str(inputs.dump)]
    label = f"tp validate {SHOP} DUMP{DUMP_RECORDS}"
    # The untimed first runs report in JSON, for the verdicts' cross-check.
    specs.append(Spec(label, validate, CACHE_MODES, FINDINGS, [*validate, "--format", "json"]))
    yamllint = venv.bin("yamllint")
    specs += [
        Spec(f"{YAMLLINT} {plan}", [yamllint, "-d", "default", plan], ok_codes=FINDINGS)
        for plan in PLANS
    ]
    check = [venv.bin("check-jsonschema")]
    files = ["--schemafile", str(inputs.bundle), *map(str, inputs.instances)]
    label = f"{CHECK_JSONSCHEMA} --schemafile bundle.schema.json ({len(inputs.instances)} files)"
    specs.append(
        Spec(label, [*check, *files], ok_codes=FINDINGS, prime=[*check, "-o", "json", *files])
    )
    return specs


# --- Main -----------------------------------------------------------------------------------


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return value


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=positive, default=DEFAULT_RUNS, help="timed runs a command")
    parser.add_argument(
        "--events", type=positive, default=DEFAULT_EVENTS, help="records of the large dump"
    )
    parser.add_argument("--skip-million", action="store_true", help="skip the large comparison")
    parser.add_argument(
        "--million-runs", type=positive, default=1, help="timed runs of each large process"
    )
    parser.add_argument(
        "--venv", type=Path, default=CACHE / "startup-venv", help="the start-up venv"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    venv = ensure_venv(args.venv.resolve(), REPO)
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.2f}; {args.runs} timed runs a command")
    with tempfile.TemporaryDirectory(prefix="tp-startup-") as folder:
        runner = Runner(Path(folder), REPO, clean_env(), args.runs)
        inputs = prepare_inputs(venv, Path(folder))
        results = [
            result for spec in startup_specs(venv, inputs) for result in runner.measure(spec)
        ]
        million = None
        if not args.skip_million:
            # Imported here: the workload generator needs PyYAML, its schemas tracking_plan.
            from startup_million import run_million

            million = run_million(venv, runner, CACHE, args.events, args.million_runs)
    print(f"\nload average {os.getloadavg()[0]:.2f} (it was {load:.2f} at the start)")
    rows = startup_rows(results)
    if million is not None:
        rows += million_rows(million)
    print_table(rows)
    print_dump_verdicts(results)
    if million is not None:
        print_million(million)
        results += [million.tp, million.rust]
    print_notes(results)


if __name__ == "__main__":
    main()
