"""Fuzzing the real `tp` commands with hostile plans and dumps (hypothesis).

Whatever a plan or a dump holds, every command ends with exit code 0, 1 or 2 within its time,
never with a traceback or an "internal error"; and `tp validate` accounts for every record it
was given: valid, invalid, or an input problem.

The budget is small and the examples are derandomized, so CI runs the same cases every time;
explore more locally with `TP_FUZZ_EXAMPLES=500 TP_FUZZ_RANDOM=1 .venv/bin/pytest
tests/test_fuzz.py`.
"""

from __future__ import annotations

import gzip
import json
import os
from typing import Any

import pytest
from conftest import SHOP_PLAN, Run, run_tp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracking_plan.loader.fragment import PROPERTY_KEYS

EXAMPLES = int(os.environ.get("TP_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("TP_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Raw(str):
    """YAML text written into the plan as it is (tags, aliases, special floats)."""


def assert_sane(run: Run, *, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    assert run.code in codes, run.output
    assert "Traceback" not in run.output, run.output
    assert "internal error" not in run.output, run.output


# -- plans -----------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "Order Completed",
    "order_completed",
    "\x00",
    "\x1b]0;pwned\x07\x1b[2J",
    "\u202eevil",
    "[bold red]x[/]",
    "line\nbreak",
    '*/ """ ${x} \\(x)',
    "é日本\U0001f600",
    "x" * 300,
    "a{99999999999}",
    "(",
    "(x+x+)+y",
    "^[a-z]+$",
    "date-time",
    "segment/../../etc/passwd",
    "/etc/passwd",
    "1.0.0",
]
RAW_VALUES = [
    Raw(v)
    for v in (
        ".nan",
        ".inf",
        "-.inf",
        "1e400",
        "1e-400",
        "!!int abc",
        "!!int 1.5",
        "!!float x",
        "!!bool maybe",
        "!!binary aGk=",
        "!!set {a, b}",
        "!!timestamp 2024-01-01",
        "!custom x",
        "&r [1, *r]",
        "9" * 5000,
        "~",
        "[]",
        "{}",
    )
]
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1, 0.5, 2**53 + 1]),
)
SCALARS = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=12),
    NUMBERS,
    st.booleans(),
    st.none(),
    st.sampled_from(RAW_VALUES),
)
TYPE_WORDS = "string integer number boolean object array null any date-time date email uuid uri"
TYPES = st.sampled_from(
    [*TYPE_WORDS.split(), "strnig", "[string, 'null']", "[date, date-time]", "[]"]
)
EVENT_NAMES = ["Order Completed", "Product Viewed", "Video Content Playing"]
PROPERTY_NAMES = ["total", "order_id", "tags"]


def _value(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from([*HOSTILE_TEXT[:8], "a", "b"]), children, max_size=3),
    )


VALUES = st.recursive(SCALARS, _value, max_leaves=6)


PATTERNS = ["^[a-z]+$", "^ord_[0-9a-z]{4}$", "[0-9]", "(x+x+)+y", "^(a|ab)*c$", "\\d+"]
STRING_TEXT = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=8))


