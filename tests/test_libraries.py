"""The built-in spec libraries: shipped as package data, loadable, and in sync with the reference
they are generated from."""

from __future__ import annotations

import importlib.util
import json
import marshal
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import REPO_ROOT, WritePlan, assert_clean, load

from tracking_plan import libraries
from tracking_plan.libraries import NAMES, preparsed
from tracking_plan.loader import assemble
from tracking_plan.loader.assemble import library_events, parse_library
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
    assert resources.files("tracking_plan.libraries").joinpath(f"{name}.marshal").is_file()


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


def _check_with_build_tool(*options: str) -> None:
    completed = subprocess.run(
        [sys.executable, "tools/build_libraries.py", "--check", *options],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.skipif(not REFERENCE.is_file(), reason=f"{REFERENCE} is not available")
def test_generated_libraries_are_up_to_date() -> None:
    _check_with_build_tool()


# -- the pre-parsed libraries (tracking_plan/libraries/preparsed.py) -----------------------------


@pytest.mark.parametrize("name", NAMES)
def test_preparsed_library_is_what_its_yaml_gives(name: str) -> None:
    """Fresh: the shipped pre-parsed file loads, to exactly the fragment that parsing the shipped
    YAML gives now (specs, order, types, `@origin`, every Location)."""
    loaded = preparsed.load(name)
    assert loaded is not None, f"run tools/build_libraries.py --preparsed-only ({name})"
    parsed = parse_library(name, libraries.read_text(name))
    assert preparsed.identical(loaded, parsed)
    assert list(loaded.events) == list(parsed.events)
    first = next(iter(loaded.events.values()))
    assert first["@origin"] == name
    assert first["@loc"].file == f"<library {name}>" and first["@loc"].line is not None


def test_preparsed_libraries_check_without_the_reference() -> None:
    _check_with_build_tool("--preparsed-only")


def test_the_loader_uses_the_preparsed_form(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(name: str, text: str) -> None:
        raise AssertionError(f"{name} was parsed from YAML")

    monkeypatch.setattr(assemble, "_LIBRARY_CACHE", {})
    monkeypatch.setattr(assemble, "parse_library", no_parsing)
    for name in NAMES:
        assert len(library_events(name)) == EXPECTED_EVENTS[name]


def test_identical_tells_what_equality_does_not() -> None:
    name = "segment/ab-testing"
    fragment = parse_library(name, libraries.read_text(name))
    other = parse_library(name, libraries.read_text(name))
    assert preparsed.identical(fragment, other)
    event = next(iter(other.events.values()))
    event["properties"] = dict(reversed(event["properties"].items()))  # another order
    assert other == fragment
    assert not preparsed.identical(other, fragment)


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The library files copied to a folder the pre-parsed loader reads instead, and no library
    loaded yet."""
    folder = tmp_path / "libraries"
    shutil.copytree(preparsed.DIRECTORY / "segment", folder / "segment")
    monkeypatch.setattr(preparsed, "DIRECTORY", folder)
    monkeypatch.setattr(assemble, "_LIBRARY_CACHE", {})
    return folder


def _rewrite_fields(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    """Break a pre-parsed file by changing its fields (what Fragment is built from)."""

    def rewrite(path: Path) -> None:
        magic, version, digest, fields = marshal.loads(path.read_bytes())
        change(fields)
        path.write_bytes(marshal.dumps((magic, version, digest, fields)))

    return rewrite


def _rewrite_header(path: Path) -> None:
    _magic, _version, digest, fields = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((preparsed.MAGIC, preparsed.FORMAT + 1, digest, fields)))


def _edit_yaml(path: Path) -> None:
    yaml_path = path.with_suffix(".yaml")
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


BREAKAGES: dict[str, Callable[[Path], object]] = {
    "missing": Path.unlink,
    "empty": lambda path: path.write_bytes(b""),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:100]),
    "garbage": lambda path: path.write_bytes(b"\x00not marshal data\xff" * 10),
    "another value": lambda path: path.write_bytes(marshal.dumps(["a", "list"])),
    "another format": _rewrite_header,
    "another yaml text": _edit_yaml,
    "a field missing": _rewrite_fields(lambda fields: fields.pop("events")),
    "an unknown field": _rewrite_fields(lambda fields: fields.update(extra=1)),
    "a location field unknown": _rewrite_fields(lambda fields: fields["location"].update(offset=3)),
    "a directory": lambda path: (path.unlink(), path.mkdir()),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_preparsed_file_falls_back_to_the_yaml(
    breakage: str, library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "segment/video"
    BREAKAGES[breakage](library_copy / f"{name}.marshal")
    assert preparsed.load(name) is None
    parsed: list[str] = []
    parse = assemble.parse_library

    def parse_and_count(library: str, text: str) -> Any:
        parsed.append(library)
        return parse(library, text)

    monkeypatch.setattr(assemble, "parse_library", parse_and_count)
    assert preparsed.identical(
        assemble._library_fragment(name), parse(name, libraries.read_text(name))
    )
    assert parsed == [name]
    assert preparsed.load("segment/mobile") is not None  # the others are still used


def test_preparsed_files_without_their_folder_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when the package is imported from a zip file: the YAML is read through
    importlib.resources."""
    monkeypatch.setattr(preparsed, "DIRECTORY", tmp_path / "nowhere")
    monkeypatch.setattr(assemble, "_LIBRARY_CACHE", {})
    for name in NAMES:
        assert preparsed.load(name) is None
        assert len(library_events(name)) == EXPECTED_EVENTS[name]


def test_dumps_refuses_what_would_not_load_back() -> None:
    name = "segment/ab-testing"
    text = libraries.read_text(name)
    fragment = parse_library(name, text)
    fragment.settings["odd"] = object()  # marshal cannot hold it
    with pytest.raises(ValueError):
        preparsed.dumps(fragment, text)


def _build_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_libraries", REPO_ROOT / "tools" / "build_libraries.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_tool_checks_and_rebuilds_preparsed_files(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tool = _build_tool()
    monkeypatch.setattr(tool, "REPO_ROOT", library_copy.parent)
    target = library_copy / "segment" / "email.marshal"
    _edit_yaml(target)
    untouched = (library_copy / "segment" / "video.marshal").read_bytes()
    assert tool.main(["--check", "--preparsed-only"]) == 1
    assert capsys.readouterr().err.split() == [
        *"out of date (run tools/build_libraries.py):".split(),
        "libraries/segment/email.marshal",
    ]
    assert preparsed.load("segment/email") is None
    assert tool.main(["--preparsed-only"]) == 0
    assert tool.main(["--check", "--preparsed-only"]) == 0
    loaded = preparsed.load("segment/email")
    assert loaded is not None
    yaml_text = (library_copy / "segment" / "email.yaml").read_text(encoding="utf-8")
    assert preparsed.identical(loaded, parse_library("segment/email", yaml_text))
    # a fresh file is left as it is (marshal's bytes may differ from one run to the next)
    assert (library_copy / "segment" / "video.marshal").read_bytes() == untouched


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


def test_building_a_library_plan_leaves_the_library_as_it_was() -> None:
    """lint.spec builds each library into a plan of its own from the loader's shared copy,
    without copying it first: the builder must not change what it reads."""
    import copy

    from tracking_plan.lint.spec import _build_library_plan
    from tracking_plan.loader.assemble import library_events

    before = {name: copy.deepcopy(library_events(name)) for name in libraries.NAMES}
    for name in libraries.NAMES:
        _build_library_plan(name)
    assert {name: library_events(name) for name in libraries.NAMES} == before
