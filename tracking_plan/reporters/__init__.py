"""Reporters render diagnostics; they never compute them. Registry keyed by `--format` name.

A reporter's module is imported when it is asked for: a run prints one format, and the others
(rich for text, the code catalogue for SARIF) would only slow every command's start.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic


class Reporter(Protocol):
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None: ...


# --format name -> (module in this package, reporter class)
REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("text", "TextReporter"),
    "json": ("json", "JsonReporter"),
    "jsonl": ("json", "JsonLinesReporter"),
    "sarif": ("sarif", "SarifReporter"),
    "github": ("github", "GithubReporter"),
    "junit": ("junit", "JunitReporter"),
}


def resolve_format(name: str) -> str:
    """The format `auto` stands for here: `github` under GitHub Actions, else `text`."""
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def get_reporter(name: str) -> Reporter:
    """The reporter for a `--format` value (`auto` included)."""
    try:
        module, reporter = REPORTERS[resolve_format(name)]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r} (choose from {', '.join(['auto', *REPORTERS])})"
        ) from None
    made: Reporter = getattr(importlib.import_module(f".{module}", __name__), reporter)()
    return made


__all__ = ["REPORTERS", "Reporter", "get_reporter", "resolve_format"]
