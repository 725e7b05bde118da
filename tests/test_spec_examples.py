"""Segment's own spec examples are not errors (issue 11, "Real data, no false alarms").

tests/fixtures/spec-examples/ holds hand-written copies of the example payloads of Segment's spec
pages, one JSON Lines file per page (the README there says which page and which commit of
segmentio/segment-docs). Every message keeps its example's shape: the same keys, the same JSON
types, nulls and nesting. The real `tp validate` reads every file (one run, each file an
input) against a plan that includes every built-in library, forbids unplanned events and
properties, and plans the traits, pages, screens and custom events of the core spec pages. No
record may be invalid and no finding may be an error or a warning.

A documented example that the libraries or `tp validate` really refuse stays in the corpus: it is
listed in KNOWN_REFUSALS with the finding it gets, and its test is an expected failure until the
root cause is fixed (tools/build_libraries.py, the reference it reads, or tp). A known refusal
that starts passing fails the run, so the list cannot go stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, assert_clean, load, run_tp

from tracking_plan.libraries import NAMES
from tracking_plan.loader.assemble import library_events
from tracking_plan.model import Plan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "spec-examples"

# The fixture file of each built-in library (named after its spec page), and those of the core
# spec pages, whose examples are custom events, traits, pages and screens.
LIBRARY_FIXTURES = {
    "segment/ecommerce": "ecommerce",  # src/connections/spec/ecommerce/v2.md
    "segment/mobile": "mobile",
    "segment/email": "email",
    "segment/video": "video",
    "segment/b2b-saas": "b2b-saas",
    "segment/live-chat": "live-chat",
    "segment/ab-testing": "ab-testing",
    "segment/ai-copilot": "copilot",
}
CORE_FIXTURES = ("common", "identify", "page", "screen", "group", "track", "alias")
CALL_TYPES = {"track", "identify", "page", "screen", "group", "alias"}

PLAN = """\
plan: spec-examples
version: 1.0.0
description: Every built-in spec library, and the calls of the core spec pages' examples.
include:
  - segment/ecommerce
  - segment/mobile
  - segment/email
  - segment/video
  - segment/b2b-saas
  - segment/live-chat
  - segment/ab-testing
  - segment/ai-copilot
conventions: {events: any, properties: any}
unplanned_events: forbid
unplanned_properties: forbid

events:
  Report Submitted:
    description: The event of common.md's example, sent with empty properties or a context.groupId.
    properties: {}
  User Registered:
    description: The typical Track call of track.md.
    properties:
      plan: {type: string}
      accountType: {type: string}
  Course Clicked:
    description: The complete Track call of track.md.
    properties:
      title: {type: string}
  Button Clicked:
    description: track.md's complete Track call sent again with the user's traits in context.
    properties:
      title: {type: string}
    context:
      traits.username: {type: string, required: true}
  Item Purchased:
    description: The "standard Track call" of copilot.md, carrying the conversation's ids.
    properties:
      conversationId: {type: string, required: true}
      messageId: {type: string}
      itemId: {type: string}
      itemName: {type: string}
      itemPrice: {type: number}
      currency: {type: string}

identify:
  description: The Identify calls of identify.md and copilot.md.
  traits:
    name: {type: string}
    email: {type: email}
    plan: {type: string}
    logins: {type: integer}
    address:
      type: object
      unplanned_properties: forbid
      properties:
        street: {type: string}
        city: {type: string}
        state: {type: string}
        postalCode: {type: string}
        country: {type: string}
    subscriptionStatus: {type: string}

group:
  description: The Group calls of group.md.
  traits:
    name: {type: string}
    industry: {type: string}
    employees: {type: [string, integer]}
    plan: {type: string}
    total billed: {type: number}

pages:
  Home:
    description: The Page calls of page.md (analytics.js adds the page fields itself).

screens:
  Home:
    description: The Screen calls of screen.md.
    properties:
      Feed Type: {type: string}
      variation: {type: string}
