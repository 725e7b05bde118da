"""Reporters: golden output of every `--format` on a fixed list of diagnostics, SARIF checked
against the official SARIF 2.1.0 schema, and the real `tp lint` run the way CI runs it.

Golden files: tests/golden/reporters/<case>/<format>.<ext>. After an intended change to a
reporter, regenerate them and review the diff before committing:

    TP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_reporters.py -k golden

The SARIF schema is not vendored: a session fixture fetches the npm package that ships it
(`npm pack`) into .cache/sarif-schema/ once; the schema tests skip only when npm is missing.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import BAD_PLANS, GOLDEN, REPO_ROOT, tp_executable

from tracking_plan import __version__
from tracking_plan.codes import CodeEntry, Phase, catalogue
from tracking_plan.diagnostics import Diagnostic, Location, Severity
from tracking_plan.reporters import REPORTERS, get_reporter, resolve_format
from tracking_plan.reporters.github import GithubReporter, annotation, escape_data, escape_property
from tracking_plan.reporters.junit import JunitReporter
from tracking_plan.reporters.sarif import (
    SCHEMA_URI,
    SarifReporter,
    artifact_location,
    sarif_log,
)
from tracking_plan.reporters.text import TextReporter

UPDATE_GOLDEN = os.environ.get("TP_UPDATE_GOLDEN") == "1"
GOLDEN_REPORTERS = GOLDEN / "reporters"
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "jsonl": "jsonl",
    "sarif": "sarif",
    "github": "txt",
    "junit": "xml",
}
ANSI_ESCAPE = re.compile(r"\x1b[\[\]]")

SARIF_SCHEMA_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA_CACHE = REPO_ROOT / ".cache" / "sarif-schema"

NAMING_DRIFT = BAD_PLANS / "naming-drift.yaml"


# -- the fixed diagnostics -----------------------------------------------------------------------

WEB_PLAN = "plans/web.yaml"
MOBILE_PLAN = "plans/mobile app.yaml"
ODD_PLAN = "plans/odd, name:1.yaml"

SOURCES = {
    WEB_PLAN: """\
        plan: web
        events:
          completed_order:
            properties:
              order_id: {type: string}
              price: {type: string}
          Order Viewed: {}
        """,
    MOBILE_PLAN: """\
        plan: mobile
        events:
          Order Completed:
            properties:
              order_id: {type: string}
        """,
}

DIAGNOSTICS = (
    Diagnostic(
        code="TP101",
        slug="event-name-convention",
        severity=Severity.ERROR,
        message="event 'completed_order' is not \"Object Action\" in Title Case",
        location=Location(file=WEB_PLAN, line=3, column=3, pointer="/events/completed_order"),
        suggestion="Order Completed",
        data={"definition": "completed_order", "call": "track"},
    ),
    Diagnostic(
        code="TP301",
        slug="missing-event-description",
        severity=Severity.WARNING,
        message="event 'Order Viewed' has no description",
        location=Location(file=WEB_PLAN, line=7, column=3, pointer="/events/Order Viewed"),
    ),
    Diagnostic(
        code="TP302",
        slug="missing-property-description",
        severity=Severity.INFO,
        message="property 'order_id' of event 'Order Completed' has no description",
        location=Location(file=MOBILE_PLAN, line=5, column=7),
    ),
    Diagnostic(
        code="TP204",
        slug="property-type-conflict",
        severity=Severity.ERROR,
        message="100% of 'price' values differ: string, number\nsee <docs> & \"notes\" [here]",
        location=Location(file=ODD_PLAN, line=2),
        suggestion="number",
    ),
    Diagnostic(
        code="TP013",
        slug="invalid-config",
        severity=Severity.ERROR,
        message="unknown rule 'TP999' in `select`",
        location=Location(file=".tracking-plan.yaml", line=2, column=11),
    ),
    Diagnostic(
        code="TP501",
        slug="spec-event-mismatch",
        severity=Severity.WARNING,
        message="'revenue' is a number in the spec",
        location=Location(file="<library segment/ecommerce>", line=10, column=5),
    ),
    Diagnostic(
        code="EV103",
        slug="required-missing",
        severity=Severity.WARNING,
        message="event 'Order Completed' lacks required property 'order_id'",
        location=Location(pointer="/properties/order_id"),
    ),
)

# A fixed catalogue, so that editing a code's documentation does not change the golden SARIF.
# EV103 is left out on purpose: a code without an entry still gets a descriptor.
RULE_CATALOGUE = {
    rule.code: rule
    for rule in (
        CodeEntry(
            code="TP101",
            slug="event-name-convention",
            summary="Event names follow the plan's naming convention",
            default_severity=Severity.ERROR,
            phase=Phase.LINT,
            documentation="Event names follow the naming convention.\n\n## What it does\nChecks.",
        ),
        CodeEntry(
            code="TP204",
            slug="property-type-conflict",
            summary="The same property has different types in different events",
            default_severity=Severity.ERROR,
            phase=Phase.LINT,
            documentation="Types conflict\nacross events.\n\n## Why is this bad?\nReports.",
        ),
        CodeEntry(
            code="TP301",
            slug="missing-event-description",
            summary="An event has no description",
            default_severity=Severity.WARNING,
            phase=Phase.LINT,
            documentation="An event has no description.",
        ),
        CodeEntry(
            code="TP302",
            slug="missing-property-description",
            summary="A property has no description",
            default_severity=Severity.INFO,
            phase=Phase.LINT,
            documentation="",
        ),
        CodeEntry(
            code="TP013",
            slug="invalid-config",
            summary="The lint configuration is invalid",
            default_severity=Severity.ERROR,
            phase=Phase.CONFIG,
            documentation="The lint configuration is invalid.",
        ),
        CodeEntry(
            code="TP501",
            slug="spec-event-mismatch",
            summary="An event named like a spec event contradicts the spec",
            default_severity=Severity.ERROR,
            phase=Phase.LINT,
            documentation="Spec mismatch.",
        ),
    )
}

CASES: Mapping[str, tuple[Diagnostic, ...]] = {"findings": DIAGNOSTICS, "clean": ()}


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plan files the fixed diagnostics point at, in a scratch working directory."""
    monkeypatch.chdir(tmp_path)
    for name, text in SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def render(format_name: str, diagnostics: tuple[Diagnostic, ...]) -> str:
    reporter = (
        SarifReporter(RULE_CATALOGUE) if format_name == "sarif" else get_reporter(format_name)
    )
    stream = io.StringIO()
    reporter.report(diagnostics, stream)
    return stream.getvalue()


