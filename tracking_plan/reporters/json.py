"""Machine-readable reporters: one JSON document, or one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from ..diagnostics import Diagnostic, Severity


class JsonReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        counts = {s.label: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
        document = {"diagnostics": [d.to_dict() for d in diagnostics], "summary": counts}
        stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


class JsonLinesReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        for diagnostic in diagnostics:
            stream.write(json.dumps(diagnostic.to_dict(), ensure_ascii=False) + "\n")
