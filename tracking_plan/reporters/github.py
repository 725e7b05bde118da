"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per line.

GitHub shows each annotation on the run's summary and, when the file is part of the pull
request, on the changed line. Escaping follows the Actions toolkit (`@actions/core`): property
values escape `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF. So no text starts a
line, which is where the runner reads a workflow command. Other characters that are not
printable (terminal escapes, which the log viewer renders, bidirectional overrides) are spelled
as repr() spells them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import TextIO

from ..diagnostics import Diagnostic, Severity
from ..printable import printable

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubReporter:
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
        for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
            stream.write(annotation(diagnostic) + "\n")


def annotation(diagnostic: Diagnostic) -> str:
    """The workflow command that annotates this diagnostic."""
    loc = diagnostic.location
    properties: list[tuple[str, str]] = []
    # Pseudo files such as `<library segment/ecommerce>` are not in the repository.
    if loc.file and not loc.file.startswith("<"):
        properties.append(("file", PurePath(loc.file).as_posix()))
        if loc.line is not None:
            properties.append(("line", str(loc.line)))
            if loc.column is not None:
                properties.append(("col", str(loc.column)))
    properties.append(("title", f"{diagnostic.code} {diagnostic.slug}"))
    message = diagnostic.message
    if diagnostic.suggestion is not None:
        message += f" (suggestion: {diagnostic.suggestion})"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[diagnostic.severity]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    spelled = printable(text, keep="\r\n")
    return spelled.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
