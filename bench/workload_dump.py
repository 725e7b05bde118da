"""The JSONL dump of the `tp validate` benchmark: Segment messages drawn from the plan's
vocabulary with a realistic envelope, 5% made invalid in exactly one of `INVALID_KINDS` ways,
and what was written (`Summary`)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workload_vocabulary import (
    CALL_WEIGHTS,
    EVENTS,
    IDENTIFY_TRAITS,
    PAGE_PROPERTIES,
    PAGES,
    SCREENS,
    Field,
    Json,
    iso,
    parse_event,
)

SEED = 20241104
INVALID_RATE = 0.05
UNPLANNED_PROPERTY_RATE = 0.03
OPTIONAL_RATE = 0.4  # how often an optional property is sent

# The ways an invalid record is invalid, with their weights.
INVALID_KINDS = {
    "wrong_type": 20,
    "missing_required": 15,
    "enum": 12,
    "unplanned_event": 12,
    "pattern": 12,
    "out_of_range": 12,
    "too_long": 7,
    "date_time_format": 5,
    "forbidden_property": 5,
}

# Track event names that are not in the plan: typos, other spellings, forgotten events.
UNPLANNED_EVENTS = (
    "Product Viewd",
    "product_viewed",
    "Button Clicked",
    "Add To Cart",
    "Checkout Step Complete",
    "Order Completed ",
)
UNPLANNED_PROPERTIES = ("experiment_variant", "utm_source", "debug", "screen_density")
LIBRARIES = (
    ("analytics.js", "next-1.70.0", "web"),
    ("analytics-swift", "1.6.1", "ios"),
    ("analytics-kotlin", "1.16.3", "android"),
    ("analytics-node", "2.1.2", "server"),
)
APP_VERSIONS = ("4.11.3", "4.12.0", "4.12.1", "5.0.0")
START_MS = 1_730_678_400_000  # 2024-11-04T00:00:00Z


@dataclass(frozen=True, slots=True)
class _Call:
    type: str
    name: str | None  # event or page/screen name
    fields: dict[str, tuple[Field, bool]]
    forbid: bool = False


def _calls() -> tuple[list[_Call], list[int]]:
    calls: list[_Call] = []
    weights: list[int] = []
    track_total = sum(weight for _, weight in EVENTS.values())
    for name, (text, weight) in EVENTS.items():
        fields, forbid = parse_event(text)
        calls.append(_Call("track", name, fields, forbid))
        weights.append(weight * CALL_WEIGHTS["track"] * 1000 // track_total)
    calls.append(_Call("identify", None, IDENTIFY_TRAITS))
    weights.append(CALL_WEIGHTS["identify"] * 1000)
    page_total = sum(PAGES.values())
    for name, weight in PAGES.items():
        calls.append(_Call("page", name, PAGE_PROPERTIES))
        weights.append(weight * CALL_WEIGHTS["page"] * 1000 // page_total)
    screen_total = sum(weight for _, weight in SCREENS.values())
    for name, (text, weight) in SCREENS.items():
        calls.append(_Call("screen", name, parse_event(text)[0]))
        weights.append(weight * CALL_WEIGHTS["screen"] * 1000 // screen_total)
    return calls, weights


def _uuid4(rng: random.Random) -> str:
    value = (rng.getrandbits(128) & ~(0xF << 76) | (4 << 76)) & ~(0x3 << 62) | (0x2 << 62)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# A slot is somewhere a mutation can act: the container, the key, the field and whether the
# key is required there.
_Slot = tuple[dict[str, Any], str, Field, bool]


def _slots(payload: dict[str, Any], fields: dict[str, tuple[Field, bool]]) -> Iterator[_Slot]:
    """Every planned key of the payload and of its nested objects and array items; missing
    required keys too (so `missing_required` can pick them)."""
    for name, (prop, required) in fields.items():
        if name not in payload:
            continue
        yield payload, name, prop, required
        value = payload[name]
        if prop.kind == "object" and isinstance(value, dict):
            yield from _slots(value, prop.children)
        elif prop.kind == "array" and prop.items is not None and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _slots(item, prop.items.children)


def _wrong_type(value: Json, prop: Field) -> Json:
    if prop.kind in ("string", "date-time", "email"):
        return 42
    if prop.kind in ("integer", "number"):
        return str(value)
    if prop.kind == "boolean":
        return "true" if value else "false"
    if prop.kind == "object":
        return "n/a"
    return {"items": value}


def _mutate(kind: str, message: dict[str, Any], call: _Call, rng: random.Random) -> bool:
    """Make `message` invalid in the `kind` way; False when this call cannot be."""
    if kind == "unplanned_event":
        if call.type != "track":
            return False
        message["event"] = rng.choice(UNPLANNED_EVENTS)
        return True
    payload = message["traits" if call.type == "identify" else "properties"]
    if kind == "forbidden_property":
        if not call.forbid:
            return False
        payload[rng.choice(UNPLANNED_PROPERTIES)] = "x"
        return True
    slots = list(_slots(payload, call.fields))
    candidates: list[_Slot]
    if kind == "wrong_type":
        candidates = slots
    elif kind == "missing_required":
        candidates = [s for s in slots if s[3]]
    elif kind == "enum":
        candidates = [s for s in slots if s[2].enum]
    elif kind == "pattern":
        candidates = [s for s in slots if s[2].bad_pattern is not None]
    elif kind == "out_of_range":
        candidates = [s for s in slots if s[2].kind in ("integer", "number")]
    elif kind == "too_long":
        candidates = [s for s in slots if s[2].max_length is not None and s[2].max_length <= 200]
    elif kind == "date_time_format":
        candidates = [s for s in slots if s[2].kind == "date-time"]
    else:
        raise ValueError(kind)
    if not candidates:
        return False
    container, key, prop, _ = rng.choice(candidates)
    value = container[key]
    if kind == "wrong_type":
        container[key] = _wrong_type(value, prop)
    elif kind == "missing_required":
        del container[key]
    elif kind == "enum":
        assert prop.enum is not None
        text = str(value)
        wrong = [v for v in (text.upper(), text.title(), f"{text}s", "other") if v not in prop.enum]
        container[key] = rng.choice(wrong)
    elif kind == "pattern":
        assert prop.bad_pattern is not None
        container[key] = prop.bad_pattern(rng)
    elif kind == "out_of_range":
        if prop.maximum is not None and rng.random() < 0.5:
            container[key] = int(prop.maximum) + rng.randint(1, 10)
        else:
            low = prop.minimum if prop.minimum is not None else 0
            container[key] = int(low) - rng.randint(1, 10)
    elif kind == "too_long":
        assert prop.max_length is not None
        word = str(value) or "x"
        container[key] = (word + " ") * (prop.max_length // (len(word) + 1) + 1)
    else:  # date_time_format: no `T`, no zone (what many backends log)
        container[key] = str(value).replace("T", " ").removesuffix("Z")[:19]
    return True


def _message(call: _Call, epoch_ms: int, rng: random.Random) -> dict[str, Any]:
    message: dict[str, Any] = {"type": call.type}
    if call.type == "track":
        message["event"] = call.name
    elif call.name is not None:
        message["name"] = call.name
    if rng.random() < 0.7:
        message["userId"] = f"usr_{rng.getrandbits(40):010x}"
    else:
        message["anonymousId"] = _uuid4(rng)
    message["messageId"] = _uuid4(rng)
    message["timestamp"] = iso(epoch_ms)
    message["sentAt"] = iso(epoch_ms + rng.randrange(50, 5000))
    library, library_version, _ = rng.choice(LIBRARIES)
    message["context"] = {
        "library": {"name": library, "version": library_version},
        "app": {"version": rng.choice(APP_VERSIONS)},
    }
    payload = {
        name: prop.draw(rng)
        for name, (prop, required) in call.fields.items()
        if required or rng.random() < OPTIONAL_RATE
    }
    message["traits" if call.type == "identify" else "properties"] = payload
    return message


@dataclass(frozen=True, slots=True)
class Summary:
    records: int
    invalid: int
    bytes: int
    by_type: dict[str, int]
    by_kind: dict[str, int]
    invalid_lines: list[int]  # 0-based line numbers of the invalid records


def generate_events(path: Path, count: int, seed: int = SEED) -> Summary:
    """Write `count` messages to `path` (JSONL) and say what was written."""
    rng = random.Random(seed)
    calls, weights = _calls()
    cumulative = [0]
    for weight in weights:
        cumulative.append(cumulative[-1] + weight)
    cumulative.pop(0)
    by_type: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    invalid_lines: list[int] = []
    epoch_ms = START_MS
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        lines: list[str] = []
        kinds, kind_weights = list(INVALID_KINDS), list(INVALID_KINDS.values())
        for number in range(count):
            epoch_ms += rng.randrange(1, 40)
            if rng.random() < INVALID_RATE:
                # Draw the kind first, then calls until one can be invalid that way.
                kind = rng.choices(kinds, kind_weights)[0]
                while True:
                    call = rng.choices(calls, cum_weights=cumulative)[0]
                    message = _message(call, epoch_ms, rng)
                    if _mutate(kind, message, call, rng):
                        break
                by_kind[kind] += 1
                invalid_lines.append(number)
            else:
                call = rng.choices(calls, cum_weights=cumulative)[0]
                message = _message(call, epoch_ms, rng)
                if rng.random() < UNPLANNED_PROPERTY_RATE and not call.forbid:
                    payload = message["traits" if call.type == "identify" else "properties"]
                    payload[rng.choice(UNPLANNED_PROPERTIES)] = rng.choice(("b", 2, True))
            by_type[call.type] += 1
            line = json.dumps(message, separators=(",", ":")) + "\n"
            size += len(line)
            lines.append(line)
            if len(lines) == 10_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    return Summary(count, len(invalid_lines), size, dict(by_type), dict(by_kind), invalid_lines)