# -- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("format_name", sorted(REPORTERS))
def test_golden(format_name: str, case: str, sources: Path) -> None:
    actual = render(format_name, CASES[case])
    golden = GOLDEN_REPORTERS / case / f"{format_name}.{EXTENSIONS.get(format_name, 'out')}"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual.encode("utf-8"))
    assert golden.is_file(), f"no golden file {golden}; run with TP_UPDATE_GOLDEN=1"
    expected = golden.read_bytes().decode("utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), str(golden), "actual", lineterm="", n=2
        )
        pytest.fail("output differs from the golden file:\n" + "\n".join(diff))


def test_every_format_is_deterministic(sources: Path) -> None:
    for format_name in REPORTERS:
        shuffled = tuple(reversed(DIAGNOSTICS))
        if format_name in ("json", "jsonl"):
            continue  # these keep the order they are given, which `tp lint` already sorts
        assert render(format_name, shuffled) == render(format_name, DIAGNOSTICS), format_name


# -- the SARIF schema ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.Draft4Validator:
    """A validator for the official SARIF 2.1.0 schema, fetched with `npm pack` once."""
    schema_file = SARIF_SCHEMA_CACHE / Path(SARIF_SCHEMA_MEMBER).name
    if not schema_file.is_file():
        _fetch_sarif_schema(schema_file)
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _fetch_sarif_schema(schema_file: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not on PATH; it fetches the SARIF 2.1.0 schema")
    SARIF_SCHEMA_CACHE.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        [npm, "pack", "--silent", SARIF_SCHEMA_PACKAGE],
        cwd=SARIF_SCHEMA_CACHE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if packed.returncode != 0:
        pytest.fail(f"npm pack {SARIF_SCHEMA_PACKAGE} failed:\n{packed.stdout}{packed.stderr}")
    tarball = SARIF_SCHEMA_CACHE / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(SARIF_SCHEMA_MEMBER)
        assert member is not None, f"{SARIF_SCHEMA_MEMBER} is not a file in {tarball.name}"
        content = member.read()
    partial = schema_file.with_suffix(".json.partial")
    partial.write_bytes(content)
    partial.replace(schema_file)  # atomic: a concurrent run never reads half a schema
    tarball.unlink()


def assert_valid_sarif(validator: jsonschema.Draft4Validator, log: Any) -> None:
    problems = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not problems, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in problems
    )
    # The schema's `uri-reference` format needs an extra package; check the characters here.
    for run in log["runs"]:
        for result in run["results"]:
            for location in result.get("locations", []):
                uri = location["physicalLocation"]["artifactLocation"]["uri"]
                assert re.fullmatch(r"[A-Za-z0-9\-._~/%!$&'()*+,;=:@]+", uri), uri


