"""Reporters render diagnostics; they never compute them. Registry keyed by `--format` name."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from ..diagnostics import Diagnostic
from .github import GithubReporter
from .json import JsonLinesReporter, JsonReporter
from .junit import JunitReporter
from .sarif import SarifReporter
from .text import TextReporter


class Reporter(Protocol):
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None: ...


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "jsonl": JsonLinesReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "junit": JunitReporter,
}


def resolve_format(name: str) -> str:
    """The format `auto` stands for here: `github` under GitHub Actions, else `text`."""
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def get_reporter(name: str) -> Reporter:
    """The reporter for a `--format` value (`auto` included)."""
    try:
        return REPORTERS[resolve_format(name)]()
    except KeyError:
        raise ValueError(
            f"unknown format {name!r} (choose from {', '.join(['auto', *REPORTERS])})"
        ) from None


__all__ = ["REPORTERS", "Reporter", "get_reporter", "resolve_format"]