@st.composite
def sane_property(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    """A property the loader accepts: constraints that fit its type, hostile texts in it."""
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "array", "object"]))
    spec: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        spec["required"] = True
    if draw(st.integers(0, 3)) == 0:
        spec["nullable"] = True
    if draw(st.integers(0, 2)) == 0:
        spec["description"] = draw(STRING_TEXT)
    if kind == "string":
        choice = draw(st.integers(0, 4))
        if choice == 0:
            spec["pattern"] = draw(st.sampled_from(PATTERNS))
        elif choice == 1:
            spec["type"] = Raw(draw(st.sampled_from(["date-time", "[date, date-time]", "email"])))
        elif choice == 2:
            spec["enum"] = draw(st.lists(STRING_TEXT, min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            spec["max_length"] = draw(st.integers(1, 20))
    elif kind in ("integer", "number"):
        if draw(st.booleans()):
            spec["minimum"] = draw(st.integers(-5, 5))
        if draw(st.booleans()):
            spec["multiple_of"] = draw(st.sampled_from([1, 2, 0.5]))
    elif kind == "array" and depth < 3:
        spec["items"] = draw(sane_property(depth + 1))
    elif kind == "object" and depth < 3:
        spec["properties"] = draw(properties(depth + 1))
    return spec


@st.composite
def hostile_property(draw: st.DrawFn, depth: int) -> Any:
    """Any keys with any values: mostly refused by the loader, at their line."""
    spec: dict[str, Any] = {"type": Raw(draw(TYPES))}
    for key in draw(st.lists(st.sampled_from(PROPERTY_KEYS), max_size=4, unique=True)):
        if key in ("properties", "items") and depth < 2:
            sub = draw(properties(depth + 1))
            spec[key] = sub if key == "properties" else next(iter(sub.values()), {})
        elif key != "type":
            spec[key] = draw(VALUES)
    return draw(st.sampled_from([spec, Raw(draw(TYPES)), draw(SCALARS)]))


@st.composite
def properties(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    props: dict[str, Any] = {}
    names = st.one_of(st.sampled_from(PROPERTY_NAMES), st.sampled_from(HOSTILE_TEXT[:12]))
    for name in draw(st.lists(names, max_size=3, unique=True)):
        hostile = draw(st.integers(0, 5)) == 0
        props[name] = draw(hostile_property(depth) if hostile else sane_property(depth))
    return props


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    plan: dict[str, Any] = {"plan": draw(st.sampled_from(["shop", *HOSTILE_TEXT[:8]]))}
    if draw(st.integers(0, 3)) == 0:
        plan["version"] = draw(st.one_of(st.sampled_from(HOSTILE_TEXT), SCALARS))
    if draw(st.booleans()):
        includes = ["segment/ecommerce", "segment/video", "segment/mobile", *HOSTILE_TEXT[-4:]]
        plan["include"] = draw(st.lists(st.sampled_from(includes), max_size=2))
    events: dict[str, Any] = {}
    names = st.one_of(st.sampled_from(EVENT_NAMES), st.sampled_from(HOSTILE_TEXT[:10]))
    for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        events[name] = {"properties": draw(properties())}
        if draw(st.integers(0, 4)) == 0:
            events[name][draw(st.sampled_from(["description", "owner", "status", "side"]))] = draw(
                SCALARS
            )
    plan["events"] = events
    if draw(st.integers(0, 3)) == 0:
        plan["properties"] = draw(properties())
    if draw(st.integers(0, 3)) == 0:
        plan["identify"] = {"traits": draw(properties())}
    return plan


def to_yaml(value: Any) -> str:
    """Flow-style YAML: JSON for plain values (which YAML reads the same), raw snippets as is."""
    if isinstance(value, Raw):
        return f"{value} " if value.startswith(("!", "&")) else str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_yaml(k)}: {to_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_yaml(v) for v in value) + "]"
    if isinstance(value, float) and value != value:
        return ".nan"
    return json.dumps(value, ensure_ascii=False)  # YAML has no surrogate pair escapes


def track(event: str, properties: Any) -> str:
    message = {"type": "track", "event": event, "userId": "u", "messageId": "m"}
    return json.dumps({**message, "properties": properties}, default=str)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, STRING_TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(STRING_TEXT, children, max_size=3)
    ),
    max_leaves=5,
)


