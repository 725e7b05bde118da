"""The catalogue of codes: every code documented as a rule is (ruff's sections, in order), codes
and slugs unique, a phase that fits the family, unknown codes refused loudly, `tp rule` and
`tp rules`, and no code or slug written anywhere in the repository that the catalogue lacks."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable

import pytest
from conftest import REPO_ROOT, Run

from tracking_plan.codes import (
    DOC_SECTIONS,
    FAMILIES,
    CatalogueError,
    CodeEntry,
    Phase,
    UnknownCodeError,
    catalogue,
    code_entry,
    diagnostic,
    lookup,
)
from tracking_plan.codes.catalogue import _index
from tracking_plan.codes.diff import DIFF_CODES
from tracking_plan.diagnostics import Location, Severity
from tracking_plan.lint.registry import RULES

ENTRIES = list(catalogue().values())
PHASES = {
    "TP": {Phase.LOAD, Phase.IMPORT, Phase.CONFIG, Phase.LINT, Phase.DIFF},
    "EV": {Phase.VALIDATE},
    "EN": {Phase.VALIDATE, Phase.SERVE},
    "DR": {Phase.DRIFT},
}


def test_the_catalogue_holds_every_rule_then_each_family() -> None:
    diff = [e.code for e in DIFF_CODES]
    assert [e.code for e in ENTRIES if e.family == "TP"] == [r.code for r in RULES] + diff
    families = [e.family for e in ENTRIES]
    assert sorted(set(families), key=families.index) == list(FAMILIES)
    assert families == sorted(families, key=list(FAMILIES).index)


def test_codes_and_slugs_are_unique() -> None:
    assert len({e.code for e in ENTRIES}) == len(ENTRIES)
    assert len({e.slug for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.code)
def test_code_is_documented(entry: CodeEntry) -> None:
    assert entry.summary and not entry.summary.endswith(".")
    assert entry.missing_sections() == [], f"{entry.code} lacks sections"
    doc = entry.documentation
    positions = [doc.index(f"## {s}") for s in DOC_SECTIONS]
    assert positions == sorted(positions), f"{entry.code}: sections out of order"
    assert not doc.startswith("#") and doc.splitlines()[0].endswith("."), "a first sentence"
    assert entry.phase in PHASES[entry.family]
    if entry.phase is Phase.LOAD:
        assert entry.default_severity is Severity.ERROR, "a plan that does not load is an error"


def test_a_contradicting_catalogue_fails_when_it_is_built() -> None:
    entry = code_entry("EV104")
    with pytest.raises(CatalogueError, match="twice"):
        _index([entry, entry])
    with pytest.raises(CatalogueError, match="share the slug"):
        _index([entry, CodeEntry(**{**_fields(entry), "code": "TP999"})])
    with pytest.raises(CatalogueError, match="not a code"):
        _index([CodeEntry(**{**_fields(entry), "code": "XX104"})])


def _fields(entry: CodeEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in CodeEntry.__slots__}


@pytest.mark.parametrize("code", ["TP999", "EV101", "DR302", "ev104", "TP"])
def test_unknown_codes_fail_loudly(code: str) -> None:
    """Codes the reference reserves but tp does not report (EV101, DR302) are not entries."""
    with pytest.raises(UnknownCodeError):
        code_entry(code)
    with pytest.raises(UnknownCodeError):
        diagnostic(code, "a message")


def test_a_diagnostic_takes_its_slug_and_default_severity_from_the_catalogue() -> None:
    where = Location(file="dump.jsonl", line=3, pointer="/properties/revenue")
    found = diagnostic("EV104", "expected number", location=where, data={"record": 3})
    assert (found.code, found.slug, found.severity) == ("EV104", "type-mismatch", Severity.ERROR)
    assert (found.location, found.data, found.suggestion) == (where, {"record": 3}, None)
    assert diagnostic("EN205", "seen twice", severity=Severity.WARNING).severity is Severity.WARNING
    assert diagnostic("TP011", "dropped").slug == "import-unsupported"  # from the rule class
    assert diagnostic("TP011", "dropped").severity is Severity.WARNING


def test_lookup_takes_a_code_in_any_case_or_a_slug() -> None:
    assert lookup("ev104") is lookup("type-mismatch") is lookup(" EV104 ") is code_entry("EV104")
    assert lookup("tp101") is code_entry("TP101")
    with pytest.raises(UnknownCodeError):
        lookup("Type-Mismatch")


# -- tp rule and tp rules ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EV104", "en207", "property-name-drift", "TP101"])
def test_tp_rule_explains_every_kind_of_code(code: str, tp: Callable[..., Run]) -> None:
    entry = lookup(code)
    result = tp("rule", code)
    assert result.code == 0, result.output
    assert result.stdout.startswith(
        f"{entry.code} {entry.slug} (default severity: {entry.default_severity.label})\n"
    )
    assert entry.documentation in result.stdout


def test_tp_rule_refuses_an_unknown_code(tp: Callable[..., Run]) -> None:
    result = tp("rule", "EV101")
    assert (result.code, result.stdout) == (2, "")
    assert "no rule 'EV101'" in result.stderr


def test_tp_rules_lists_every_code_by_family(tp: Callable[..., Run]) -> None:
    result = tp("rules")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    titles = [lines.index(title) for title in FAMILIES.values()]
    assert titles == sorted(titles)
    for entry in ENTRIES:
        assert re.search(
            rf"^ {entry.code} +{entry.slug} +{entry.default_severity.label} ", result.stdout, re.M
        )


def test_tp_rules_lists_one_family(tp: Callable[..., Run]) -> None:
    result = tp("rules", "--family", "dr", "--format", "json")
    assert result.code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["code"] for row in rows] == [e.code for e in ENTRIES if e.family == "DR"]
    assert rows[0] == {
        "code": "DR300",
        "slug": "property-sometimes-missing",
        "summary": code_entry("DR300").summary,
        "default_severity": "info",
        "phase": "drift",
        "recommended": False,
    }
    refused = tp("rules", "--family", "XX")
    assert refused.code == 2 and "unknown family 'XX'" in refused.stderr


# -- codes written anywhere in the repository ----------------------------------------------------

SCANNED = ("tracking_plan", "rules", "tests", "tools", "bench", "docs", "plans", "README.md")
CODE_IN_TEXT = re.compile(r"\b(?:TP|EV|EN|DR)[0-9]{3}\b")
SLUG_BESIDE_CODE = (
    re.compile(r'code="(?P<code>\w+)",\s*slug="(?P<slug>[^"]*)"'),  # Python
    re.compile(r'"code": "(?P<code>\w+)", "slug": "(?P<slug>[^"]*)"'),  # JSON
)
UNKNOWN_ON_PURPOSE = {
    "TP999": "what tp says of a code that does not exist: `rules: {TP999: error}`, a suppression",
    "EV101": "reserved by the code space (unexpected-on-source), not reported: no entry",
    "DR302": "reserved by the code space (missing-on-platform), not reported: no entry",
}


@pytest.fixture(scope="module")
def repository_texts() -> dict[str, str]:
    """The text files of the source tree (tracked, or new and not ignored), by path."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *SCANNED],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    texts = {}
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = REPO_ROOT / name
        if path.is_file():
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # a binary file (a compiled extension) holds no code a reader sees
    assert "tests/rule_cases/TP101.yaml" in texts and "docs/rules.md" in texts
    return texts


