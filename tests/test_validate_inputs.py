"""Tests for tracking_plan.validate.inputs: reading recorded Segment messages from real files."""

from __future__ import annotations

import fcntl
import gzip
import io
import itertools
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
import zlib
from pathlib import Path

import pytest

from tracking_plan.validate.inputs import (
    InputProblem,
    Record,
    read_input,
    read_range,
    sniff,
    split_ranges,
    streams,
)
from tracking_plan.validate.inputs import lines as json_lines
from tracking_plan.validate.inputs import values as json_values

Item = Record | InputProblem


def small_reads(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Read inputs `size` bytes at a time, to put chunk ends everywhere."""
    monkeypatch.setattr(sniff, "READ_SIZE", size)
    monkeypatch.setattr(json_values, "READ_SIZE", size)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def read(path: Path | str) -> list[Item]:
    return list(read_input(str(path)))


def records(items: list[Item]) -> list[Record]:
    assert all(isinstance(item, Record) for item in items), items
    return [item for item in items if isinstance(item, Record)]


def summary(items: list[Item]) -> list[tuple[str, int | None, int | None, bytes | str]]:
    """(kind, line, index, data or message) of each item, to compare in one assert."""
    return [
        ("record", item.line, item.index, item.data)
        if isinstance(item, Record)
        else ("problem", item.line, item.index, item.message)
        for item in items
    ]


def messages(count: int) -> list[dict[str, object]]:
    return [{"type": "track", "event": f"Event {n}", "properties": {"n": n}} for n in range(count)]


def jsonl(values: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(value).encode() + b"\n" for value in values)


# -- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_skips_blank_lines_and_strips_crlf_and_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", b'\xef\xbb\xbf{"a":1}\r\n\r\n  \t\n{"b":2}\r\n\n{"c":3}')

    assert summary(read(path)) == [
        ("record", 1, 1, b'{"a":1}'),
        ("record", 4, 2, b'{"b":2}'),
        ("record", 6, 3, b'{"c":3}'),
    ]
    assert {item.file for item in read(path)} == {str(path)}


def test_jsonl_lines_are_not_parsed_here(tmp_path: Path) -> None:
    """A line that is not JSON, or not an object, is a record: the caller parses each record
    once and reports it."""
    path = write(tmp_path, "events.jsonl", '{"a":1}\n{"b": oops\n[1, 2]\n42\n{"c":3}\n')

    assert summary(read(path)) == [
        ("record", 1, 1, b'{"a":1}'),
        ("record", 2, 2, b'{"b": oops'),
        ("record", 3, 3, b"[1, 2]"),
        ("record", 4, 4, b"42"),
        ("record", 5, 5, b'{"c":3}'),
    ]


def test_jsonl_with_a_bad_first_line_stays_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path, "events.ndjson", '{"a": 1,,}\n{"b":2}\n{"c":3}\n')

    assert [(r.line, r.data) for r in records(read(path))] == [
        (1, b'{"a": 1,,}'),
        (2, b'{"b":2}'),
        (3, b'{"c":3}'),
    ]


def test_ndjson_is_read_as_json_lines(tmp_path: Path) -> None:
    values = messages(3)
    path = write(tmp_path, "events.ndjson", jsonl(values))

    assert [json.loads(r.data) for r in records(read(path))] == values


def test_jsonl_line_with_invalid_utf8_is_a_problem_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", '{"a":"é"}\n'.encode() + b'{"b":"\xff\xfe"}\n{"c":3}\n')

    items = read(path)

    assert summary(items)[0] == ("record", 1, 1, '{"a":"é"}'.encode())
    problem = items[1]
    assert isinstance(problem, InputProblem)
    assert (problem.line, problem.index) == (2, 2)
    assert "line 2 is not valid UTF-8" in problem.message
    assert "0xff at column 7" in problem.message
    assert problem.data == b'{"b":"\xff\xfe"}'
    assert summary(items)[2] == ("record", 3, 3, b'{"c":3}')


def test_jsonl_line_holding_a_batch_becomes_its_items(tmp_path: Path) -> None:
    batch = {
        "batch": [{"type": "track", "event": "A"}, {"type": "identify", "userId": "u1"}],
        "context": {"library": {"name": "analytics-node"}},
    }
    lines = [
        json.dumps({"type": "page", "name": "Home"}),
        json.dumps(batch),
        json.dumps({"batch": [], "context": {}}),
        json.dumps({"type": "track", "event": "B", "properties": {"batch": 3}}),
    ]
    path = write(tmp_path, "events.jsonl", "\n".join(lines) + "\n")

    items = records(read(path))

    assert [(r.line, r.index) for r in items] == [(1, 1), (2, 2), (2, 3), (4, 4)]
    assert json.loads(items[1].data) == {
        "type": "track",
        "event": "A",
        "context": {"library": {"name": "analytics-node"}},
    }
    assert items[3].data == lines[3].encode()  # "batch" as a property name: left alone


# -- JSON arrays ----------------------------------------------------------------------------------


def test_compact_array_is_read_element_by_element(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", '[{"a":1},{"b":[1,2]} , {"c":"é"}]')

    assert summary(read(path)) == [
        ("record", 1, 1, b'{"a":1}'),
        ("record", 1, 2, b'{"b":[1,2]}'),
        ("record", 1, 3, '{"c":"é"}'.encode()),
    ]


def test_pretty_printed_array_keeps_each_elements_text_and_line(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        [
          {"type": "track", "event": "A"},

          {
            "type": "track",
            "event": "B"
          },
          {"type": "page"}
        ]
        """)
    path = write(tmp_path, "events.json", text)

    assert summary(read(path)) == [
        ("record", 2, 1, b'{"type": "track", "event": "A"}'),
        ("record", 4, 2, b'{\n    "type": "track",\n    "event": "B"\n  }'),
        ("record", 8, 3, b'{"type": "page"}'),
    ]


