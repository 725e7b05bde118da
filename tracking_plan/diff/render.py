"""`tp diff` for people: text grouped by definition with each witness, and Markdown for a
pull-request comment. Both take the run's diagnostics (changes, version, ignore file); the other
formats are the lint reporters (json, jsonl, sarif, github, junit) on the same diagnostics.

Names come from plans: in Markdown they are escaped so that a name cannot close a table cell,
start a link or open HTML; on a terminal the console spells what is not printable."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TextIO

from ..diagnostics import Diagnostic, Severity
from .report import Bump


@dataclass(frozen=True, slots=True)
class Summary:
    """What the run compared, and the version the changes need."""

    old_label: str
    new_label: str
    bump: Bump


def counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    found = {"producers": 0, "consumers": 0}
    for d in diagnostics:
        for side in found:
            found[side] += d.data.get(side) == "breaking"
    return found


def headline(summary: Summary, diagnostics: Sequence[Diagnostic]) -> str:
    changes = [d for d in diagnostics if "definition" in d.data]
    broken = counts(changes)
    text = (
        f"{summary.old_label} -> {summary.new_label}: {len(changes)} change(s); breaking for "
        f"producers: {broken['producers']}, for consumers: {broken['consumers']}"
    )
    if summary.bump.level:
        least = f" (at least {summary.bump.needed})" if summary.bump.needed else ""
        text += f"; the version needs a {summary.bump.level} bump{least}"
    return text + "."


def render_text(summary: Summary, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    from ..reporters.console import make_console

    console = make_console(stream, markup=False)
    console.print(headline(summary, diagnostics))
    for definition, group in groupby(_ordered(diagnostics), key=_definition):
        console.print()
        console.print(definition or "(the plan)")
        for d in group:
            sides = f"producers: {d.data.get('producers')}, consumers: {d.data.get('consumers')}"
            path = d.data.get("path") or ""
            change = d.data.get("change", d.message)
            console.print(
                f"  {d.code} {d.slug} {path + ': ' if path else ''}{change}"
                + (f"  ({sides})" if "producers" in d.data else "")
            )
            if "witness" in d.data:
                witness = json.dumps(d.data["witness"], ensure_ascii=False)
                console.print(f"      valid before, invalid now: {witness}")


_MARK = {Severity.ERROR: "breaking", Severity.WARNING: "risky", Severity.INFO: "safe"}


def render_markdown(summary: Summary, diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    out: Callable[[str], object] = lambda line: stream.write(line + "\n")  # noqa: E731
    out(f"### tp diff: {_md(summary.new_label)} against {_md(summary.old_label)}")
    out("")
    out(_md(headline(summary, diagnostics)))
    if not diagnostics:
        return
    out("")
    out("| verdict | code | definition | property | change | producers | consumers |")
    out("| --- | --- | --- | --- | --- | --- | --- |")
    witnesses: list[tuple[Diagnostic, str]] = []
    for d in _ordered(diagnostics):
        cells = [
            _MARK[d.severity],
            f"{d.code} `{d.slug}`",
            _md(_definition(d)),
            _md(d.data.get("path") or ""),
            _md(str(d.data.get("change", d.message))),
            _md(str(d.data.get("producers", ""))),
            _md(str(d.data.get("consumers", ""))),
        ]
        out("| " + " | ".join(cells) + " |")
        if "witness" in d.data:
            witnesses.append((d, json.dumps(d.data["witness"], indent=2, ensure_ascii=False)))
    if witnesses:
        out("")
        out("<details><summary>Witnesses: events valid before the change, invalid after</summary>")
        for d, witness in witnesses:
            out("")
            out(f"{d.code} {_md(_definition(d))} {_md(d.data.get('path') or '')}")
            out("")
            out("```json")
            out(witness.replace("```", "`\u200b``"))
            out("```")
        out("")
        out("</details>")


def _ordered(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """By definition (the plan's own first), worst first within each."""
    return sorted(diagnostics, key=lambda d: (_definition(d) != "", _definition(d), -d.severity))


def _definition(d: Diagnostic) -> str:
    return str(d.data.get("definition", ""))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md(text: str) -> str:
    """Plan text as Markdown shows it literally: one line, specials escaped."""
    one_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)
