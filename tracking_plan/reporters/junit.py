"""JUnit XML, for CI dashboards that chart test reports (Jenkins, GitLab, Azure Pipelines).

One `<testsuite>` per file and one failing `<testcase>` per diagnostic. A run without findings
writes a single passing test case, so the dashboard shows that the lint ran.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby
from typing import TextIO

from ..diagnostics import Diagnostic

SUITES_NAME = "tracking-plan"
CLEAN_CASE_NAME = "tp lint: no findings"
NO_FILE = "<input>"

# Characters XML 1.0 cannot hold at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class JunitReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        root = junit_tree(diagnostics)
        ET.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(root, encoding="unicode") + "\n")


def junit_tree(diagnostics: Sequence[Diagnostic]) -> ET.Element:
    """The `<testsuites>` element for these diagnostics."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    total = max(len(ordered), 1)
    root = ET.Element(
        "testsuites",
        {"name": SUITES_NAME, "tests": str(total), "failures": str(len(ordered)), "errors": "0"},
    )
    if not ordered:
        suite = _suite(root, SUITES_NAME, tests=1, failures=0)
        ET.SubElement(suite, "testcase", {"name": CLEAN_CASE_NAME, "classname": SUITES_NAME})
        return root
    for file, group in groupby(ordered, key=lambda d: d.location.file or NO_FILE):
        found = list(group)
        suite = _suite(root, file, tests=len(found), failures=len(found))
        for diagnostic in found:
            _case(suite, file, diagnostic)
    return root


def _suite(root: ET.Element, name: str, *, tests: int, failures: int) -> ET.Element:
    attributes = {
        "name": _xml_text(name),
        "tests": str(tests),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
    }
    return ET.SubElement(root, "testsuite", attributes)


def _case(suite: ET.Element, file: str, diagnostic: Diagnostic) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {"name": _xml_text(_case_name(diagnostic)), "classname": _xml_text(file)},
    )
    message = diagnostic.message
    if diagnostic.suggestion is not None:
        message += f" (suggestion: {diagnostic.suggestion})"
    failure = ET.SubElement(
        case, "failure", {"message": _xml_text(message), "type": _xml_text(diagnostic.code)}
    )
    failure.text = _xml_text(
        f"{diagnostic.location}: {diagnostic.severity.label} {diagnostic.code} "
        f"({diagnostic.slug}) {message}"
    )


def _case_name(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    if loc.line is None:
        return diagnostic.code
    position = str(loc.line) if loc.column is None else f"{loc.line}:{loc.column}"
    return f"{diagnostic.code} {position}"


def _xml_text(text: str) -> str:
    """`text` with what XML cannot hold written as `\\xNN`, so the report stays parseable."""
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