@pytest.mark.parametrize("text", ["[]", "  [\n]\n", "", "\n \n"])
def test_empty_array_or_file_has_no_records(tmp_path: Path, text: str) -> None:
    assert read(write(tmp_path, "events.json", text)) == []


def test_array_element_that_is_not_an_object_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", '[{"a":1},\n {"b":2},\n [1, 2],\n "x", {"c":3}]')

    items = read(path)

    assert [(type(item).__name__, item.line, item.index) for item in items] == [
        ("Record", 1, 1),
        ("Record", 2, 2),
        ("InputProblem", 3, 3),
        ("InputProblem", 4, 4),
        ("Record", 4, 5),
    ]
    list_problem, string_problem = items[2], items[3]
    assert isinstance(list_problem, InputProblem)
    assert isinstance(string_problem, InputProblem)
    assert "record 3 (line 3) is a list, not a message object" in list_problem.message
    assert list_problem.data == b"[1, 2]"
    assert "record 4 (line 4) is a string, not a message object" in string_problem.message


TRICKY_ELEMENTS = [
    {"type": "track", "event": "A", "properties": {"items": [{"a": 1}, {"b": 2}]}},
    {"type": "track", "event": "}, {", "properties": {"text": 'x},{\\"y"}]'}},
    {"type": "page", "name": "Café ☕", "properties": {"nested": {"deep": {"deeper": [{}]}}}},
    [{"a": 1}],
    {"batch": [{"type": "identify", "userId": "é"}, {"type": "track"}], "context": {"ip": "x"}},
    {"type": "screen", "name": "Ünïcode"},
    "text",
    {"type": "alias", "previousId": "p"},
]


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("read_size", [7, 64, 1000, 1 << 16])
def test_array_runs_read_like_element_by_element(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indent: int | None, read_size: int
) -> None:
    """Runs of plain elements are split by msgspec; the result must be the same as parsing
    each element on its own, wherever the chunks end."""
    values = TRICKY_ELEMENTS * 5
    path = write(tmp_path, "events.json", json.dumps(values, indent=indent, ensure_ascii=False))
    small_reads(monkeypatch, read_size)
    monkeypatch.setattr(sniff, "_HEAD_WINDOW", read_size)
    monkeypatch.setattr(json_values, "CUT_ATTEMPTS", 0)
    one_by_one = summary(read(path))
    monkeypatch.undo()
    small_reads(monkeypatch, read_size)
    monkeypatch.setattr(sniff, "_HEAD_WINDOW", read_size)

    assert summary(read(path)) == one_by_one
    assert len(one_by_one) == 5 * (len(TRICKY_ELEMENTS) + 1)
    assert [kind for kind, *_ in one_by_one].count("problem") == 10


