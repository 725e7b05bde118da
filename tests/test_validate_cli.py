"""`tp validate` run as a subprocess, the way users and CI run it.

Each `tp validate` costs about two seconds of start-up, so the runs this module needs are
started together, in parallel, by the module-scoped `runs` fixture (`RUNS` lists them by name);
each test then reads the result of its run. Paths in the arguments are relative to the
repository (the working directory), so reports name `plans/shop/sample-events.jsonl:45`.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, Run, tp_executable

PLAN = "plans/shop/plan.yaml"
SAMPLE = "plans/shop/sample-events.jsonl"
POSITION = re.compile(r"[\w./-]+\.yaml:\d+:\d+")

# Lines of the sample dump with a deliberate problem (tools/make_sample_events.py --summary);
# test_validate.py checks these against the generator itself.
ERROR_LINES = {16, 35, 42, 45, 60, 67, 79, 98, 100, 146, 148, 162, 174, 176, 183, 192, 199,
               207, 220, 222, 229, 235, 254, 263, 292}  # fmt: skip
WARNING_LINES = {56, 72, 298, 125, 267, 303}  # deprecated event, duplicate messageId
DEPRECATED_LINES = {56, 72, 298}


def tp_run(*args: str | Path, stdin: bytes | None = None) -> Run:
    """`tp ARGS...` in the repository, output plain and wide, stdin not a terminal."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    completed = subprocess.run(
        [tp_executable(), *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return Run(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


class Runs:
    def __init__(self, folder: Path, futures: dict[str, Future[Run]]) -> None:
        self.folder = folder
        self._futures = futures

    def __getitem__(self, name: str) -> Run:
        result = self._futures[name].result()
        assert "Traceback" not in result.output, result.output
        assert "internal error" not in result.output, result.output
        return result


def sample_lines() -> list[bytes]:
    return (REPO_ROOT / SAMPLE).read_bytes().splitlines(keepends=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("validate-cli")
    lines = sample_lines()
    clean = tmp / "clean.jsonl"
    clean.write_bytes(
        b"".join(t for n, t in enumerate(lines, 1) if n not in ERROR_LINES | WARNING_LINES)
    )
    warned = tmp / "warned.jsonl"  # clean records plus the deprecated ones: warnings only
    warned.write_bytes(
        b"".join(t for n, t in enumerate(lines, 1) if n not in ERROR_LINES | WARNING_LINES)
        + b"".join(lines[n - 1] for n in sorted(DEPRECATED_LINES))
    )
    second_half = tmp / "second-half.jsonl.gz"
    second_half.write_bytes(gzip.compress(b"".join(lines[150:])))
    whole = gzip.compress(b"".join(lines))
    truncated = tmp / "truncated.jsonl.gz"
    truncated.write_bytes(whole[: len(whole) // 2])
    binary = tmp / "binary.dat"
    binary.write_bytes(bytes(range(256)) * 4)

    sample = (PLAN, SAMPLE)
    out_files = ("--invalid-out", tmp / "invalid.jsonl", "--valid-out", tmp / "valid.jsonl")
    out_files2 = ("--invalid-out", tmp / "invalid2.jsonl", "--valid-out", tmp / "valid2.jsonl")
    commands: dict[str, tuple[tuple[str | Path, ...], bytes | None]] = {
        "text": (sample, None),
        "json": ((*sample, "--format", "json", *out_files), None),
        # the truncated gzip as a second input: its problem must be in the stream too
        "jsonl": ((*sample, truncated, "--format", "jsonl"), None),
        "jobs": ((*sample, "--format", "json", "--jobs", "2", *out_files2), None),
        "clean": ((PLAN, clean, "--fail-on", "warning", "--no-drift"), None),
        "warned": ((PLAN, warned, "--no-drift"), None),
        "warned-strict": ((PLAN, warned, "--fail-on", "warning"), None),
        "stdin-gzip": ((PLAN, "-", second_half, "--format", "json"), b"".join(lines[:150])),
        "only": ((*sample, "--only", "Order Completed", "--format", "json"), None),
        "ignore": ((*sample, "--ignore", "EV114", "--ignore", "DR304", "--format", "json"), None),
        "missing-input": ((PLAN, tmp / "nope.jsonl"), None),
        "bad-plan": (("plans/bad/unknown-key.yaml", SAMPLE), None),
        "bad-format": ((*sample, "--format", "xml"), None),
        "damaged": ((PLAN, truncated, binary, clean, "--no-drift"), None),
        "unwritable": ((*sample, "--invalid-out", tmp / "binary.dat" / "dir.jsonl"), None),
        "help": (("--help",), None),
    }
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        futures = {
            name: pool.submit(tp_run, "validate", *args, stdin=stdin)
            for name, (args, stdin) in commands.items()
        }
        yield Runs(tmp, futures)


def as_json(run: Run) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def codes(document: dict[str, Any]) -> set[str]:
    return {d["code"] for d in document["diagnostics"]}


# -- the sample dump ------------------------------------------------------------------------------


def test_text_report_of_the_sample(runs: Runs) -> None:
    run = runs["text"]
    assert run.code == 1, run.output
    out = run.stdout
    assert re.search(
        r"^309 records checked against acme-shop 2\.3\.0: 284 valid \(91\.9%\), 25 invalid\.$",
        out,
        re.MULTILINE,
    ), out
    assert "By event" in out
    assert re.search(r"^\s*Order Completed\s+8\s+12\.5%\s+EV103 [\u00d7x]3", out, re.MULTILINE), out
    assert re.search(r"^\s*completed_order\s+3\s+0\.0%\s+EV100 [\u00d7x]3", out, re.MULTILINE), out
    violations = out[out.index("Violations") : out.index("Drift")]
    pattern = r"EV100 unplanned-event completed_order /event: 3 record\(s\).*Order Completed"
    assert re.search(pattern, violations), violations
    assert "plans/shop/sample-events.jsonl:45  event 'completed_order' is not in the plan" in out
    assert 'sample-events.jsonl:199  /properties/revenue: expected number, got string "' in out
    assert "EV114 deprecated-event Checkout Button Tapped" in violations
    drift = out[out.index("Drift") :]
    assert "DR305 3 records send 'completed_order', which looks like the planned" in drift
    assert "DR306 3 'Order Completed' records send 'orderId'" in drift
    assert "DR304 13 planned events never appear:" in drift
    assert "Product Removed" in drift
    assert run.stderr == ""


def test_json_report_of_the_sample(runs: Runs) -> None:
    run = runs["json"]
    assert run.code == 1, run.output
    document = as_json(run)
    assert document["summary"] == {
        "plan": "acme-shop",
        "plan_version": "2.3.0",
        "records": 309,
        "valid": 284,
        "invalid": 25,
        "valid_share": 0.9191,
        "input_problems": 0,
    }
    events = {row["definition"]: row for row in document["events"]}
    assert events["Order Completed"]["records"] == 8
    assert events["Order Completed"]["invalid"] == 7
    assert events["Order Completed"]["top_violations"]["EV104"] == 3
    assert sum(row["records"] for row in document["events"]) == 309
    assert {"EV100", "EV103", "EV104", "EN203", "EN205", "EV114", "DR305", "DR306"} <= codes(
        document
    )
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) >= {"code", "slug", "severity", "message", "location", "data"}
    [revenue] = [d for d in document["diagnostics"] if d["code"] == "EV104"]
    assert revenue["location"]["pointer"] == "/properties/revenue"
    assert revenue["data"]["count"] == 3
    assert [s["line"] for s in revenue["data"]["samples"]] == [199, 235, 263]


def test_out_files_hold_the_records_unchanged(runs: Runs) -> None:
    assert runs["json"].code == 1
    lines = sample_lines()
    invalid = (runs.folder / "invalid.jsonl").read_bytes().splitlines(keepends=True)
    valid = (runs.folder / "valid.jsonl").read_bytes().splitlines(keepends=True)
    assert invalid == [lines[n - 1] for n in sorted(ERROR_LINES)]
    assert Counter(valid + invalid) == Counter(lines)
    assert len(valid) == 284


def test_jsonl_is_one_finding_per_line(runs: Runs) -> None:
    run = runs["jsonl"]
    assert run.code == 1, run.output
    found = [json.loads(line) for line in run.stdout.splitlines()]
    assert found and all(isinstance(f, dict) for f in found)
    per_record = [
        f for f in found if f["code"][:2] in ("EV", "EN") and f["location"]["file"] == SAMPLE
    ]
    assert {f["location"]["line"] for f in per_record} == ERROR_LINES | WARNING_LINES
    assert {
        "code": "EV104",
        "line": 199,
        "pointer": "/properties/revenue",
    } in [
        {"code": f["code"], "line": f["location"]["line"], "pointer": f["location"]["pointer"]}
        for f in per_record
    ]
    others = [f for f in found if f["code"][:2] in ("EV", "EN") and f not in per_record]
    assert all(f["location"]["file"].endswith("truncated.jsonl.gz") for f in others)
    assert {"DR305", "DR306"} <= {f["code"] for f in found}


def test_two_jobs_give_the_same_report(runs: Runs) -> None:
    one, two = as_json(runs["json"]), as_json(runs["jobs"])
    assert runs["jobs"].code == 1
    assert two["summary"] == one["summary"]

    def rows(document: dict[str, Any]) -> list[Any]:
        return sorted(json.dumps(row, sort_keys=True) for row in document["events"])

    def groups(document: dict[str, Any]) -> Counter[tuple[Any, ...]]:
        return Counter(
            (d["code"], d["severity"], d["location"]["pointer"], d["data"].get("count"))
            for d in document["diagnostics"]
        )

    assert rows(two) == rows(one)
    assert groups(two) == groups(one)
    for name in ("valid", "invalid"):
        parallel = (runs.folder / f"{name}2.jsonl").read_bytes()
        assert parallel == (runs.folder / f"{name}.jsonl").read_bytes()


# -- exit codes -----------------------------------------------------------------------------------


def test_a_clean_dump_exits_0(runs: Runs) -> None:
    run = runs["clean"]
    assert run.code == 0, run.output
    assert re.search(r"^278 records checked .*: 278 valid \(100\.0%\), 0 invalid\.$", run.stdout,
                     re.MULTILINE), run.stdout  # fmt: skip
    assert "Violations" not in run.stdout and "Drift" not in run.stdout


def test_warnings_fail_only_with_fail_on_warning(runs: Runs) -> None:
    default, strict = runs["warned"], runs["warned-strict"]
    assert default.code == 0, default.output
    assert strict.code == 1, strict.output
    for run in (default, strict):
        assert "281 valid (100.0%), 0 invalid" in run.stdout
        assert "EV114 deprecated-event Checkout Button Tapped" in run.stdout


# -- inputs and options ---------------------------------------------------------------------------


def test_stdin_and_gzip_in_one_call(runs: Runs) -> None:
    run = runs["stdin-gzip"]
    assert run.code == 1, run.output
    document = as_json(run)
    assert document["summary"] == as_json(runs["json"])["summary"]
    files = {
        s["file"]
        for d in document["diagnostics"]
        for s in d["data"].get("samples", [])
        if d["code"][:2] in ("EV", "EN")
    }
    assert "<stdin>" in files
    assert any(f.endswith("second-half.jsonl.gz") for f in files)
    samples = {
        (s["file"], s["line"])
        for d in document["diagnostics"]
        for s in d["data"].get("samples", [])
    }
    assert ("<stdin>", 45) in samples  # the first half keeps its line numbers
    assert any(f.endswith(".gz") and line == 220 - 150 for f, line in samples)


def test_only_reports_the_named_events(runs: Runs) -> None:
    run = runs["only"]
    document = as_json(run)
    assert [row["definition"] for row in document["events"]] == ["Order Completed"]
    assert document["summary"]["records"] == 8
    assert {d["data"].get("definition") for d in document["diagnostics"]} == {"Order Completed"}


def test_ignore_drops_codes(runs: Runs) -> None:
    document = as_json(runs["ignore"])
    assert "EV114" not in codes(document)
    assert {"EV100", "EV104", "DR305"} <= codes(document)
    assert document["summary"]["invalid"] == 25


def test_ignore_drops_drift_codes(runs: Runs) -> None:
    assert "DR304" not in codes(as_json(runs["ignore"]))


def test_no_drift(runs: Runs) -> None:
    run = runs["warned"]  # run with --no-drift
    assert "Violations" in run.stdout
    assert "Drift" not in run.stdout and "DR3" not in run.stdout
    assert "Drift" in runs["warned-strict"].stdout


# -- bad input ------------------------------------------------------------------------------------


def test_missing_input_exits_2(runs: Runs) -> None:
    run = runs["missing-input"]
    assert run.code == 2, run.output
    assert "nope.jsonl does not exist" in run.stderr
    assert run.stdout == ""


def test_plan_that_cannot_be_loaded_exits_2_with_its_position(runs: Runs) -> None:
    run = runs["bad-plan"]
    assert run.code == 2, run.output
    assert POSITION.search(run.stderr), run.stderr
    assert "plans/bad/unknown-key.yaml:10:5" in run.stderr
    assert "cannot load plan" in run.stderr


def test_unknown_format_exits_2(runs: Runs) -> None:
    run = runs["bad-format"]
    assert run.code == 2, run.output
    assert "unknown format 'xml'" in run.stderr
    assert "text, json, jsonl" in run.stderr


def test_damaged_inputs_are_reported_not_fatal(runs: Runs) -> None:
    run = runs["damaged"]
    assert run.code == 1, run.output
    out = run.stdout
    summary = re.search(r"^(\d+) records checked .*, (\d+) input problems\.$", out, re.MULTILINE)
    assert summary, out
    assert int(summary[1]) > 278  # the clean file and the records before the gzip cut
    assert int(summary[2]) >= 2
    assert "truncated.jsonl.gz" in out and "the gzip data is truncated" in out
    assert "binary.dat" in out and "not valid UTF-8" in out


def test_jsonl_reports_input_problems(runs: Runs) -> None:
    run = runs["jsonl"]  # the sample and a truncated gzip
    assert run.code == 1, run.output
    found = [json.loads(line) for line in run.stdout.splitlines()]
    assert any(f["code"] == "EN200" and "truncated" in f["message"] for f in found), found


def test_unwritable_out_file_is_a_usage_error(runs: Runs) -> None:
    run = runs["unwritable"]
    assert run.code == 2, run.output
    assert "binary.dat is not a folder" in run.stderr, run.stderr


def test_help_mentions_an_example(runs: Runs) -> None:
    run = runs["help"]
    assert run.code == 0, run.output
    assert "Example: tp validate plans/shop/plan.yaml plans/shop/sample-events.jsonl" in run.stdout
    for option in ("--format", "--fail-on", "--only", "--ignore", "--jobs", "--no-drift"):
        assert option in run.stdout
