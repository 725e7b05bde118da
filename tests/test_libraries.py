"""The built-in spec libraries: shipped as package data, loadable, and in sync with the reference
they are generated from."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from typing import Any

import pytest
from conftest import REPO_ROOT, WritePlan, assert_clean, load

from tracking_plan import libraries
from tracking_plan.libraries import NAMES
from tracking_plan.loader.assemble import library_events
from tracking_plan.validate.engine import EventValidator
from tracking_plan.validate.inputs import Record

EXPECTED_EVENTS = {
    "segment/mobile": 13,
    "segment/email": 6,
    "segment/ecommerce": 28,
    "segment/b2b-saas": 10,
    "segment/video": 17,
    "segment/ab-testing": 1,
    "segment/live-chat": 4,
    "segment/ai-copilot": 8,
}
REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "segment-spec.yaml"


def test_names_are_the_expected_libraries() -> None:
    assert set(NAMES) == set(EXPECTED_EVENTS)
    assert len(NAMES) == len(set(NAMES))


@pytest.mark.parametrize("name", NAMES)
def test_package_data_file_exists(name: str) -> None:
    data = resources.files("tracking_plan.libraries").joinpath(f"{name}.yaml")
    assert data.is_file()
    text = libraries.read_text(name)
    assert text == data.read_text(encoding="utf-8")
    assert f"plan: {name}" in text


def test_read_text_rejects_unknown_names() -> None:
    with pytest.raises(KeyError):
        libraries.read_text("segment/../../pyproject")


@pytest.mark.parametrize("name", NAMES)
def test_library_loads_cleanly_with_expected_events(name: str, write_plan: WritePlan) -> None:
    result = load(write_plan(f"plan: uses-library\ninclude: [{name}]\n"))
    assert_clean(result)
    plan = result.plan
    assert plan is not None
    assert len(plan.events) == EXPECTED_EVENTS[name]
    assert len(library_events(name)) == EXPECTED_EVENTS[name]
    assert [e.name for e in plan.events] == list(library_events(name))
    for event in plan.events:
        assert event.origin == name
        for prop in event.properties:
            assert prop.types or prop.description, f"{name}: {event.name}.{prop.name}"


def test_all_libraries_together(write_plan: WritePlan) -> None:
    includes = "\n".join(f"  - {name}" for name in NAMES)
    result = load(write_plan(f"plan: everything\ninclude:\n{includes}\n"))
    assert_clean(result)
    assert result.plan is not None
    # Event names can repeat across specs (merged by name), so at most the sum.
    names = {e.name for e in result.plan.events}
    assert len(names) == len(result.plan.events)
    assert len(names) <= sum(EXPECTED_EVENTS.values())


@pytest.mark.skipif(not REFERENCE.is_file(), reason=f"{REFERENCE} is not available")
def test_generated_libraries_are_up_to_date() -> None:
    completed = subprocess.run(
        [sys.executable, "tools/build_libraries.py", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_sample_event_dump_is_up_to_date() -> None:
    """The demo's event dump is generated; the committed file must match its generator."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "make_sample_events.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Values Segment's docs and SDKs send that the libraries once refused (shared/README.md, Changes).
DOCUMENTED_VALUES = [
    ("Video Content Playing", {"airdate": "1991-08-13", "total_length": None}, True),
    ("Video Content Playing", {"airdate": "1991-08-13T20:00:00Z"}, True),
    ("Video Content Playing", {"airdate": "13 August 1991"}, False),
    ("Video Playback Started", {"content_asset_id": None, "ad_asset_id": None}, True),
    ("Trial Started", {"trial_start_date": "2018-08-28", "trial_end_date": "2018-09-20"}, True),
    ("Application Installed", {"version": None, "build": "1"}, True),
    (
        "Application Updated",
        {"previous_version": None, "previous_build": "1", "version": "2", "build": "2"},
        True,
    ),
]


@pytest.mark.parametrize(("event", "properties", "valid"), DOCUMENTED_VALUES)
def test_documented_values_pass_the_libraries(
    event: str, properties: dict[str, Any], valid: bool, write_plan: WritePlan
) -> None:
    path = write_plan(
        "plan: docs\nconventions: {events: any, properties: any}\n"
        "include: [segment/video, segment/b2b-saas, segment/mobile]\n"
    )
    plan = load(path).plan
    assert plan is not None
    message = {"type": "track", "event": event, "userId": "u", "messageId": "m"}
    data = json.dumps({**message, "properties": properties}).encode()
    verdict, findings, _label = EventValidator(plan).check(Record(data, "t", 1, 1))
    assert verdict is valid, findings
    if not valid:
        assert [f.code for f in findings] == ["EV109"]
        assert "is not a valid date or date-time" in findings[0].message


@pytest.mark.parametrize(
    ("event", "context", "valid"),
    [
        (
            "Email Opened",
            {"traits": {"email": "pgibbons@example.com"}, "ip": "67.207.109.102"},
            True,
        ),
        ("Email Opened", {"traits": {"email": 42}}, False),
        ("Account Created", {"groupId": "acct_123"}, True),
        ("Account Created", {"groupId": 123}, False),
    ],
)
def test_libraries_carry_the_context_fields_of_the_specs(
    event: str, context: dict[str, Any], valid: bool, write_plan: WritePlan
) -> None:
    """The email and B2B SaaS specs document fields that go in `context`, not properties."""
    path = write_plan(
        "plan: docs\nconventions: {events: any, properties: any}\n"
        "include: [segment/email, segment/b2b-saas]\n"
    )
    plan = load(path).plan
    assert plan is not None
    message = {"type": "track", "event": event, "userId": "u", "messageId": "m"}
    data = json.dumps({**message, "properties": {}, "context": context}).encode()
    verdict, findings, _label = EventValidator(plan).check(Record(data, "t", 1, 1))
    assert verdict is valid, findings
    assert valid or [f.code for f in findings] == ["EV112"]