def test_array_element_with_invalid_utf8_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", b'[{"a":"\xff"},\n{"b":2}]')

    items = read(path)

    assert isinstance(items[0], InputProblem)
    assert "record 1 (line 1) is not valid UTF-8" in items[0].message
    assert summary(items[1:]) == [("record", 2, 2, b'{"b":2}')]


def test_truncated_array_gives_its_records_then_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", '[{"a":1},\n{"b":2},\n{"c": ')

    items = read(path)

    assert summary(items[:2]) == [("record", 1, 1, b'{"a":1}'), ("record", 2, 2, b'{"b":2}')]
    assert len(items) == 3
    problem = items[2]
    assert isinstance(problem, InputProblem)
    assert problem.line == 3
    assert "line 3 is not valid JSON" in problem.message
    assert "truncated" in problem.message


def test_array_with_a_syntax_error_goes_on_at_the_next_element(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", '[{"a":1}\n {"b":2}, {"c":3}]')

    items = read(path)

    assert summary(items[:1]) == [("record", 1, 1, b'{"a":1}')]
    assert isinstance(items[1], InputProblem)
    assert "line 2 is not valid JSON: Expecting ',' delimiter at column 2" in items[1].message
    assert "reading goes on at the next element" in items[1].message
    assert summary(items[2:]) == [("record", 2, 2, b'{"b":2}'), ("record", 2, 3, b'{"c":3}')]


def test_deeply_nested_element_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", "[" + "[" * 100_000 + "]" * 100_000 + "]")

    items = read(path)

    assert len(items) == 1
    assert isinstance(items[0], InputProblem)
    assert "nested too deeply" in items[0].message


# -- Segment batches ------------------------------------------------------------------------------


BATCH_PAYLOAD = """\
{
  "batch": [
    {"type": "track", "event": "A", "context": {"ip": "1.2.3.4", "library": {"name": "own"}}},
    {
      "type": "identify",
      "userId": "u1",
      "integrations": {"Amplitude": false}
    },
    {"type": "page", "name": "Café", "context": null, "sentAt": "2024-05-01T12:00:01Z"}
  ],
  "context": {"library": {"name": "analytics.js", "version": "4"}, "locale": "fr-FR"},
  "integrations": {"All": true},
  "sentAt": "2024-05-01T12:00:00Z"
}
"""


def test_batch_payload_items_get_the_batch_context(tmp_path: Path) -> None:
    path = write(tmp_path, "payload.json", BATCH_PAYLOAD)

    items = records(read(path))

    assert [(r.line, r.index) for r in items] == [(3, 1), (4, 2), (9, 3)]
    # The batch's context is a default for the item's, merged one level deep: the item's
    # `library` replaces the batch's whole `library`. The batch's sentAt is the items'.
    assert json.loads(items[0].data) == {
        "type": "track",
        "event": "A",
        "context": {"library": {"name": "own"}, "locale": "fr-FR", "ip": "1.2.3.4"},
        "integrations": {"All": True},
        "sentAt": "2024-05-01T12:00:00Z",
    }
    assert json.loads(items[1].data) == {
        "type": "identify",
        "userId": "u1",
        "integrations": {"All": True, "Amplitude": False},
        "context": {"library": {"name": "analytics.js", "version": "4"}, "locale": "fr-FR"},
        "sentAt": "2024-05-01T12:00:00Z",
    }
    # An item's own key wins even when it is not an object, and its own sentAt.
    assert json.loads(items[2].data)["context"] is None
    assert json.loads(items[2].data)["sentAt"] == "2024-05-01T12:00:01Z"
    # Compact, UTF-8 (not \\u escapes).
    assert items[2].data.startswith('{"type":"page","name":"Café"'.encode())


def test_batch_item_that_is_not_an_object_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "payload.json", '{"batch": [{"type": "track"}, 7]}')

    items = read(path)

    assert isinstance(items[0], Record)
    problem = items[1]
    assert isinstance(problem, InputProblem)
    assert problem.index == 2
    assert "record 2 (item 2 of the batch on line 1) is a number" in problem.message


def test_batch_item_with_an_escaped_lone_surrogate_stays_escaped(tmp_path: Path) -> None:
    path = write(tmp_path, "payload.json", '{"batch": [{"type": "track", "event": "\\ud800"}]}')

    (record,) = records(read(path))

    assert record.data == b'{"type":"track","event":"\\ud800"}'


