"""Benchmark `tp lint` on a large generated plan.

Run with the project's virtual environment, from the repository root:

    .venv/bin/python bench/lint.py

It writes a deterministic plan of 5,000 track events and 20,000 properties to a temporary
folder (names are objects x past-tense actions; property names come from a vocabulary, with
a few case variants, typos, type and enum conflicts so the rules have something to find),
then measures, in one run: loading, `tp lint` with the recommended preset, each of the
duplicate rules TP201-TP204 alone, and the near-duplicate search (`NeighbourIndex`) against
a naive all-pairs rapidfuzz loop over the same names. The naive loop would take minutes,
so it runs on a sample of rows and is extrapolated; the output says so.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml
from rapidfuzz.distance import OSA

from tracking_plan.lint.config import load_config
from tracking_plan.lint.engine import lint_plan
from tracking_plan.lint.registry import RULES_BY_CODE
from tracking_plan.lint.rule import Rule, Violation, all_properties
from tracking_plan.loader import load_plan
from tracking_plan.model import Plan
from tracking_plan.naming import squash
from tracking_plan.similarity import NeighbourIndex

EVENTS = 5_000
PROPERTIES_PER_EVENT = 4
TARGET_SECONDS = 2.0
DUPLICATE_RULES = ("TP201", "TP202", "TP203", "TP204")

OBJECTS = """Order Product Cart Checkout Coupon Payment Invoice Subscription Account Profile
Password Email Notification Message Comment Review Wishlist Search Filter Category Banner
Video Playlist Article Report Dashboard Workspace Project Task Ticket File Folder Document
Invite Team Member Trial Address Shipment Delivery Refund Return Promotion Referral Session
Device Integration Webhook Survey Course""".split()
OBJECT_PARTS = ("", "Item", "Settings", "Draft")
ACTIONS = """Viewed Created Updated Deleted Shared Opened Closed Started Completed Failed
Submitted Approved Rejected Archived Restored Exported Imported Downloaded Uploaded Selected
Added Removed Clicked Saved Renamed""".split()

GENERIC_PROPERTIES: dict[str, dict[str, Any]] = {
    "source": {"type": "string", "enum": ["web", "ios", "android", "api"]},
    "platform": {"type": "string", "enum": ["web", "ios", "android"]},
    "price": {"type": "number", "minimum": 0},
    "currency": {"type": "string", "enum": ["USD", "EUR", "GBP"]},
    "quantity": {"type": "integer", "minimum": 1},
    "position": {"type": "integer", "minimum": 0},
    "duration_ms": {"type": "integer", "minimum": 0},
    "error_code": {"type": "string", "max_length": 32},
    "reason": {"type": "string", "max_length": 200},
    "search_query": {"type": "string", "max_length": 200},
    "page_number": {"type": "integer", "minimum": 1},
    "item_count": {"type": "integer", "minimum": 0},
    "discount": {"type": "number", "minimum": 0},
    "revenue": {"type": "number", "minimum": 0},
    "tax": {"type": "number", "minimum": 0},
    "total": {"type": "number", "minimum": 0},
    "status": {"type": "string", "enum": ["draft", "active", "archived"]},
    "category": {"type": "string", "max_length": 64},
    "label": {"type": "string", "max_length": 64},
    "url": {"type": "uri"},
    "referrer": {"type": "uri"},
    "experiment_id": {"type": "string", "max_length": 64},
    "variant_name": {"type": "string", "max_length": 64},
    "is_first_time": {"type": "boolean"},
    "retry_count": {"type": "integer", "minimum": 0},
    "file_size_bytes": {"type": "integer", "minimum": 0},
    "sort_order": {"type": "string", "enum": ["asc", "desc"]},
    "locale": {"type": "string", "max_length": 16},
    "timezone": {"type": "string", "max_length": 64},
    "created_at": {"type": "date-time"},
}

_Result = TypeVar("_Result")


def _event_names(rng: random.Random) -> list[str]:
    """5,000 "Object Action" names; about 1% rewritten as drift (another case or word order
    of a kept name: TP201) or as a typo of one (TP202)."""
    objects = [f"{base} {part}".strip() for base in OBJECTS for part in OBJECT_PARTS]
    names = [f"{obj} {action}" for obj in objects for action in ACTIONS]
    assert len(names) == EVENTS, len(names)
    drifted = rng.sample(range(EVENTS), EVENTS // 100)
    drifted_set = set(drifted)
    kept = [n for i, n in enumerate(names) if i not in drifted_set]
    taken = set(kept)
    for index in drifted:
        while True:
            original = rng.choice(kept)
            variant = _drift(original, rng)
            if variant not in taken:
                break
        names[index] = variant
        taken.add(variant)
    return names


def _drift(name: str, rng: random.Random) -> str:
    parts = name.split(" ")
    kind = rng.randrange(3)
    if kind == 0:
        return "_".join(p.lower() for p in parts)
    if kind == 1:
        return " ".join([parts[-1], *parts[:-1]])
    return " ".join([*parts[:-1], _typo(parts[-1], rng)])


def _typo(word: str, rng: random.Random) -> str:
    """Swap two neighbouring inner letters or drop one."""
    index = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    return word[:index] + word[index + 1 :]


def _snake(name: str) -> str:
    return name.lower().replace(" ", "_")


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(p.capitalize() for p in rest)


def _object_of(event: str) -> str:
    for obj in sorted(OBJECTS, key=len, reverse=True):
        if squash(event).startswith(obj.lower()) or squash(event).endswith(obj.lower()):
            return obj
    return event.split(" ")[0]


def _properties(event: str, rng: random.Random) -> dict[str, Any]:
    """Four properties: the object's id and three generic ones, or the id and a list of line
    items with two nested properties. About 1% of names are a camelCase variant or a typo
    (TP203); `price` is sometimes a string (TP204), `platform` sometimes lacks `android`."""
    id_name = f"{_snake(_object_of(event))}_id"
    result: dict[str, Any] = {id_name: {"type": "string", "max_length": 64, "required": True}}
    if rng.random() < 0.1:
        result["line_items"] = {
            "type": "array",
            "description": "The items involved.",
            "items": {
                "type": "object",
                "description": "One item.",
                "properties": {
                    "product_id": {"type": "string", "max_length": 64, "description": "Id."},
                    "quantity": {"type": "integer", "minimum": 1, "description": "How many."},
                },
            },
        }
    else:
        for name in rng.sample(sorted(GENERIC_PROPERTIES), PROPERTIES_PER_EVENT - 1):
            result[name] = dict(GENERIC_PROPERTIES[name])
        if "price" in result and rng.random() < 0.05:
            result["price"] = {"type": "string", "max_length": 16}
        if "platform" in result and rng.random() < 0.05:
            result["platform"] = {"type": "string", "enum": ["web", "ios"]}
    renamed: dict[str, Any] = {}
    for name, spec in result.items():
        roll = rng.random()
        if roll < 0.005:
            name = _camel(name)
        elif roll < 0.01 and len(name) > 6:
            name = _typo(name, rng)
        spec.setdefault("description", f"The {name.replace('_', ' ')}.")
        renamed[name] = spec
    return renamed


def generate_plan(seed: int = 2024) -> dict[str, Any]:
    rng = random.Random(seed)
    events = {
        name: {
            "description": f"The user {name.split(' ')[-1].lower()} something.",
            "owner": "bench",
            "properties": _properties(name, rng),
        }
        for name in _event_names(rng)
    }
    return {
        "plan": "bench",
        "owner": "bench",
        "description": "A generated plan for benchmarks.",
        "conventions": {"events": "object-action", "properties": "snake_case"},
        "events": events,
    }


def _timed(function: Callable[[], _Result], repeat: int = 1) -> tuple[float, _Result]:
    """The best wall time of `repeat` runs, and the last result."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _run_rule(rule: type[Rule], plan: Plan) -> list[Violation]:
    return list(rule().check(plan, rule.make_options({})))