"""


@dataclass(frozen=True)
class Refusal:
    """The one finding a documented example gets today, and why."""

    code: str
    pointer: str
    says: str  # a fragment of the finding's message
    reason: str


# (fixture, event) -> the refusal; each names exactly one message of the corpus. Empty: the last
# five (live chat message_body, video ad_type as a list or null) were fixed at their root.
KNOWN_REFUSALS: dict[tuple[str, str], Refusal] = {}


class KnownRefusal(Exception):
    """Raised when an example gets exactly its KNOWN_REFUSALS finding (an expected failure)."""


# -- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    fixture: str
    line: int
    message: dict[str, Any]

    @property
    def label(self) -> str:
        kind = self.message.get("type")
        if kind == "track":
            return str(self.message.get("event"))
        if kind in ("page", "screen"):
            return f"{kind} {self.message.get('name')}"
        return str(kind)

    @property
    def id(self) -> str:
        return f"{self.fixture}:{self.line}:{self.label}"


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.jsonl"))


def examples(fixture: str) -> list[Example]:
    text = (FIXTURES / f"{fixture}.jsonl").read_text(encoding="utf-8")
    return [Example(fixture, n, json.loads(line)) for n, line in enumerate(text.splitlines(), 1)]


CORPUS = [example for name in fixture_names() for example in examples(name)]


def refusal(example: Example) -> Refusal | None:
    if example.message.get("type") != "track":
        return None
    return KNOWN_REFUSALS.get((example.fixture, example.label))


def example_param(example: Example) -> Any:
    known = refusal(example)
    if known is None:
        return pytest.param(example, id=example.id)
    mark = pytest.mark.xfail(
        raises=KnownRefusal, strict=True, reason=f"{known.code} {known.pointer}: {known.reason}"
    )
    return pytest.param(example, id=example.id, marks=mark)


# -- running tp validate -------------------------------------------------------------------------


Place = tuple[str, int]  # (fixture, line)


@dataclass(frozen=True)
class Report:
    """`tp validate --format json` of the whole corpus, each fixture file an input."""

    run: Run
    document: dict[str, Any]

    def serious(self) -> list[dict[str, Any]]:
        return [d for d in self.document["diagnostics"] if d["severity"] in ("error", "warning")]

    def at(self, place: Place) -> list[dict[str, Any]]:
        """The errors and warnings of the record at this place."""
        return [d for d in self.serious() if place in places_of(d)]

    def flagged(self) -> set[Place]:
        return {place for d in self.serious() for place in places_of(d)}

    def about_no_record(self) -> list[dict[str, Any]]:
        """The errors and warnings that name no record (drift over the whole input)."""
        return [d for d in self.serious() if not places_of(d)]


def places_of(diagnostic: dict[str, Any]) -> set[Place]:
    """The records a finding is about: its samples, or the place it names."""
    samples = diagnostic["data"].get("samples")
    if samples is not None:
        assert len(samples) == diagnostic["data"]["count"], "raise --max-samples"
    else:
        samples = [diagnostic["location"]]
    return {
        (Path(s["file"]).stem, s["line"])
        for s in samples
        if s.get("file") is not None and s.get("line") is not None
    }


def is_the_refusal(diagnostic: dict[str, Any], known: Refusal, place: Place) -> bool:
    """Whether the finding, on the record at this place, is the known refusal."""
    said = [
        s["message"]
        for s in diagnostic["data"].get("samples", ())
        if (Path(s["file"]).stem, s["line"]) == place
    ]
    return (
        diagnostic["code"] == known.code
        and diagnostic["location"]["pointer"] == known.pointer
        and bool(said)
        and all(known.says in message for message in said)
    )


def describe(diagnostics: list[dict[str, Any]]) -> str:
    rows = []
    for d in diagnostics:
        samples = d["data"].get("samples") or [{**d["location"], "message": d["message"]}]
        rows += [
            f"  {s.get('file')}:{s.get('line')}: {d['code']} {d['slug']} ({d['severity']}): "
            f"{s['message']}"
            for s in samples
        ]
    return "\n".join(rows) or "  (none)"


@pytest.fixture(scope="module")
def plan_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec-examples") / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def plan(plan_path: Path) -> Plan:
    result = load(plan_path)
    assert_clean(result)
    assert result.plan is not None
    return result.plan


@pytest.fixture(scope="module")
def report(plan_path: Path) -> Report:
    """One `tp validate` over every fixture file (each run starts a Python process and loads
    all eight libraries, so one run, not one per file). It runs in the fixtures folder, so the
    report names records as `video.jsonl:4`."""
    run = run_tp(
        "validate",
        plan_path,
        *(f"{name}.jsonl" for name in fixture_names()),
        "--format",
        "json",
        "--fail-on",
        "warning",
        "--max-samples",
        str(len(CORPUS)),
        cwd=FIXTURES,
        timeout=120,
    )
    assert run.code in (0, 1), run.output
    assert "Traceback" not in run.output, run.output
    return Report(run, json.loads(run.stdout))


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", [example_param(e) for e in CORPUS])
def test_spec_example_is_valid(example: Example, report: Report) -> None:
    place = (example.fixture, example.line)
    found = report.at(place)
    known = refusal(example)
    if known is not None and found and all(is_the_refusal(d, known, place) for d in found):
        raise KnownRefusal(describe(found))
    assert not found, f"tp validate refuses {example.id}:\n{describe(found)}"


@pytest.mark.parametrize("fixture", fixture_names())
def test_spec_examples_file_is_clean(fixture: str, report: Report) -> None:
    """No record of the file has an error or a warning, apart from the known refusals."""
    refused = {(fixture, e.line) for e in examples(fixture) if refusal(e) is not None}
    flagged = {place for place in report.flagged() if place[0] == fixture}
    unexpected = flagged - refused
    assert not unexpected, describe([d for d in report.serious() if places_of(d) & unexpected])


def test_whole_corpus_is_read_and_valid(report: Report) -> None:
    """Every record is read, the invalid ones are the known refusals, and nothing else is said
    at warning level or above: no drift warning, no input problem."""
    summary = report.document["summary"]
    flagged = report.flagged()
    assert summary["records"] == len(CORPUS), report.run.output
    assert summary["input_problems"] == 0, describe(report.serious())
    assert not report.about_no_record(), describe(report.about_no_record())
    assert summary["invalid"] == len(flagged), describe(report.serious())
    assert report.run.code == (1 if flagged else 0), report.run.output


def test_known_refusals_name_one_example_each() -> None:
    for fixture, event in KNOWN_REFUSALS:
        matching = [e for e in examples(fixture) if e.message.get("event") == event]
        assert len(matching) == 1, (fixture, event, [e.id for e in matching])


def test_plan_includes_every_library(plan: Plan) -> None:
    assert [i.target for i in plan.includes if i.kind == "library"] == list(LIBRARY_FIXTURES)
    assert set(LIBRARY_FIXTURES) == set(NAMES)


def test_one_fixture_file_per_spec_page() -> None:
    assert set(fixture_names()) == {*LIBRARY_FIXTURES.values(), *CORE_FIXTURES}
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for name in fixture_names():
        assert f"`{name}.jsonl`" in readme, f"README.md does not say where {name}.jsonl is from"


@pytest.mark.parametrize("library", list(LIBRARY_FIXTURES))
def test_corpus_covers_library(library: str, plan: Plan) -> None:
    """A library's fixture file holds events of that library (or the page's own custom events,
    which the plan defines), at least one."""
    fixture = LIBRARY_FIXTURES[library]
    events = set(library_events(library))
    own = {e.name for e in plan.events if e.origin not in NAMES}
    sent = {e.message["event"] for e in examples(fixture) if e.message.get("type") == "track"}
    assert sent & events, f"no example of {library} in {fixture}.jsonl"
    assert sent <= events | own, sorted(sent - events - own)


def test_corpus_holds_complete_messages_of_every_call_type() -> None:
    assert {e.message.get("type") for e in CORPUS} == CALL_TYPES
    ids = [e.message.get("messageId") for e in CORPUS]
    assert len(ids) == len(set(ids)), "a messageId is used twice"
    for example in CORPUS:
        message = example.message
        assert isinstance(message.get("messageId"), str), example.id
        assert message.get("userId") or message.get("anonymousId"), example.id
        assert isinstance(message.get("timestamp"), str), example.id
        if message["type"] == "track":
            assert message.get("event"), example.id
        if message["type"] in ("page", "screen"):
            assert message.get("name"), example.id
    stamps = [e.message["timestamp"] for e in CORPUS]
    assert any(s.endswith("Z") for s in stamps)
    assert any(s[-6] in "+-" for s in stamps), "no timestamp with a local UTC offset"