def test_array_of_batches_and_messages(tmp_path: Path) -> None:
    text = '[{"type":"page"},\n{"batch":[{"type":"track"},\n{"type":"screen"}]},\n{"type":"alias"}]'
    path = write(tmp_path, "events.json", text)

    assert summary(read(path)) == [
        ("record", 1, 1, b'{"type":"page"}'),
        ("record", 2, 2, b'{"type":"track"}'),
        ("record", 3, 3, b'{"type":"screen"}'),
        ("record", 4, 4, b'{"type":"alias"}'),
    ]


def test_large_batch_is_streamed_with_its_context_from_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch object longer than the limit is read item by item, its items kept in a
    temporary file until the end of the object, where its context comes here."""
    monkeypatch.setattr(json_values, "LARGE_VALUE", 200)
    small_reads(monkeypatch, 64)
    items_text = ",\n".join(json.dumps(m) for m in messages(50))
    text = f'{{"batch": [\n{items_text}\n],\n"context": {{"app": {{"version": "1.0"}}}}}}\n'
    path = write(tmp_path, "payload.json", text)

    got = records(read(path))

    assert [(r.line, r.index) for r in got] == [(n + 2, n + 1) for n in range(50)]
    assert [json.loads(r.data) for r in got] == [
        {**m, "context": {"app": {"version": "1.0"}}} for m in messages(50)
    ]


def test_large_object_that_is_not_a_batch_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_values, "LARGE_VALUE", 100)
    small_reads(monkeypatch, 64)
    big = {"type": "track", "properties": {f"p{n}": n for n in range(100)}}
    path = write(tmp_path, "events.json", json.dumps(big, indent=2) + '\n{"type": "page"}\n')

    items = read(path)

    assert isinstance(items[0], InputProblem)
    assert "is an object of more than" in items[0].message
    assert summary(items[1:]) == [("record", 106, 2, b'{"type": "page"}')]


# -- concatenated values ------------------------------------------------------------------------


def test_concatenated_pretty_printed_objects(tmp_path: Path) -> None:
    values = messages(3)
    path = write(tmp_path, "events.json", "\n".join(json.dumps(v, indent=2) for v in values))

    items = records(read(path))

    assert [json.loads(r.data) for r in items] == values
    assert [(r.line, r.index) for r in items] == [(1, 1), (8, 2), (15, 3)]
    assert items[0].data == json.dumps(values[0], indent=2).encode()


def test_concatenated_values_skip_a_broken_one(tmp_path: Path) -> None:
    text = '{\n  "a": 1\n}\n{\n  "b": 2,\n}\n{\n  "c": 3\n}\n'
    path = write(tmp_path, "events.json", text)

    items = read(path)

    assert summary(items[:1]) == [("record", 1, 1, b'{\n  "a": 1\n}')]
    problem = items[1]
    assert isinstance(problem, InputProblem)
    assert problem.line == 6
    assert "line 6 is not valid JSON: Expecting property name" in problem.message
    assert problem.data == b"}"
    assert summary(items[2:]) == [("record", 7, 2, b'{\n  "c": 3\n}')]


def test_a_value_swallowed_by_a_broken_one_is_still_read(tmp_path: Path) -> None:
    text = '{\n  "a":\n{\n  "b": 2\n}\n{\n  "c": 3\n}\n'  # the value of "a" is missing

    items = read(write(tmp_path, "events.json", text))

    assert located(items) == [("InputProblem", 6), ("Record", 3), ("Record", 6)]


def test_first_line_longer_than_the_detection_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff, "_HEAD_WINDOW", 64)
    small_reads(monkeypatch, 16)
    values = messages(20)
    path = write(tmp_path, "events.jsonl", b"\n" + jsonl(values))

    items = records(read(path))

    assert [json.loads(r.data) for r in items] == values
    assert [r.line for r in items] == list(range(2, 22))


# -- gzip -----------------------------------------------------------------------------------------


LAYOUTS = {
    "jsonl": jsonl(messages(5)) + b'{"batch":[{"type":"page"}],"context":{"ip":"x"}}\n',
    "array": json.dumps(messages(5), indent=2).encode(),
    "batch": json.dumps({"batch": messages(5), "context": {"ip": "x"}}, indent=1).encode(),
    "concatenated": b"\n".join(json.dumps(m, indent=2).encode() for m in messages(5)),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_gzip_is_recognised_by_its_magic_bytes(tmp_path: Path, layout: str) -> None:
    plain = read(write(tmp_path, "plain.txt", LAYOUTS[layout]))
    compressed = read(write(tmp_path, "events.json", gzip.compress(LAYOUTS[layout])))

    assert len(plain) >= 5
    assert summary(compressed) == summary(plain)


def test_truncated_gzip_gives_what_it_could_read_then_a_problem(tmp_path: Path) -> None:
    data = jsonl(messages(20_000))
    compressed = gzip.compress(data)
    path = write(tmp_path, "events.jsonl.gz", compressed[: len(compressed) // 2])

    items = read(path)

    *good, last = items
    assert len(good) > 1000
    assert [r.data for r in records(good)] == data.splitlines()[: len(good)]
    assert isinstance(last, InputProblem)
    assert "truncated" in last.message


def test_damaged_gzip_is_a_problem(tmp_path: Path) -> None:
    compressed = bytearray(gzip.compress(jsonl(messages(100))))
    compressed[len(compressed) // 2] ^= 0xFF
    path = write(tmp_path, "events.jsonl.gz", bytes(compressed))

    items = read(path)

    assert isinstance(items[-1], InputProblem)
    assert "gzip data is damaged" in items[-1].message


def test_gzip_members_one_after_another_are_one_input(tmp_path: Path) -> None:
    """As `cat a.gz b.gz` makes them, zero bytes after a member ignored (as gzip does)."""
    first, second = jsonl(messages(3)), jsonl(messages(5)[3:])
    data = gzip.compress(first) + gzip.compress(b"") + b"\0" * 7 + gzip.compress(second)
    both = read(write(tmp_path, "events.jsonl.gz", data + b"\0\0"))

    assert [r.data for r in records(both)] == (first + second).splitlines()


@pytest.mark.parametrize("after", [b"x", b"xy", b"\0\0PK\3\4"])
def test_bytes_after_the_gzip_data_are_a_problem_after_its_records(
    tmp_path: Path, after: bytes
) -> None:
    data = jsonl(messages(4))
    *good, last = read(write(tmp_path, "events.jsonl.gz", gzip.compress(data) + after))

    assert [r.data for r in records(good)] == data.splitlines()
    assert isinstance(last, InputProblem)
    assert "gzip data is damaged" in last.message


def test_damaged_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    """zlib refuses a megabyte of output when its input is damaged in the middle: what comes
    before the damage is inflated again in small steps, so that its records are read."""
    data = jsonl(messages(30_000))
    compressed = bytearray(gzip.compress(data, compresslevel=1))
    middle = len(compressed) // 2
    compressed[middle : middle + 64] = b"\xff" * 64  # zlib: "invalid block type"
    *good, last = read(write(tmp_path, "events.jsonl.gz", bytes(compressed)))

    assert isinstance(last, InputProblem)
    assert "gzip data is damaged" in last.message
    whole = gzip.GzipFile(fileobj=io.BytesIO(compressed))
    before = b""
    with pytest.raises(zlib.error):
        while chunk := whole.read1(4096):
            before += chunk
    assert [r.data for r in records(good)] == data.splitlines()[: len(good)]
    assert len(good) >= before.count(b"\n") - 20  # gzip itself reads no further


@pytest.mark.parametrize("cut", [0.3, 0.999])
def test_gzip_cut_anywhere_gives_every_whole_line_before_the_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: float
) -> None:
    monkeypatch.setattr(streams, "_COMPRESSED_READ", 997)
    data = jsonl(messages(20_000))
    compressed = gzip.compress(data)
    end = int(len(compressed) * cut)
    *good, last = read(write(tmp_path, "events.jsonl.gz", compressed[:end]))

    inflated = zlib.decompressobj(31).decompress(compressed[:end])
    assert [r.data for r in records(good)] == inflated.splitlines()[: inflated.count(b"\n")]
    assert isinstance(last, InputProblem)
    assert "truncated" in last.message


# -- sources ------------------------------------------------------------------------------------


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'\xef\xbb\xbf{"a":1}\n\n{"b":2}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    items = read("-")

    assert summary(items) == [("record", 1, 1, b'{"a":1}'), ("record", 3, 2, b'{"b":2}')]
    assert {item.file for item in items} == {"<stdin>"}


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_a_pipe_is_widened_to_a_block_of_lines() -> None:
    """With 64 KB, the writer and tp take turns every 64 KB, which costs about as much as
    validating what they pass."""
    read_end, write_end = os.pipe()
    try:
        with open(read_end, "rb", buffering=0, closefd=False) as pipe:
            streams._widen_pipe(pipe)
        size = fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert size >= streams.LINE_BUFFER


def test_gzip_array_piped_to_stdin(tmp_path: Path) -> None:
    script = (
        "from tracking_plan.validate.inputs import read_input\n"
        "for item in read_input('-'):\n"
        "    print(type(item).__name__, item.file, item.line, item.index)\n"
    )
    data = gzip.compress(json.dumps(messages(3), indent=2).encode())

    completed = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, check=True
    )

    assert completed.stdout.decode().splitlines() == [
        "Record <stdin> 2 1",
        "Record <stdin> 9 2",
        "Record <stdin> 16 3",
    ]


def test_nonexistent_path_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "missing.jsonl"

    (problem,) = read(path)

    assert isinstance(problem, InputProblem)
    assert problem.file == str(path)
    assert "No such file or directory" in problem.message


def test_folder_is_one_problem(tmp_path: Path) -> None:
    (problem,) = read(tmp_path)

    assert isinstance(problem, InputProblem)
    assert "cannot read the input" in problem.message


def test_records_are_immutable_named_records(tmp_path: Path) -> None:
    (record,) = records(read(write(tmp_path, "events.jsonl", '{"a":1}\n')))

    assert type(record) is Record
    assert record == Record(data=b'{"a":1}', file=str(tmp_path / "events.jsonl"), line=1, index=1)
    assert hash(record) == hash(record._replace())
    with pytest.raises(AttributeError):
        record.line = 2  # type: ignore[misc]


# -- sniffing across buffer boundaries --------------------------------------------------------


def test_batches_and_bad_bytes_are_found_across_buffer_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = []
    batches = bad = 0
    for n in range(60):
        if n % 7 == 3:
            lines.append(json.dumps({"batch": [{"n": n}, {"n": -n}]}).encode())
            batches += 1
        elif n % 11 == 5:
            lines.append(b'{"bad": "\xc3' + b"x" * (n % 5) + b'"}')
            bad += 1
        else:
            lines.append(json.dumps({"n": n, "pad": "y" * (n % 13)}).encode())
    path = write(tmp_path, "events.jsonl", b"\n".join(lines))
    expected = summary(read(path))
    assert [kind for kind, *_ in expected].count("problem") == bad
    assert len(expected) == 60 + batches

    for size in (5, 7, 16, 31, 64):
        monkeypatch.setattr(json_lines, "LINE_BUFFER", size)
        assert summary(read(path)) == expected, size


# -- split_ranges and read_range ----------------------------------------------------------------


def range_lines(path: Path, ranges: list[tuple[int, int]]) -> list[tuple[int, int, bytes]]:
    return [
        (item.line, item.index, item.data)
        for start, end in ranges
        for item in records(list(read_range(str(path), start, end)))
    ]


@pytest.mark.parametrize("final_newline", [True, False])
@pytest.mark.parametrize("parts", [1, 2, 3, 4])
def test_ranges_cover_every_line_once(tmp_path: Path, parts: int, final_newline: bool) -> None:
    lines = [json.dumps({"n": n, "pad": "x" * (n * 7 % 23)}) for n in range(40)]
    lines[5] = ""
    lines[17] = "   "
    text = "\ufeff" + "\r\n".join(lines) + ("\r\n" if final_newline else "")
    path = write(tmp_path, "events.jsonl", text)
    whole = [(r.line, r.line, r.data) for r in records(read(path))]

    ranges = split_ranges(str(path), parts)

    assert len(ranges) == parts
    assert ranges[0][0] == 0
    assert ranges[-1][1] == path.stat().st_size
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(ranges))
    data = path.read_bytes()
    assert all(start == 0 or data[start - 1 : start] == b"\n" for start, _ in ranges)
    assert range_lines(path, ranges) == whole


def test_ranges_cut_anywhere_read_each_line_once(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", '{"a":1}\n\n{"bb":2}\n{"ccc":3}')
    whole = range_lines(path, [(0, path.stat().st_size)])
    size = path.stat().st_size

    for cut in range(size + 1):
        assert range_lines(path, [(0, cut), (cut, size)]) == whole, cut


def test_read_range_uses_the_first_line_given(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", '{"a":1}\n{"b":2}\n{"c":3}\n')

    items = records(list(read_range(str(path), 8, 100, first_line=2)))

    assert [(r.line, r.data) for r in items] == [(2, b'{"b":2}'), (3, b'{"c":3}')]


def test_read_range_expands_batch_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", '{"a":1}\n{"batch":[{"b":2},{"c":3}]}\n')

    items = records(list(read_range(str(path), 8, path.stat().st_size)))

    assert [(r.line, r.index, r.data) for r in items] == [(2, 2, b'{"b":2}'), (2, 2, b'{"c":3}')]


def test_split_ranges_gives_one_part_when_it_cannot_split(tmp_path: Path) -> None:
    array = write(tmp_path, "events.json", json.dumps(messages(50), indent=2))
    compressed = write(tmp_path, "events.jsonl.gz", gzip.compress(jsonl(messages(50))))

    assert split_ranges(str(array), 4) == [(0, array.stat().st_size)]
    assert split_ranges(str(compressed), 4) == [(0, compressed.stat().st_size)]
    assert split_ranges("-", 4) == [(0, 0)]
    assert split_ranges(str(tmp_path / "missing.jsonl"), 4) == [(0, 0)]
    assert split_ranges(str(write(tmp_path, "one.jsonl", '{"a":1}\n')), 4) == [(0, 8)]


def test_read_range_of_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    (problem,) = read_range(str(tmp_path / "missing.jsonl"), 0, 10)

    assert isinstance(problem, InputProblem)


# -- memory -------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_large_input_streams_with_flat_memory(tmp_path: Path, layout: str) -> None:
    line = json.dumps({"type": "track", "event": "Order Completed", "properties": messages(2)})
    count = 300_000 if layout == "jsonl" else 100_000
    path = tmp_path / "big.json"
    with path.open("w") as file:
        if layout == "jsonl":
            for _ in range(count // 1000):
                file.write((line + "\n") * 1000)
        else:
            file.write("[" + line)
            for _ in range(count // 1000):
                file.write((",\n" + line) * 1000)
            file.write("]")
            count += 1
    assert path.stat().st_size > 15 << 20

    tracemalloc.start()
    try:
        seen = sum(1 for _ in read_input(str(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert seen == count
    assert peak < 50 << 20


# -- every record read is a record or a problem, with its line ----------------------------------


GOOD_LINES = [
    json.dumps({"type": "track", "event": f"E{n}", "messageId": f"m{n}"}) for n in range(3)
]


def located(items: list[Item]) -> list[tuple[str, int | None]]:
    return [(type(item).__name__, item.line) for item in items]


@pytest.mark.parametrize(
    "first",
    [
        "[" * 1500 + "]" * 1500,
        '{"a":' * 1500 + "1" + "}" * 1500,
        '["garbage"',
        '{"a": 1,,}',
        "1" * 5000,
        '{"n": ' + "1" * 5000 + "}",
    ],
    ids=["deep-array", "deep-object", "open-array", "bad-object", "huge-number", "huge-in-object"],
)
def test_a_bad_first_line_does_not_hide_the_lines_after_it(tmp_path: Path, first: str) -> None:
    path = write(tmp_path, "events.jsonl", first + "\n" + "\n".join(GOOD_LINES) + "\n")

    items = read(path)

    assert [item.line for item in items] == [1, 2, 3, 4]
    assert [r.data for r in items[1:] if isinstance(r, Record)] == [
        line.encode() for line in GOOD_LINES
    ]


def test_cr_lf_and_crlf_all_end_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", b'{"a":1}\r{"b": oops\r{"c":3}\r\n{"d":4}\n\r{"e":5}\r')

    assert summary(read(path)) == [
        ("record", 1, 1, b'{"a":1}'),
        ("record", 2, 2, b'{"b": oops'),
        ("record", 3, 3, b'{"c":3}'),
        ("record", 4, 4, b'{"d":4}'),
        ("record", 6, 5, b'{"e":5}'),
    ]


@pytest.mark.parametrize("read_size", [3, 64, 1 << 16])
def test_cr_only_lines_are_counted_in_every_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_size: int
) -> None:
    small_reads(monkeypatch, read_size)
    monkeypatch.setattr(json_lines, "LINE_BUFFER", read_size)
    pretty = "\r".join(json.dumps(m, indent=2).replace("\n", "\r") for m in messages(3))
    path = write(tmp_path, "events.json", pretty + "\r")

    assert [(r.line, r.index) for r in records(read(path))] == [(1, 1), (8, 2), (15, 3)]

    broken = '{\r  "a": 1\r}\r{\r  "b": oops\r}\r{\r  "c": 3\r}\r'
    path = write(tmp_path, "broken.json", broken)

    assert located(read(path)) == [("Record", 1), ("InputProblem", 5), ("Record", 7)]


def test_pretty_printed_array_goes_on_after_a_broken_element(tmp_path: Path) -> None:
    values = messages(4)
    text = json.dumps(values, indent=2)
    second = text.index('"event": "Event 1"')
    path = write(tmp_path, "events.json", text[:second] + '"event" "Event 1"' + text[second + 18 :])

    items = read(path)

    assert located(items) == [
        ("Record", 2),
        ("InputProblem", 11),
        ("Record", 16),
        ("Record", 23),
    ]
    assert [json.loads(r.data) for r in records([items[0], *items[2:]])] == [
        values[0],
        *values[2:],
    ]
    problem = items[1]
    assert isinstance(problem, InputProblem)
    assert "line 11 is not valid JSON: Expecting ':' delimiter at column 13" in problem.message


def test_a_comma_before_the_closing_bracket_is_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "events.json", '[\n{"a": 1},\n{"b": 2},\n]\n{"c": 3}\n')

    items = read(path)

    assert located(items) == [("Record", 2), ("Record", 3), ("InputProblem", 4), ("Record", 5)]
    assert isinstance(items[2], InputProblem)
    assert "line 4 is not valid JSON: Expecting value at column 1; ignored" in items[2].message


def test_array_elements_one_per_line_go_on_after_a_broken_one(tmp_path: Path) -> None:
    lines = [json.dumps(m) for m in messages(3)]
    path = write(tmp_path, "events.json", f"[{lines[0]},\n{lines[1][:-1]},\n{lines[2]}]\n")

    # The second element lacks its }: the text stops being JSON where the third one starts.
    assert located(read(path)) == [("Record", 1), ("InputProblem", 3), ("Record", 3)]


def test_a_number_beyond_the_integer_limit_first_is_a_located_problem(tmp_path: Path) -> None:
    pretty = "\n".join(json.dumps(m, indent=2) for m in messages(2))
    path = write(tmp_path, "events.json", f"{'9' * 5000}\n{pretty}")

    items = read(path)

    assert located(items) == [("InputProblem", 1), ("Record", 2), ("Record", 9)]
    problem = items[0]
    assert isinstance(problem, InputProblem)
    assert "line 1 is not valid JSON: a number of more than 4,300 digits at column 1" in (
        problem.message
    )


def test_broken_json_is_located_the_same_on_every_python(tmp_path: Path) -> None:
    """Python 3.13's json reports a trailing comma at the comma, older ones at the next
    token: positions are computed here, not taken from the interpreter's message."""
    path = write(tmp_path, "events.json", '[\n  {"a": 1},\n  {"b": 2,\n  }\n]')

    problem = read(path)[1]

    assert isinstance(problem, InputProblem)
    assert problem.line == 4
    assert "line 4 is not valid JSON: Expecting property name enclosed in double quotes at " in (
        problem.message
    )


def test_a_line_too_long_to_be_a_record_is_skipped_with_flat_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_lines, "_MAX_LINE", 1 << 20)
    path = tmp_path / "long.jsonl"
    with path.open("wb") as file:
        file.write(jsonl(messages(2)))
        file.write(b'{"pad": "' + b"x" * (20 << 20) + b'"}\n')
        file.write(jsonl(messages(1)))

    tracemalloc.start()
    try:
        items = read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert located(items) == [("Record", 1), ("Record", 2), ("InputProblem", 3), ("Record", 4)]
    assert peak < 8 << 20
