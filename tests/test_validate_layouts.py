"""Every layout and source of an input gives the report of the same records read from a plain
JSON Lines file: gzip, standard input, JSON arrays, Segment batches. They all take the native
scanner's path, in blocks cut anywhere, so the dump has invalid records, multi-byte characters
and lines across block boundaries; one test cuts the blocks a few kilobytes long, so that lines
and characters straddle them everywhere."""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SHOP_PLAN
from test_validate_cli import tp_run

from tracking_plan import load_plan
from tracking_plan.reporters.validation import render_json
from tracking_plan.validate import Outputs, inputs, native, validate_files
from tracking_plan.validate.inputs import lines as json_lines
from tracking_plan.validate.inputs import reader, sniff, streams
from tracking_plan.validate.inputs import values as json_values

SAMPLE = SHOP_PLAN.parent / "sample-events.jsonl"

pytestmark = pytest.mark.skipif(not native.available(), reason="the native scanner is not built")


def compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def dump(copies: int) -> list[bytes]:
    """The shop sample `copies` times, as compact JSON (as a batch's items are re-encoded), each
    copy with its own messageIds, and multi-byte characters (2, 3 and 4 bytes) in names,
    locales, invalid values and an unplanned event."""
    lines = []
    for copy in range(copies):
        for number, line in enumerate(SAMPLE.read_bytes().splitlines()):
            message = json.loads(line)
            message["messageId"] = f"{message.get('messageId')}-{copy}"
            context = message.setdefault("context", {})
            context["timezone"] = "América/Québec ☕ 𝄞"
            if isinstance(context.get("app"), dict):
                context["app"]["name"] = f"Acmé Shöp {'€' * (copy % 5)}"
            if number % 30 == 11:
                context["locale"] = "fr-CA ☕"
            if number % 50 == 7:
                message["type"], message["event"] = "track", f"Café Commandé {copy} 🚀"
            if number % 40 == 3 and isinstance(message.get("properties"), dict):
                message["properties"]["currency"] = "€uro"
            lines.append(compact(message))
    return lines


