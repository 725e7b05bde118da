"""`tp diff` of two 5,000-event plans that differ in 500 places, as a whole command.

    .venv/bin/python bench/diff.py [--changes 500] [--repeat 3]

The old plan is `bench/lint.py`'s generated plan (fixed seed). The new one changes `--changes`
places in it, spread over the kinds `tp diff` reports (a property added as required or
optional, removed, made required, its type or range changed, an enum value added, an event
removed, renamed or added, a description edited). Both are written to a temporary folder and
`tp diff OLD NEW --format json` runs as a whole process (the best of `--repeat` runs), beside
`tp lint` of the old plan (with `--no-cache`, as the diff has none). Target: the diff under 2 s.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint import generate_plan

TARGET_SECONDS = 2.0
TP = str(Path(sys.executable).parent / "tp")


def changed_plan(plan: dict[str, Any], changes: int, seed: int = 7) -> dict[str, Any]:
    """A copy of `plan` with `changes` edits, one kind after another."""
    rng = random.Random(seed)
    new = copy.deepcopy(plan)
    events = new["events"]
    names = rng.sample(sorted(events), changes)
    edits = (
        _add_required,
        _add_optional,
        _remove_property,
        _retype,
        _add_enum_value,
        _edit_description,
        _remove_event,
        _rename_event,
        _add_event,
        _tighten,
    )
    for index, name in enumerate(names):
        edits[index % len(edits)](events, name, rng)
    return new


def _first_property(event: dict[str, Any]) -> str | None:
    return next(iter(event.get("properties", {})), None)


def _add_required(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[name].setdefault("properties", {})["added_required"] = {
        "type": "string",
        "required": True,
    }


def _add_optional(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[name].setdefault("properties", {})["added_optional"] = {"type": "integer"}


def _remove_property(events: dict[str, Any], name: str, rng: random.Random) -> None:
    prop = _first_property(events[name])
    if prop is not None:
        del events[name]["properties"][prop]


def _retype(events: dict[str, Any], name: str, rng: random.Random) -> None:
    prop = _first_property(events[name])
    if prop is not None:
        events[name]["properties"][prop]["type"] = "integer"


def _add_enum_value(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[name].setdefault("properties", {})["status"] = {"type": "string", "enum": ["a", "b"]}


def _edit_description(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[name]["description"] = "Edited: " + events[name].get("description", "")


def _remove_event(events: dict[str, Any], name: str, rng: random.Random) -> None:
    del events[name]


def _rename_event(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[name + "x"] = events.pop(name)


def _add_event(events: dict[str, Any], name: str, rng: random.Random) -> None:
    events[f"Bench Added {len(events)}"] = {"description": "New.", "properties": {}}


def _tighten(events: dict[str, Any], name: str, rng: random.Random) -> None:
    prop = _first_property(events[name])
    if prop is not None:
        events[name]["properties"][prop]["max_length"] = 8


def timed(command: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess[str]]:
    best, done = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
    assert done is not None
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return best, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.changes < 1 or args.repeat < 1:
        parser.error("--changes and --repeat must be at least 1")
    old = generate_plan()
    new = changed_plan(old, args.changes)
    with tempfile.TemporaryDirectory() as folder:
        old_path, new_path = Path(folder) / "old.yaml", Path(folder) / "new.yaml"
        old_path.write_text(yaml.safe_dump(old, sort_keys=False), encoding="utf-8")
        new_path.write_text(yaml.safe_dump(new, sort_keys=False), encoding="utf-8")
        diff_seconds, done = timed(
            [TP, "diff", str(old_path), str(new_path), "--format", "json", "--no-cache"],
            args.repeat,
        )
        lint_seconds, _ = timed([TP, "lint", str(old_path), "--no-cache"], args.repeat)
    found = json.loads(done.stdout)["diagnostics"]
    codes: dict[str, int] = {}
    for d in found:
        codes[d["code"]] = codes.get(d["code"], 0) + 1
    witnesses = sum("witness" in d.get("data", {}) for d in found)
    print(f"plans: {len(old['events']):,} events, the new one changed in {args.changes} places")
    print(
        f"tp diff (whole command):  {diff_seconds:6.2f} s  {len(found):,} findings, "
        f"{witnesses:,} witnesses"
    )
    print(f"tp lint (whole command):  {lint_seconds:6.2f} s  (the old plan)")
    print("by code: " + ", ".join(f"{c} x{n}" for c, n in sorted(codes.items())))
    verdict = "PASS" if diff_seconds < TARGET_SECONDS else "FAIL"
    print(f"target: tp diff under {TARGET_SECONDS:.0f} s  {verdict}")


if __name__ == "__main__":
    main()