def test_every_code_written_in_the_repository_is_in_the_catalogue(
    repository_texts: dict[str, str],
) -> None:
    """Test fixtures, golden files, docs and sources use real codes only."""
    unknown: dict[str, list[str]] = {}
    for name, text in repository_texts.items():
        for code in set(CODE_IN_TEXT.findall(text)) - set(catalogue()) - set(UNKNOWN_ON_PURPOSE):
            unknown.setdefault(code, []).append(name)
    assert unknown == {}, "codes that are not in the catalogue (tracking_plan/codes/)"


def test_codes_unknown_on_purpose_stay_unknown(repository_texts: dict[str, str]) -> None:
    for code in UNKNOWN_ON_PURPOSE:
        assert code not in catalogue(), f"{code} is real now: use another unknown code"
        assert any(code in text for text in repository_texts.values()), f"{code} is not used"


def test_slugs_written_beside_codes_are_theirs(repository_texts: dict[str, str]) -> None:
    wrong = [
        f"{name}: {found['code']} {found['slug']} (the catalogue: {code_entry(found['code']).slug})"
        for name, text in repository_texts.items()
        for pattern in SLUG_BESIDE_CODE
        for found in pattern.finditer(text)
        if found["code"] in catalogue() and code_entry(found["code"]).slug != found["slug"]
    ]
    assert wrong == []


def test_every_message_code_is_reported_by_the_package(repository_texts: dict[str, str]) -> None:
    """An EV, EN or DR entry is for a code tp reports, not one it only reserves."""
    source = "".join(
        text
        for name, text in repository_texts.items()
        if name.startswith("tracking_plan/") and not name.startswith("tracking_plan/codes/")
    )
    used = set(CODE_IN_TEXT.findall(source))
    assert [e.code for e in ENTRIES if e.family != "TP" and e.code not in used] == []