def _index_pairs(keys: Iterable[str]) -> list[tuple[str, str]]:
    return list(NeighbourIndex(keys).pairs())


def _naive_pairs(keys: list[str], rows: int) -> tuple[int, list[tuple[str, str]]]:
    """The all-pairs loop over the first `rows` rows: comparisons made and pairs found."""
    found = []
    compared = 0
    for i in range(rows):
        key = keys[i]
        for other in keys[i + 1 :]:
            compared += 1
            if OSA.distance(key, other, score_cutoff=1) == 1:
                found.append((key, other))
    return compared, found


def _near_duplicate_comparison(plan: Plan, sample_rows: int) -> list[str]:
    keys = sorted({squash(e.name) for e in plan.events})
    keys = [k for k in keys if len(k) >= 5]
    index_seconds, pairs = _timed(lambda: _index_pairs(keys), repeat=3)
    total = len(keys) * (len(keys) - 1) // 2
    rows = min(sample_rows, len(keys))
    sample_seconds, (compared, _) = _timed(lambda: _naive_pairs(keys, rows))
    naive_seconds = sample_seconds / compared * total
    return [
        f"near-duplicate search over {len(keys):,} squashed event names "
        f"({total:,} pairs, {len(pairs)} one edit apart):",
        f"  NeighbourIndex {index_seconds:.3f} s vs all-pairs Python loop with rapidfuzz OSA "
        f"{naive_seconds:.1f} s ({naive_seconds / index_seconds:,.0f}x)",
        f"  (all-pairs loop timed on its first {rows} rows, {compared:,} comparisons in "
        f"{sample_seconds:.2f} s, extrapolated to all pairs)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per lint timing (best)")
    parser.add_argument("--sample-rows", type=int, default=200, help="rows of the naive loop")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tp-bench-") as folder:
        path = Path(folder) / "plan.yaml"
        document = generate_plan()
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=120), encoding="utf-8")
        size = path.stat().st_size
        load_seconds, plan = _timed(lambda: load_plan(path))

    properties = sum(1 for e in plan.events for _ in all_properties(e.properties))
    config = load_config(None)
    lint_seconds, diagnostics = _timed(lambda: lint_plan(plan, config), repeat=args.repeat)
    found = Counter(d.code for d in diagnostics)

    rows = [("load (parse, merge, build model)", load_seconds, "")]
    rows.append(("lint, recommended preset", lint_seconds, f"{len(diagnostics)} findings"))
    for code in DUPLICATE_RULES:
        rule = RULES_BY_CODE[code]
        seconds, violations = _timed(partial(_run_rule, rule, plan), repeat=args.repeat)
        rows.append((f"  {code} {rule.slug}", seconds, f"{len(violations)} violations"))

    print(f"plan: {len(plan.events):,} events, {properties:,} properties, {size / 1e6:.1f} MB")
    width = max(len(r[0]) for r in rows)
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:8.3f} s  {note}")
    verdict = "under" if lint_seconds < TARGET_SECONDS else "OVER"
    print(f"lint is {verdict} the {TARGET_SECONDS:.0f} s target")
    by_code = ", ".join(f"{code} {count}" for code, count in sorted(found.items()))
    print(f"findings by code: {by_code}")
    print()
    for line in _near_duplicate_comparison(plan, args.sample_rows):
        print(line)


if __name__ == "__main__":
    main()
