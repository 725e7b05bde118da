"""What `tp import segment` reports as it reads: TP011 warnings for what a plan cannot express
and TP002 errors for what it cannot read, each at a JSON path of the input."""

from __future__ import annotations

import json
import re

from ..codes import diagnostic
from ..diagnostics import Diagnostic, Location
from ..pointers import json_pointer

JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """`("rules", 3, "jsonSchema")` -> `rules[3].jsonSchema`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text or "<root>"


class ImportNotes:
    """The diagnostics of one import, located in the file `source`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def _report(self, code: str, path: JsonPath, message: str) -> None:
        self.diagnostics.append(
            diagnostic(
                code,
                message,
                location=Location(file=self.source, pointer=json_pointer(path)),
                data={"path": format_path(path)},
            )
        )

    def warn(self, path: JsonPath, message: str) -> None:
        self._report("TP011", path, f"{format_path(path)}: {message}")

    def unsupported(self, path: JsonPath, what: str | None = None) -> None:
        what = what or f"`{path[-1]}`"
        self.warn(path, f"{what} cannot be expressed in a tracking plan; dropped")

    def error(self, path: JsonPath, message: str) -> None:
        self._report("TP002", path, message)
