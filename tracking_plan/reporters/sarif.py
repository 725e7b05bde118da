"""SARIF 2.1.0, the format code-scanning tools read (GitHub code scanning, Azure DevOps, IDEs).

One run whose tool lists a reporting descriptor for every code that appears (its name, summary,
documentation and default level from the catalogue of codes, TP, EV, EN and DR alike), then one
result per diagnostic. Locations are relative posix URIs against `%SRCROOT%`, so the log does
not depend on where the checkout lives. Output is deterministic: sorted keys, indent 2, final
newline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..codes import CodeEntry, catalogue
from ..diagnostics import Diagnostic, Location, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "tracking-plan"
SOURCE_ROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifReporter:
    """Writes one SARIF log; `rules` replaces the catalogue of codes (tests pass a fixed one)."""

    def __init__(self, rules: Mapping[str, CodeEntry] | None = None) -> None:
        self._rules = rules

    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        rules = catalogue() if self._rules is None else self._rules
        log = sarif_log(diagnostics, rules)
        stream.write(json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def sarif_log(diagnostics: Sequence[Diagnostic], rules: Mapping[str, CodeEntry]) -> dict[str, Any]:
    """The SARIF log of these diagnostics as a JSON-ready dict."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    slugs: dict[str, str] = {}
    for diagnostic in ordered:
        slugs.setdefault(diagnostic.code, diagnostic.slug)
    codes = sorted(slugs)
    rule_index = {code: index for index, code in enumerate(codes)}
    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "rules": [_descriptor(code, slugs[code], rules.get(code)) for code in codes],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                # Columns count characters of the decoded line, not bytes or UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, rule_index[d.code]) for d in ordered],
            }
        ],
    }


def _descriptor(code: str, slug: str, rule: CodeEntry | None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": code,
        "name": _pascal_case(rule.slug if rule else slug),
        "properties": {"slug": rule.slug if rule else slug},
    }
    if rule is None:
        return descriptor
    descriptor["shortDescription"] = {"text": rule.summary}
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.default_severity]}
    if rule.documentation:
        descriptor["fullDescription"] = {"text": _first_paragraph(rule.documentation)}
        descriptor["help"] = {"text": rule.documentation, "markdown": rule.documentation}
    return descriptor


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    text = diagnostic.message
    properties: dict[str, Any] = {"slug": diagnostic.slug}
    if diagnostic.suggestion is not None:
        text += f" (suggestion: {diagnostic.suggestion})"
        properties["suggestion"] = diagnostic.suggestion
    if diagnostic.location.pointer is not None:
        properties["pointer"] = diagnostic.location.pointer
    if diagnostic.data:
        properties["data"] = diagnostic.data
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": text},
        "properties": properties,
    }
    physical = _physical_location(diagnostic.location)
    if physical is not None:
        result["locations"] = [{"physicalLocation": physical}]
    return result


def _physical_location(location: Location) -> dict[str, Any] | None:
    """The file and position, or None for a diagnostic that is not about a real file."""
    artifact = artifact_location(location.file)
    if artifact is None:
        return None
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.line is not None and location.line >= 1:
        region = {"startLine": location.line}
        if location.column is not None and location.column >= 1:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def artifact_location(file: str | None) -> dict[str, str] | None:
    """A SARIF artifactLocation for a file path as the diagnostics name it.

    Relative paths (and absolute ones below the working directory) become percent-encoded posix
    URIs relative to `%SRCROOT%`; other absolute paths become `file://` URIs. Pseudo files such as
    `<library segment/ecommerce>` are not artifacts and get no location.
    """
    if not file or file.startswith("<"):
        return None
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return {"uri": path.as_uri()}
    posix = PurePath(path).as_posix()
    return {"uri": quote(posix, safe="/"), "uriBaseId": SOURCE_ROOT}


def _pascal_case(slug: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug.replace("_", "-").split("-"))


def _first_paragraph(documentation: str) -> str:
    return " ".join(documentation.strip().split("\n\n", 1)[0].split())