def jsonl(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def array(lines: list[bytes]) -> bytes:
    """A JSON array whose element k is on line k, as line k of the plain file."""
    return b"[" + b",\n".join(lines) + b"]\n"


def batches(lines: list[bytes], size: int) -> bytes:
    """Segment batch payloads of `size` items, one a line."""
    groups = [lines[at : at + size] for at in range(0, len(lines), size)]
    return b"".join(b'{"batch":[' + b",".join(group) + b'],"sentAt":"x"}\n' for group in groups)


def report(path: Path | str, name: str) -> dict[str, Any]:
    """The JSON report of one input, the input named `name`, as `tp validate --format json`."""
    out = io.StringIO()
    render_json(validate_files(load_plan(SHOP_PLAN), [str(path)]), out)
    shown = inputs.STDIN_NAME if path == "-" else json.dumps(str(path))[1:-1]
    document: dict[str, Any] = json.loads(out.getvalue().replace(shown, name))
    return document


def normalized(document: dict[str, Any]) -> dict[str, Any]:
    """A report with its ties in order of first appearance sorted: the Python path meets
    definitions and findings in another order than the scanner, which counts as it goes."""
    events = sorted(document["events"], key=lambda e: (-e["records"], e["definition"]))
    diagnostics = sorted(document["diagnostics"], key=lambda d: json.dumps(d, sort_keys=True))
    return {**document, "events": events, "diagnostics": diagnostics}


def piped(data: bytes, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    return "-"


def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks, reads and gathered elements of a few kilobytes (sizes prime to each other), so
    that lines, values and multi-byte characters straddle their ends everywhere."""
    monkeypatch.setattr(json_lines, "LINE_BUFFER", 4099)
    monkeypatch.setattr(reader, "LINE_BUFFER", 4099)
    monkeypatch.setattr(sniff, "READ_SIZE", 1021)
    monkeypatch.setattr(streams, "_COMPRESSED_READ", 509)
    monkeypatch.setattr(json_values, "READ_SIZE", 1021)
    monkeypatch.setattr(json_values, "GATHER_READ_SIZE", 3001)


@pytest.fixture(params=["default", "small"])
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read with the default sizes, then with `small_blocks`."""
    if request.param == "small":
        small_blocks(monkeypatch)


Layout = Callable[[list[bytes], Path, pytest.MonkeyPatch], Path | str]

SAME_AS_PLAIN: dict[str, Layout] = {
    "gzip": lambda lines, folder, mp: write(folder / "d.gz", gzip.compress(jsonl(lines))),
    "gzip, two members": lambda lines, folder, mp: write(
        folder / "d.gz",
        gzip.compress(jsonl(lines[:100])) + gzip.compress(jsonl(lines[100:])),
    ),
    "stdin": lambda lines, folder, mp: piped(jsonl(lines), mp),
    "stdin, gzip": lambda lines, folder, mp: piped(gzip.compress(jsonl(lines)), mp),
    "crlf": lambda lines, folder, mp: write(
        folder / "d.jsonl", jsonl(lines).replace(b"\n", b"\r\n")
    ),
    "array": lambda lines, folder, mp: write(folder / "d.json", array(lines)),
    "array, gzip": lambda lines, folder, mp: write(folder / "d.gz", gzip.compress(array(lines))),
    "array on stdin": lambda lines, folder, mp: piped(array(lines), mp),
    "batch of one a line": lambda lines, folder, mp: write(folder / "d.jsonl", batches(lines, 1)),
}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.usefixtures("blocks")
@pytest.mark.parametrize("layout", sorted(SAME_AS_PLAIN))
def test_a_layout_gives_the_report_of_the_plain_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    lines = dump(2)
    plain = report(write(tmp_path / "plain.jsonl", jsonl(lines)), "INPUT")
    other = report(SAME_AS_PLAIN[layout](lines, tmp_path, monkeypatch), "INPUT")

    assert plain["summary"]["records"] == len(lines)
    assert 50 < plain["summary"]["invalid"] < len(lines) // 2
    assert other == plain


def pretty_array(lines: list[bytes]) -> bytes:
    return json.dumps([json.loads(line) for line in lines], indent=2, ensure_ascii=False).encode()


def broken(lines: list[bytes]) -> bytes:
    """An array with a cut element, an element that is not an object, a pretty-printed one
    with NaN (valid for Python's json, not JSON: located in the element's own text), a batch
    with a number among its items and one whose context is merged into its items, between
    plain ones."""
    not_a_number = json.loads(lines[60])
    not_a_number["properties"] = {"price": float("nan")}
    pretty = json.dumps(not_a_number, indent=2).encode()
    elements = [*lines[:40], lines[40][:-9], *lines[41:60], pretty]
    elements = [*elements, *lines[61:80], b"17", *lines[80:120]]
    elements.append(b'{"batch":[' + lines[120] + b",5]}")
    elements.append(b'{"batch":[' + b",".join(lines[121:130]) + b'],"context":{"ip":"1.2.3.4"}}')
    return b"[" + b",\n".join([*elements, *lines[130:]]) + b"]\n"


def odd_batches(lines: list[bytes], *, valid_json: bool = False) -> list[bytes]:
    """Segment batch payloads whose items the scanner may not read as written (see
    `inputs.batches.batch_as_written`), or must read as written exactly as they are re-encoded,
    one a line, each with a plain message line after it."""
    messages = [json.loads(line) for line in lines]
    track = next(m for m in messages if m["type"] == "track")
    big = {**track, "properties": {**track["properties"], "extra": "E"}}
    surrogate = {**track, "properties": {**track["properties"], "note": "\ud800"}}
    nested = {**track, "batch": [1]}
    digits = {**track, "userId": "7" * 700}
    unsent = [{k: v for k, v in m.items() if k != "sentAt"} for m in messages[20:26]]
    sent = '"sentAt":"2024-11-12T07:17:30.000Z"'

    def joined(items: list[Any], **members: Any) -> bytes:
        return compact({"batch": [json.loads(compact(item)) for item in items], **members})

    odd = [
        b'{ "batch" : [ ' + b" , ".join(json.dumps(m).encode() for m in messages[:5]) + b" ] }",
        joined(messages[5:9]).replace("é".encode(), b"\\u00e9"),
        joined([big]).replace(b'"E"', b"[" + b",".join([b"1e15"] * 1750) + b"]"),
        json.dumps({"batch": [surrogate, track]}).encode(),
        joined([track]).replace(b'"properties":{', b'"properties":{"nan":NaN,'),
        joined([track]).replace(b'"userId":', b'"userId":"dup","userId":'),
        joined([messages[10]])[:-1] + b',"batch":[' + lines[11] + b"]}",
        joined([messages[12]]).replace(b'"batch"', b'"b\\u0061tch"'),
        joined([messages[13]], context=None, integrations={"All": False}),
        joined([digits, messages[14]]),
        joined([nested, messages[15]]),
        joined([]),
        joined([messages[16], 5, messages[17]]),
        b'{"batch":5,"type":"track","event":"Order Completed"}',
        joined([*unsent[:3], messages[19], {}], sentAt="2024-11-12T07:17:30.000Z"),
        joined(unsent[3:]).replace(b'{"batch"', b"{" + sent.encode() + b',"batch"'),
        joined(messages[:2], sentAt="x").replace(b'"sentAt"', b'"sent\\u0041t"', 2),
        joined([{**unsent[2], "sentAt": None}], sentAt="2024-11-12T07:17:30.000Z"),
        joined(unsent[4:], sentAt=5),
        joined(unsent[:1], sentAt="x")[:-1] + b',"sentAt":"2024-11-12T07:17:30.000Z"}',
    ]
    if not valid_json:
        odd.append(joined([messages[18]]) + b" trailing")
    return [line for batch, plain in zip(odd, lines[20:], strict=False) for line in (batch, plain)]


LIKE_THE_PYTHON_PATH: dict[str, Callable[[list[bytes]], bytes]] = {
    "odd batches": lambda lines: jsonl(odd_batches(lines)),
    "odd batches in an array": lambda lines: array(odd_batches(lines, valid_json=True)),
    "compact array": lambda lines: b"[" + b",".join(lines) + b"]",
    "array, two a line": lambda lines: (
        b"[" + b",".join(line + (b"\n" if n % 2 else b"") for n, line in enumerate(lines)) + b"]"
    ),
    "pretty-printed array": pretty_array,
    "pretty-printed values": lambda lines: b"\n".join(
        json.dumps(json.loads(line), indent=1).encode() for line in lines
    ),
    "broken array": broken,
    "batches of 7 a line": lambda lines: batches(lines, 7),
    "one batch": lambda lines: b'{"context":{"ip":"1.2.3.4"},"batch":[' + b",".join(lines) + b"]}",
    "one pretty-printed batch": lambda lines: json.dumps(
        {"batch": [json.loads(line) for line in lines]}, indent=2
    ).encode(),
    "array of batches": lambda lines: (
        b"["
        + b",\n".join(
            b'{"batch":[' + b",".join(lines[at : at + 9]) + b"]}" for at in range(0, len(lines), 9)
        )
        + b"]"
    ),
}


@pytest.mark.usefixtures("blocks")
@pytest.mark.parametrize("layout", sorted(LIKE_THE_PYTHON_PATH))
def test_the_scanner_reads_a_layout_as_the_python_path_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    lines = dump(1)
    path = write(tmp_path / "dump", LIKE_THE_PYTHON_PATH[layout](lines))
    scanned = report(path, "INPUT")
    monkeypatch.setenv("TP_NATIVE", "0")
    python = report(path, "INPUT")

    assert scanned["summary"]["records"] > 30
    assert normalized(scanned) == normalized(python)


@pytest.mark.parametrize(
    "layout", ["pretty-printed array", "broken array", "one batch", "odd batches"]
)
def test_invalid_records_are_written_out_as_the_python_path_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """A record the scanner hands back keeps its own text (line breaks and all) for messages
    and --invalid-out, not the one-line text the scanner read."""
    small_blocks(monkeypatch)
    path = write(tmp_path / "dump", LIKE_THE_PYTHON_PATH[layout](dump(1)))

    def invalid_out(native: str) -> bytes:
        monkeypatch.setenv("TP_NATIVE", native)
        out = tmp_path / f"invalid-{native}.jsonl"
        validate_files(load_plan(SHOP_PLAN), [str(path)], outputs=Outputs(invalid=str(out)))
        return out.read_bytes()

    assert invalid_out("1") == invalid_out("0")
    assert invalid_out("1").count(b"\n") > 10


def test_gzip_stdin_and_array_give_the_report_of_the_plain_file_in_the_cli(
    tmp_path: Path,
) -> None:
    """The real command, with its blocks of a megabyte: the dump is a few of them long."""
    lines = dump(14)
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(jsonl(lines))
    assert plain.stat().st_size > 2 << 20
    compressed = write(tmp_path / "dump.jsonl.gz", gzip.compress(jsonl(lines), compresslevel=1))
    as_array = write(tmp_path / "dump.json", array(lines))

    def run(source: Path | str, stdin: bytes | None = None) -> dict[str, Any]:
        done = tp_run("validate", SHOP_PLAN, source, "--format", "json", stdin=stdin)
        assert done.code == 1, done.output
        shown = inputs.STDIN_NAME if source == "-" else str(source)
        document: dict[str, Any] = json.loads(done.stdout.replace(shown, "INPUT"))
        return document

    expected = run(plain)
    assert expected["summary"]["records"] == len(lines)
    assert run(compressed) == expected
    assert run("-", stdin=plain.read_bytes()) == expected
    assert run("-", stdin=compressed.read_bytes()) == expected
    assert run(as_array) == expected