@pytest.mark.parametrize("case", sorted(CASES))
def test_sarif_is_valid(
    case: str, sources: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    assert_valid_sarif(sarif_validator, json.loads(render("sarif", CASES[case])))


def test_sarif_with_the_real_catalogue_is_valid(
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    """Every code, TP, EV, EN and DR alike, is described from its catalogue entry."""
    entries = list(catalogue().values())
    diagnostics = [
        Diagnostic(
            code=entry.code,
            slug=entry.slug,
            severity=entry.default_severity,
            message=f"a finding of {entry.code}",
            location=Location(file="plan.yaml", line=index + 1, column=1),
        )
        for index, entry in enumerate(entries)
    ]
    stream = io.StringIO()
    SarifReporter().report(diagnostics, stream)
    log = json.loads(stream.getvalue())
    assert_valid_sarif(sarif_validator, log)
    descriptors = {d["id"]: d for d in log["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(descriptors) == sorted(entry.code for entry in entries)
    for entry in entries:
        descriptor = descriptors[entry.code]
        assert descriptor["shortDescription"]["text"] == entry.summary
        assert descriptor["help"]["text"] == entry.documentation
        assert descriptor["help"]["markdown"] == entry.documentation
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {
                Severity.ERROR: "error",
                Severity.WARNING: "warning",
                Severity.INFO: "note",
            }[entry.default_severity]
        )
        first = " ".join(entry.documentation.split("\n\n")[0].split())
        assert descriptor["fullDescription"]["text"] == first
        assert descriptor["properties"]["slug"] == entry.slug


# -- SARIF details -------------------------------------------------------------------------------


def test_sarif_document() -> None:
    log = sarif_log(DIAGNOSTICS, RULE_CATALOGUE)
    assert log["$schema"] == SCHEMA_URI
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tracking-plan"
    assert driver["version"] == __version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted({d.code for d in DIAGNOSTICS})
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]

    by_code = {result["ruleId"]: result for result in run["results"]}
    naming = by_code["TP101"]
    assert naming["level"] == "error"
    assert naming["message"]["text"].endswith(" (suggestion: Order Completed)")
    assert naming["properties"]["suggestion"] == "Order Completed"
    assert naming["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "plans/web.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 3},
            }
        }
    ]
    assert by_code["TP302"]["level"] == "note"
    assert by_code["TP302"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "plans/mobile%20app.yaml"
    )
    assert by_code["TP204"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert "locations" not in by_code["EV103"], "no file: no location"
    assert "locations" not in by_code["TP501"], "a built-in library is not an artifact"
    unregistered = driver["rules"][rule_ids.index("EV103")]
    assert unregistered == {
        "id": "EV103",
        "name": "RequiredMissing",
        "properties": {"slug": "required-missing"},
    }


def test_sarif_uris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "plans" / "shop.yaml"
    assert artifact_location(str(inside)) == {"uri": "plans/shop.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("./plans/a b.yaml") == {
        "uri": "plans/a%20b.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    outside = tmp_path.parent / "elsewhere.yaml"
    assert artifact_location(str(outside)) == {"uri": outside.as_uri()}
    assert artifact_location(None) is None
    assert artifact_location("<library segment/mobile>") is None


# -- GitHub annotations --------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100%\r\nnext: a, b") == "100%25%0D%0Anext: a, b"
    assert escape_property("100%\r\nnext: a, b") == "100%25%0D%0Anext%3A a%2C b"


def test_github_annotations() -> None:
    by_code = {d.code: annotation(d) for d in DIAGNOSTICS}
    assert by_code["TP101"] == (
        "::error file=plans/web.yaml,line=3,col=3,title=TP101 event-name-convention::"
        "event 'completed_order' is not \"Object Action\" in Title Case "
        "(suggestion: Order Completed)"
    )
    assert by_code["TP301"].startswith("::warning file=plans/web.yaml,line=7,col=3,")
    assert by_code["TP302"].startswith("::notice file=plans/mobile app.yaml,line=5,col=7,")
    assert by_code["TP204"].startswith(
        "::error file=plans/odd%2C name%3A1.yaml,line=2,title=TP204 property-type-conflict::"
        "100%25 of 'price' values differ: string, number%0Asee"
    )
    assert by_code["EV103"].startswith("::warning title=EV103 required-missing::")
    assert by_code["TP501"].startswith("::warning title=TP501 "), "library files are not files"
    stream = io.StringIO()
    GithubReporter().report(DIAGNOSTICS, stream)
    assert len(stream.getvalue().splitlines()) == len(DIAGNOSTICS)


def test_auto_picks_github_under_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert resolve_format("auto") == "github"
    assert isinstance(get_reporter("auto"), GithubReporter)
    assert isinstance(get_reporter("text"), TextReporter)
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert isinstance(get_reporter("auto"), TextReporter)
    with pytest.raises(ValueError, match="choose from auto, text, json, jsonl, sarif"):
        get_reporter("xml")


# -- JUnit ---------------------------------------------------------------------------------------


def junit(diagnostics: tuple[Diagnostic, ...]) -> ET.Element:
    stream = io.StringIO()
    JunitReporter().report(diagnostics, stream)
    return ET.fromstring(stream.getvalue())


def test_junit_suites_and_cases() -> None:
    root = junit(DIAGNOSTICS)
    assert root.tag == "testsuites"
    assert root.get("tests") == root.get("failures") == str(len(DIAGNOSTICS))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {
        "<input>",
        "<library segment/ecommerce>",
        ".tracking-plan.yaml",
        MOBILE_PLAN,
        ODD_PLAN,
        WEB_PLAN,
    }
    web = suites[WEB_PLAN]
    assert web.get("tests") == web.get("failures") == "2"
    cases = web.findall("testcase")
    assert [c.get("name") for c in cases] == ["TP101 3:3", "TP301 7:3"]
    assert {c.get("classname") for c in cases} == {WEB_PLAN}
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "TP101"
    assert failure.get("message", "").endswith("(suggestion: Order Completed)")
    odd = suites[ODD_PLAN].find("testcase")
    assert odd is not None and odd.get("name") == "TP204 2"
    odd_failure = odd.find("failure")
    assert odd_failure is not None
    assert odd_failure.get("message", "").startswith("100% of 'price' values differ")
    assert '<docs> & "notes"' in odd_failure.get("message", "")


def test_junit_clean_run_has_one_passing_case() -> None:
    root = junit(())
    cases = list(root.iter("testcase"))
    assert len(cases) == 1
    assert cases[0].find("failure") is None
    assert root.get("tests") == "1" and root.get("failures") == "0"


def test_junit_survives_characters_xml_cannot_hold() -> None:
    diagnostic = Diagnostic(
        code="TP001",
        slug="yaml-syntax",
        severity=Severity.ERROR,
        message="control \x00\x07 character",
        location=Location(file="bell\x07.yaml", line=1, column=1),
    )
    root = junit((diagnostic,))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "control \\x00\\x07 character"


# -- text ----------------------------------------------------------------------------------------


class TerminalStream(io.StringIO):
    """A stream that says it is a terminal, as sys.stdout does in an interactive shell."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def colour_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An environment where only the stream decides whether rich writes colour."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    yield


def text_report(stream: io.StringIO, diagnostics: tuple[Diagnostic, ...] = DIAGNOSTICS) -> str:
    TextReporter().report(diagnostics, stream)
    return stream.getvalue()


def test_text_has_colour_only_on_a_terminal(sources: Path, colour_environment: None) -> None:
    assert ANSI_ESCAPE.search(text_report(TerminalStream()))
    assert not ANSI_ESCAPE.search(text_report(io.StringIO()))


def test_text_no_color_means_no_escapes_at_all(
    sources: Path, colour_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    output = text_report(TerminalStream())
    assert not ANSI_ESCAPE.search(output), output
    assert "\x1b" not in output


def test_text_groups_by_file_only_when_there_are_several(sources: Path) -> None:
    several = text_report(io.StringIO()).splitlines()
    for heading in (WEB_PLAN, MOBILE_PLAN, ".tracking-plan.yaml", "<input>"):
        assert heading in several
    assert several[-1] == "Found 3 errors, 3 warnings, 1 info in 6 files."
    one_file = tuple(d for d in DIAGNOSTICS if d.location.file == WEB_PLAN)
    single = text_report(io.StringIO(), one_file).splitlines()
    assert WEB_PLAN not in single, "no heading for a single file"
    assert single[0].startswith("plans/web.yaml:3:3: TP101 ")
    assert single[-1] == "Found 1 error, 1 warning."


def test_text_prints_messages_verbatim(sources: Path) -> None:
    diagnostic = Diagnostic(
        code="TP103",
        slug="value-in-name",
        severity=Severity.WARNING,
        message="name 'Clicked :thumbs_up: [bold]x[/bold]' embeds a value",
        location=Location(file=WEB_PLAN, line=1, column=1),
    )
    output = text_report(io.StringIO(), (diagnostic,))
    assert "'Clicked :thumbs_up: [bold]x[/bold]'" in output


# -- the real command ----------------------------------------------------------------------------

CLEAN_PLAN = """\
    plan: clean
    owner: data-platform
    description: A small plan with nothing to report.
    conventions:
      events: object-action
      properties: snake_case
    events:
      Order Completed:
        description: The customer completed an order.
        properties:
          order_id: {type: string, required: true, max_length: 32, description: The order id.}
    """

WARNINGS_ONLY_PLAN = CLEAN_PLAN.replace(
    "        description: The customer completed an order.\n", ""
)


def run(
    *args: str | Path, cwd: Path = REPO_ROOT, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`tp ARGS` with stdin and stdout not a terminal, in an environment without CI or colour
    settings except those in `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")
    }
    return subprocess.run(
        [tp_executable(), *map(str, args)],
        cwd=cwd,
        env={**base, "TERM": "xterm-256color", **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A clean plan and one with only a warning, next to a config that pins the preset."""
    (tmp_path / ".tracking-plan.yaml").write_text("extends: recommended\n", encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(textwrap.dedent(CLEAN_PLAN), encoding="utf-8")
    (tmp_path / "warnings.yaml").write_text(textwrap.dedent(WARNINGS_ONLY_PLAN), encoding="utf-8")
    return tmp_path


def test_tp_lint_sarif_is_valid(sarif_validator: jsonschema.Draft4Validator) -> None:
    completed = run("lint", "plans/bad/naming-drift.yaml", "--format", "sarif")
    assert completed.returncode == 1, completed.stderr
    log = json.loads(completed.stdout)
    assert_valid_sarif(sarif_validator, log)
    results = log["runs"][0]["results"]
    naming = [r for r in results if r["ruleId"] == "TP101"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in naming] == [
        24,
        29,
    ]
    for result in naming:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "plans/bad/naming-drift.yaml", "uriBaseId": "%SRCROOT%"}
        assert result["level"] == "error"
        assert result["message"]["text"].endswith("(suggestion: Order Completed)")


def test_tp_lint_sarif_of_an_unloadable_plan_is_valid(
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    completed = run("lint", "plans/bad/yaml-syntax.yaml", "--format", "sarif")
    assert completed.returncode == 2, completed.stderr
    log = json.loads(completed.stdout)
    assert_valid_sarif(sarif_validator, log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["TP001"]


@pytest.mark.parametrize("output_format", ["github", "auto"])
def test_tp_lint_github(output_format: str) -> None:
    completed = run(
        "lint",
        NAMING_DRIFT.relative_to(REPO_ROOT),
        "--format",
        output_format,
        env={"GITHUB_ACTIONS": "true"},
    )
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    prefix = (
        "::error file=plans/bad/naming-drift.yaml,line=24,col=3,"
        "title=TP101 event-name-convention::event 'completed_order' "
    )
    (naming,) = [line for line in lines if line.startswith(prefix)]
    assert naming.endswith(" (suggestion: Order Completed)")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_tp_lint_auto_is_text_outside_github_actions() -> None:
    completed = run("lint", "plans/bad/naming-drift.yaml")
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.startswith("plans/bad/naming-drift.yaml:24:3: TP101 ")
    assert "::error" not in completed.stdout


def test_tp_lint_junit_parses() -> None:
    completed = run("lint", "plans/bad/naming-drift.yaml", "--format", "junit")
    assert completed.returncode == 1, completed.stderr
    root = ET.fromstring(completed.stdout)
    names = [case.get("name") for case in root.iter("testcase")]
    assert "TP101 24:3" in names and "TP101 29:3" in names


def test_tp_lint_text_without_a_terminal_has_no_escapes() -> None:
    completed = run("lint", "plans/bad/naming-drift.yaml", "--format", "text")
    assert completed.returncode == 1, completed.stderr
    assert "TP101" in completed.stdout
    assert "\x1b" not in completed.stdout + completed.stderr


def _run_on_terminal(*args: str, env: Mapping[str, str]) -> str:
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen(
        [tp_executable(), *args],
        cwd=REPO_ROOT,
        env={**base, "TERM": "xterm-256color", **env},
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
        process.wait(timeout=120)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_tp_lint_text_on_a_terminal_is_coloured_unless_no_color() -> None:
    args = ("lint", "plans/bad/naming-drift.yaml", "--format", "text")
    coloured = _run_on_terminal(*args, env={})
    assert "TP101" in coloured and ANSI_ESCAPE.search(coloured)
    plain = _run_on_terminal(*args, env={"NO_COLOR": "1"})
    assert "TP101" in plain and "\x1b" not in plain


def test_tp_lint_exit_codes(plans: Path) -> None:
    clean = run("lint", "clean.yaml", cwd=plans)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout == ""

    warned = run("lint", "warnings.yaml", "--format", "json", cwd=plans)
    assert warned.returncode == 0, warned.stdout + warned.stderr
    found = json.loads(warned.stdout)["diagnostics"]
    assert {d["severity"] for d in found} == {"warning"}
    assert "TP301" in {d["code"] for d in found}

    strict = run("lint", "warnings.yaml", "--fail-on", "warning", cwd=plans)
    assert strict.returncode == 1, strict.stdout + strict.stderr

    findings = run("lint", NAMING_DRIFT)
    assert findings.returncode == 1, findings.stdout + findings.stderr

    unloadable = run("lint", BAD_PLANS / "yaml-syntax.yaml")
    assert unloadable.returncode == 2, unloadable.stdout + unloadable.stderr
    assert "Traceback" not in unloadable.stdout + unloadable.stderr
