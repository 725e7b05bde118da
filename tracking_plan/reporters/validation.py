"""Reports of `tp validate`: a summary per event, the violations with sample records, drift.

rich is imported by the text report alone, when it renders."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from ..validate.run import ValidationReport

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def summary(report: ValidationReport) -> dict[str, object]:
    stats = report.stats
    valid = stats.records - stats.invalid
    return {
        "plan": report.plan.name,
        "plan_version": report.plan.version,
        "records": stats.records,
        "valid": valid,
        "invalid": stats.invalid,
        "valid_share": round(valid / stats.records, 4) if stats.records else None,
        "input_problems": stats.problems,
    }


def _events(report: ValidationReport) -> list[dict[str, object]]:
    per_code: dict[str, Counter[str]] = {}
    for group in report.stats.groups.values():
        if group.severity is Severity.ERROR:
            per_code.setdefault(group.definition, Counter())[group.code] += group.count
    rows: list[dict[str, object]] = []
    for name, stats in sorted(report.stats.definitions.items(), key=lambda kv: -kv[1].records):
        rows.append(
            {
                "definition": name,
                "records": stats.records,
                "invalid": stats.invalid,
                "valid_share": round(1 - stats.invalid / stats.records, 4)
                if stats.records
                else None,
                "top_violations": dict(per_code.get(name, Counter()).most_common(3)),
            }
        )
    return rows


def render_json(report: ValidationReport, stream: TextIO) -> None:
    document = {
        "summary": summary(report),
        "events": _events(report),
        "diagnostics": [d.to_dict() for d in report.diagnostics()],
    }
    stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def render_jsonl(report: ValidationReport, stream: TextIO) -> None:
    """Only the run's drift findings: the per-record ones were streamed while validating."""
    for diagnostic in report.drift:
        stream.write(json.dumps(diagnostic.to_dict(), ensure_ascii=False) + "\n")


def render_text(report: ValidationReport, stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .console import make_console, shown

    console = make_console(stream)
    info = summary(report)
    share = f" ({info['valid_share']:.1%})" if info["valid_share"] is not None else ""
    problems = f", {report.stats.problems:,} input problems" if report.stats.problems else ""
    version = f" {report.plan.version}" if report.plan.version else ""
    console.print(
        f"[bold]{report.records:,}[/] records checked against "
        f"{shown(report.plan.name)}{shown(version)}: "
        f"[green]{report.records - report.invalid:,} valid[/]{share}, "
        f"[red]{report.invalid:,} invalid[/]{problems}."
    )
    if report.records:
        table = Table(
            "event",
            "records",
            "valid",
            "top violations",
            box=None,
            title="By event",
            title_justify="left",
        )
        for row in _events(report):
            top = ", ".join(f"{code} x{count}" for code, count in row["top_violations"].items())  # type: ignore[attr-defined]
            valid_share = row["valid_share"]
            table.add_row(
                shown(row["definition"]),
                f"{row['records']:,}",
                f"{valid_share:.1%}" if isinstance(valid_share, float) else "",
                top,
            )
        console.print(table)
    groups = [d for d in report.diagnostics() if d.code[:2] in ("EV", "EN")]
    if groups:
        console.print()
        console.print("[bold]Violations[/]")
        for diagnostic in groups:
            _group(console.print, diagnostic)
    if report.drift:
        console.print()
        console.print("[bold]Drift[/]")
        unseen = [d.data.get("definition", "") for d in report.drift if d.code == "DR304"]
        ordered = sorted(report.drift, key=lambda d: (-d.severity, d.code))
        for diagnostic in ordered:
            if diagnostic.code == "DR304":
                continue
            style = _STYLE[diagnostic.severity]
            hint = f" [green]→ {shown(diagnostic.suggestion)}[/]" if diagnostic.suggestion else ""
            console.print(f"  [{style}]{diagnostic.code}[/] {escape(diagnostic.message)}{hint}")
        if unseen:
            names = ", ".join(shown(n) for n in unseen)
            console.print(f"  [cyan]DR304[/] {len(unseen)} planned events never appear: {names}")


def _group(print_: Callable[..., None], diagnostic: Diagnostic) -> None:
    from rich.markup import escape

    from .console import shown

    style = _STYLE[diagnostic.severity]
    data = diagnostic.data
    where = diagnostic.location.pointer or ""
    definition = shown(data.get("definition", ""))
    print_(
        f"  [{style}]{diagnostic.code}[/] {diagnostic.slug} [bold]{definition}[/]"
        f"{' ' + shown(where) if where else ''}: {data.get('count', 1):,} record(s)"
        + (f" [green]→ {shown(diagnostic.suggestion)}[/]" if diagnostic.suggestion else "")
    )
    for sample in data.get("samples", []):
        print_(f"      [dim]{shown(_where(sample))}[/]  {escape(sample['message'])}")


def _where(sample: dict[str, object]) -> str:
    return f"{sample['file']}:{sample['line']}" if sample["line"] else str(sample["file"])


VALIDATION_REPORTERS: dict[str, Callable[[ValidationReport, TextIO], None]] = {
    "text": render_text,
    "json": render_json,
    "jsonl": render_jsonl,
}
