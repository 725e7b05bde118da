"""Plan and dump text on a terminal: characters that are not printable are spelled, rich markup is
shown as written.

A name in a plan or a dump can carry terminal escapes (`\\x1b]0;...\\x07` retitles the window,
`\\x1b[2J` clears the screen), bidirectional overrides, line breaks that forge output lines, and
rich markup (`[bold red]` restyles, `[/]` made tp fail). The reporters render such names, and
the real `tp` commands print them in their reports and messages.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import SHOP_PLAN, run_tp

from tracking_plan.diagnostics import Diagnostic, Location, Severity
from tracking_plan.printable import printable
from tracking_plan.reporters.github import annotation
from tracking_plan.reporters.text import TextReporter

HOSTILE = "\x1b]0;pwned\x07\x1b[2J[bold red]red[/] \u202eevil\nforged line"
SPELLED = "\\x1b]0;pwned\\x07\\x1b[2J[bold red]red[/] \\u202eevil\\nforged line"


def assert_safe(output: str) -> None:
    """Nothing in `output` acts on a terminal, and tp did not fail."""
    raw = sorted({f"U+{ord(ch):04X}" for ch in output if not (ch.isprintable() or ch == "\n")})
    assert not raw, f"raw characters {raw} in:\n{output}"
    assert "Traceback" not in output and "internal error" not in output, output


def test_printable_spells_what_is_not_printable_as_repr_does() -> None:
    text = "a\x1b[2J\x07\t\r\n\u2028\u202e\x85\U000e0001\ud800 é 日本"
    assert printable(text) == repr(text)[1:-1]
    assert printable("line\nbreak\tand tab", keep="\n") == "line\nbreak\\tand tab"
    assert printable("plain: é 日本 [x]") == "plain: é 日本 [x]"


def test_the_text_report_shows_hostile_text_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    file = "plan \x1b[2J[red].yaml"
    (tmp_path / file).write_text(f"events:\n  {json.dumps(HOSTILE)}: {{}}\n", encoding="utf-8")
    diagnostic = Diagnostic(
        code="TP101",
        slug="event-name-convention",
        severity=Severity.ERROR,
        message=f"event {HOSTILE!r} is not Title Case",
        location=Location(file=file, line=2, column=3),
        suggestion=HOSTILE,
    )
    stream = io.StringIO()
    TextReporter().report([diagnostic], stream)
    output = stream.getvalue()
    assert_safe(output)
    assert f"plan \\x1b[2J[red].yaml:2:3: TP101 event {HOSTILE!r}" in output
    assert f"suggestion: {SPELLED}" in output


@pytest.mark.parametrize("column", [1, 7, 100_000, 199_990])
def test_a_long_source_line_is_shown_around_its_column(
    column: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan line can be megabytes long: the report shows a window of it, and the caret still
    points at the column (past a tab, which is spelled as two characters)."""
    monkeypatch.chdir(tmp_path)
    line = "\t" + "x" * 199_998
    line = line[: column - 1] + "@" + line[column:]
    file = f"plan-{column}.yaml"  # the reporter caches source lines by file name
    (tmp_path / file).write_text(line + "\n", encoding="utf-8")
    diagnostic = Diagnostic(
        code="TP001",
        slug="yaml-syntax",
        severity=Severity.ERROR,
        message="here",
        location=Location(file=file, line=1, column=column),
    )
    stream = io.StringIO()
    TextReporter().report([diagnostic], stream)
    source, caret = stream.getvalue().splitlines()[1:3]
    assert len(source) < 140
    gutter = source.index("| ") + 2
    assert caret.index("^") >= gutter
    assert source[caret.index("^")] == "@"


def test_github_annotations_stay_one_line_without_escapes() -> None:
    diagnostic = Diagnostic(
        code="EV100",
        slug="unplanned-event",
        severity=Severity.ERROR,
        message=f"event {HOSTILE}\n::error::forged",
        location=Location(file="a\x1b.jsonl", line=1),
    )
    line = annotation(diagnostic)
    assert_safe(line)
    assert "\n" not in line  # the runner reads a command only at the start of a line
    assert line.startswith("::error file=a\\x1b.jsonl,line=1,title=EV100 unplanned-event::")
    assert line.endswith("forged line%0A::error::forged")


# -- the real commands ---------------------------------------------------------------------------


def test_tp_validate_text_report_of_hostile_event_names(tmp_path: Path) -> None:
    records = [
        {"type": "track", "event": HOSTILE, "properties": {}},
        {"type": "track", "event": "[/]", "properties": {}},
        {"type": "track", "event": "Product Viewed", "properties": {"\x1b[2J[/]": 1}},
    ]
    dump = tmp_path / "events.jsonl"
    common = {"userId": "u1", "timestamp": "2024-05-01T10:00:00Z"}
    dump.write_text(
        "".join(
            json.dumps({**r, **common, "messageId": f"m{i}"}) + "\n" for i, r in enumerate(records)
        ),
        encoding="utf-8",
    )
    result = run_tp("validate", SHOP_PLAN, dump, "--no-drift", cwd=tmp_path)
    assert result.code == 1, result.output
    assert_safe(result.output)
    assert SPELLED in result.stdout  # in the table of events and the violations
    assert "[/]" in result.stdout and "/properties/\\x1b[2J[/]" in result.stdout


def test_tp_messages_quote_hostile_names_as_written(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"plan: {json.dumps('[/]' + HOSTILE)}\nversion: '1'\nevents:\n  A: {{}}\n",
        encoding="utf-8",
    )
    quoted = repr("[/]" + HOSTILE)
    codegen = run_tp("codegen", plan, "--lang", "python", "-o", tmp_path / "client", cwd=tmp_path)
    assert codegen.code == 0, codegen.output
    assert_safe(codegen.output)
    assert f"Generated a python client for {quoted}" in codegen.stdout
    compiled = run_tp("compile", plan, "-o", tmp_path / "schemas", cwd=tmp_path)
    assert compiled.code == 0, compiled.output
    assert_safe(compiled.output)
    assert f"Compiled {quoted}" in compiled.stdout
    rule = run_tp("rule", "[/]" + HOSTILE, cwd=tmp_path)
    assert rule.code == 2
    assert_safe(rule.output)
    assert f"no rule {quoted}" in rule.stderr
    missing = run_tp("validate", plan, HOSTILE, cwd=tmp_path)
    assert missing.code == 2
    assert_safe(missing.output)
    assert f"input {SPELLED} does not exist" in missing.stderr


@pytest.fixture
def hostile_serve() -> Iterator[str]:
    """A server on 127.0.0.1 that answers as tp serve does, with hostile captured names."""
    violation = {
        "code": "EV100",
        "severity": "error",
        "message": f"event {HOSTILE} is not in the plan",
        "pointer": "/event\n[/]",
        "label": HOSTILE,
        "event_id": 1,
    }
    answers: dict[str, Any] = {
        "/tp/summary": {"events": 1, "valid": 0, "invalid": 1},
        "/tp/violations": {"violations": [violation]},
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(answers[self.path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_tp_captures_check_prints_captured_names_as_written(hostile_serve: str) -> None:
    result = run_tp("captures", "check", "--url", hostile_serve)
    assert result.code == 1, result.output
    assert_safe(result.output)
    assert f"event 1 {HOSTILE!r}: error EV100 at /event\\n[/]: event {SPELLED}" in result.stdout