def payloads(plan: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads with the plan's first event's property names and any JSON values."""
    first = next(iter(plan["events"].values()))
    names = [n for n in first.get("properties", {}) if isinstance(n, str)] or ["total"]
    return st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names))


@FUZZ
@given(data=st.data(), plan=plans())
def test_hostile_plans(
    data: st.DataObject, plan: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("plan")
    (folder / "plan.yaml").write_text(to_yaml(plan) + "\n", encoding="utf-8")
    records = [track(name, data.draw(payloads(plan))) for name in plan["events"]]
    (folder / "events.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    for args in (
        ("lint", "plan.yaml"),
        ("compile", "plan.yaml", "-o", "schemas"),
        ("validate", "plan.yaml", "events.jsonl"),
        ("codegen", "plan.yaml", "--lang", "typescript", "-o", "client"),
    ):
        assert_sane(run_tp(*args, cwd=folder, timeout=60))


# -- dumps -----------------------------------------------------------------------------------------

SHOP_EVENTS = ["Order Completed", "Product Viewed", "Signup Completed", "Unplanned Thing", ""]


@st.composite
def message_lines(draw: st.DrawFn) -> bytes:
    """One line of a dump: a message (well-formed or not), another JSON value, or broken text;
    never a line break inside."""
    kind = draw(st.integers(0, 9))
    message: dict[str, Any] = {
        "type": draw(st.sampled_from(["track", "track", "identify", "page", "screen", "bogus"])),
        "event": draw(st.sampled_from(SHOP_EVENTS)),
        "userId": draw(st.sampled_from(["u1", "", None, 7])),
        "messageId": draw(st.sampled_from(["m1", "m2", "\U0001f600", "\ud800", ""])),
        "properties": draw(st.dictionaries(st.sampled_from(["order_id", "total"]), JSON_VALUES)),
    }
    if kind <= 4:
        return json.dumps(message).encode()  # ensure_ascii: escaped surrogate pairs
    if kind == 5:
        return json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if kind == 6:
        depth = draw(st.sampled_from([10, 999, 1001, 5000]))
        return b'{"type": "track", "p": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == 7:
        return json.dumps(draw(JSON_VALUES)).encode()
    if kind == 8:
        digits = draw(st.sampled_from([4300, 4301, 10_000]))
        return b'{"type": "track", "event": "Order Completed", "n": ' + b"9" * digits + b"}"
    text = json.dumps(message).encode()
    return draw(
        st.sampled_from(
            [text[: len(text) // 2], b'["garbage"', b"{bad", b"]", b"\x00\xff\xfe", b" \t "]
        )
    )


@st.composite
def dumps(draw: st.DrawFn) -> tuple[bytes, int]:
    """A JSON Lines dump whose first line is a message, and how many lines it has that are
    not blank (each a record or an input problem)."""
    first = json.dumps(
        {"type": "track", "event": "Order Completed", "userId": "u", "messageId": "first"}
    ).encode()
    lines = [first, *draw(st.lists(message_lines(), max_size=12))]
    ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=len(lines),
                         max_size=len(lines)))  # fmt: skip
    data = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    return data, sum(1 for line in lines if line.strip(b" \t"))


@FUZZ
@given(dump=dumps(), gzipped=st.booleans(), jobs=st.sampled_from([1, 1, 2]))
def test_hostile_dumps(
    dump: tuple[bytes, int], gzipped: bool, jobs: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data, records = dump
    folder = tmp_path_factory.mktemp("dump")
    name = "events.jsonl.gz" if gzipped else "events.jsonl"
    (folder / name).write_bytes(gzip.compress(data) if gzipped else data)
    args = ("validate", SHOP_PLAN, name, "--format", "json", "--invalid-out", "bad.jsonl")
    first = run_tp(*args, cwd=folder, timeout=60)
    assert_sane(first)
    summary = json.loads(first.stdout)["summary"]
    # A line that is not UTF-8 is an input problem; any other line a record, valid or not.
    assert summary["records"] + summary["input_problems"] == records, (summary, data)
    assert summary["valid"] + summary["invalid"] == summary["records"], summary
    written = (folder / "bad.jsonl").read_bytes().splitlines()
    assert len(written) == summary["invalid"], written
    if jobs > 1 and not gzipped:
        parallel = run_tp(*args, "--jobs", str(jobs), "--force", cwd=folder, timeout=60)
        assert_sane(parallel)
        assert parallel.code == first.code
        assert json.loads(parallel.stdout) == json.loads(first.stdout)
