"""A reproducible `tp validate` workload: a plan and a JSONL dump of Segment messages.

The plan has 40 track events, identify traits, three pages and two screens, built from a
vocabulary of shared properties (strings with enums, patterns and length limits, integers and
numbers with ranges, booleans, a date-time, a nested object and an array of objects), with
`unplanned_properties: warn` and `unplanned_events: forbid`.

The dump holds Segment messages of about 300 bytes (85% track, then identify, page, screen),
each with a realistic envelope: `type`, `event` or `name`, `userId` or `anonymousId`, a
uuid4-like `messageId`, `timestamp` and `sentAt` (ISO-8601 UTC with milliseconds and `Z`),
`context.library` and `context.app.version`. About 3% of the valid messages carry a property
the plan does not list (allowed: the plan only warns). 5% are invalid in exactly one way, one of
`INVALID_KINDS`. Everything is drawn from one seeded `random.Random`, so a given generator
version, seed and count always writes the same bytes; `ensure_workload` caches the files and
reuses them while the version matches.

The vocabulary is in workload_vocabulary.py, the dump's messages and `INVALID_KINDS` in
workload_dump.py; this module writes the plan and keeps the cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from workload_dump import SEED, Summary, generate_events
from workload_vocabulary import (
    EVENTS,
    IDENTIFY_TRAITS,
    PAGE_PROPERTIES,
    PAGES,
    PROPERTIES,
    SCREENS,
    Field,
    parse_event,
)

GENERATOR_VERSION = 1


# --- Plan ----------------------------------------------------------------------------------


def _payload_spec(fields: dict[str, tuple[Field, bool]], shared: bool) -> dict[str, Any]:
    """Plan YAML of a payload: `ref:` to the shared vocabulary when `shared`, else inline."""
    result: dict[str, Any] = {}
    for name, (prop, required) in fields.items():
        spec: dict[str, Any] = {"ref": name} if shared else prop.spec()
        if required:
            spec["required"] = True
        result[name] = spec
    return result


def plan_document() -> dict[str, Any]:
    """The benchmark plan, as the YAML document `tp` loads."""
    events: dict[str, Any] = {}
    for name, (text, _) in EVENTS.items():
        fields, forbid = parse_event(text)
        event: dict[str, Any] = {"description": f"The user: {name.lower()}."}
        if forbid:
            event["unplanned_properties"] = "forbid"
        event["properties"] = _payload_spec(fields, shared=True)
        events[name] = event
    return {
        "plan": "bench-validate",
        "version": f"{GENERATOR_VERSION}.0.0",
        "description": "A generated plan for the tp validate benchmark.",
        "owner": "bench",
        "conventions": {"events": "object-action", "properties": "snake_case"},
        "unplanned_events": "forbid",
        "unplanned_properties": "warn",
        "context": {
            "app.version": {
                "type": "string",
                "required": True,
                "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$",
                "description": "Version of the app that sent the call.",
            },
            "library.name": {"type": "string", "max_length": 64, "description": "SDK name."},
        },
        "properties": {name: prop.spec() for name, prop in PROPERTIES.items()},
        "events": events,
        "identify": {
            "description": "Who the user is.",
            "traits": _payload_spec(IDENTIFY_TRAITS, shared=False),
        },
        "pages": {
            name: {
                "description": f"The {name} page.",
                "properties": _payload_spec(PAGE_PROPERTIES, False),
            }
            for name in PAGES
        },
        "screens": {
            name: {
                "description": f"The {name} screen.",
                "properties": _payload_spec(parse_event(text)[0], shared=True),
            }
            for name, (text, _) in SCREENS.items()
        },
    }


# --- Cache ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workload:
    plan: Path
    events: Path
    summary: Summary

    def head(self, records: int) -> Path:
        """A file with the first `records` lines of the dump (cached next to it)."""
        path = self.events.with_name(f"{self.events.stem}.head{records}.jsonl")
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with self.events.open("rb") as source, tmp.open("wb") as out:
                for number, line in enumerate(source):
                    if number == records:
                        break
                    out.write(line)
            os.replace(tmp, path)
        return path

    def invalid_in_head(self, records: int) -> int:
        return sum(1 for line in self.summary.invalid_lines if line < records)


def ensure_plan(cache: Path) -> Path:
    path = cache / f"plan-v{GENERATOR_VERSION}.yaml"
    if not path.exists():
        text = yaml.safe_dump(plan_document(), sort_keys=False, width=100, allow_unicode=True)
        header = "# Generated by bench/workload.py: the tp validate benchmark plan.\n"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(header + text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def ensure_workload(
    cache: Path, count: int, seed: int = SEED, log: Callable[[str], None] = print
) -> Workload:
    """The plan and a dump of `count` messages, generated into `cache` unless already there
    (same generator version, seed and count)."""
    cache.mkdir(parents=True, exist_ok=True)
    plan = ensure_plan(cache)
    stem = f"events-v{GENERATOR_VERSION}-s{seed}-n{count}"
    events = cache / f"{stem}.jsonl"
    meta = cache / f"{stem}.meta.json"
    if events.exists() and meta.exists():
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("generator_version") == GENERATOR_VERSION and data.get("seed") == seed:
            summary = Summary(**data["summary"])
            if events.stat().st_size == summary.bytes:
                return Workload(plan, events, summary)
    log(f"generating {count:,} messages into {events} (cached for the next runs) ...")
    tmp = events.with_suffix(".tmp")
    summary = generate_events(tmp, count, seed)
    os.replace(tmp, events)
    document = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "summary": {name: getattr(summary, name) for name in Summary.__slots__},
    }
    meta.write_text(json.dumps(document), encoding="utf-8")
    return Workload(plan, events, summary)
