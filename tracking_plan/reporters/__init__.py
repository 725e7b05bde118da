"""Reporters render diagnostics; they never compute them. Registry keyed by `--format` name."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from ..diagnostics import Diagnostic
from .json import JsonLinesReporter, JsonReporter
from .text import TextReporter


class Reporter(Protocol):
    def report(self, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None: ...


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "jsonl": JsonLinesReporter,
}


def get_reporter(name: str) -> Reporter:
    """The reporter for a `--format` value; `auto` is `text` (or `github` where registered)."""
    if name == "auto":
        name = (
            "github"
            if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS
            else "text"
        )
    try:
        return REPORTERS[name]()
    except KeyError:
        raise ValueError(
            f"unknown format {name!r} (choose from {', '.join(['auto', *REPORTERS])})"
        ) from None


__all__ = ["REPORTERS", "Reporter", "get_reporter"]
