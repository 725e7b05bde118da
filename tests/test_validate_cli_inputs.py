"""`tp validate` as a subprocess on inputs that are not plain files: folders, named pipes,
standard input, HAR captures, gzip bombs. Each input is opened once and read once, so a pipe
works and memory stays flat whatever the layout."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SHOP_PLAN, Run, tp_executable
from test_validate_cli import tp_run
from test_validate_har import CAPTURE, har

SAMPLE = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"


def report(run: Run) -> dict[str, object]:
    assert "Traceback" not in run.output and "internal error" not in run.output, run.output
    summary: dict[str, object] = json.loads(run.stdout)["summary"]
    return summary


def test_a_folder_or_a_path_that_cannot_be_read_is_an_input_error(tmp_path: Path) -> None:
    run = tp_run("validate", SHOP_PLAN, SAMPLE, tmp_path)
    assert run.code == 2, run.output
    assert f"input {tmp_path} is a folder" in " ".join(run.stderr.split())
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    run = tp_run("validate", SHOP_PLAN, loop)
    assert run.code == 2, run.output
    assert f"input {loop} cannot be read (Too many levels of symbolic links)" in (
        " ".join(run.stderr.split())
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_read_once_and_the_run_ends(tmp_path: Path) -> None:
    fifo = tmp_path / "events.pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as pipe:
            pipe.write(SAMPLE.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    run = tp_run("validate", SHOP_PLAN, fifo, "--format", "json", "--no-drift")
    writer.join(timeout=5)
    assert run.code == 1, run.output
    assert report(run)["records"] == 309


def test_a_capture_on_standard_input_is_summed_up_from_the_one_read(tmp_path: Path) -> None:
    capture = gzip.compress(har(CAPTURE).encode())
    run = tp_run("validate", SHOP_PLAN, "-", "--format", "json", "--no-drift", stdin=capture)
    assert report(run)["records"] == 10
    assert "<stdin>: 10 analytics request(s) read, 6 other request(s) skipped, 3 not readable" in (
        " ".join(run.stderr.split())
    )


def test_jsonl_on_standard_input_gives_the_report_of_the_file() -> None:
    piped = tp_run("validate", SHOP_PLAN, "-", "--format", "json", stdin=SAMPLE.read_bytes())
    named = tp_run("validate", SHOP_PLAN, SAMPLE, "--format", "json")
    assert piped.code == named.code == 1
    assert report(piped) == report(named)


def test_a_gzip_bomb_of_blank_lines_streams_in_flat_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as file:
        block = b"\n" * (1 << 20)
        for _ in range(400):
            file.write(block)
        file.write(SAMPLE.read_bytes())
    assert bomb.stat().st_size < 2 << 20
    # A child measures tp's peak memory, so that other processes of the tests do not count.
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stdout.write(done.stdout.decode())\n"
    )
    command = [tp_executable(), "validate", str(SHOP_PLAN), str(bomb), "--format", "json"]
    completed = subprocess.run(
        [sys.executable, "-c", script, *command], capture_output=True, timeout=300, check=True
    )
    status, _, document = completed.stdout.decode().partition("\n")
    code, peak_kb = map(int, status.split())
    assert code == 1
    assert json.loads(document)["summary"]["records"] == 309
    assert json.loads(document)["diagnostics"][0]["location"]["line"] > 400 << 20
    assert peak_kb < 150 << 10
