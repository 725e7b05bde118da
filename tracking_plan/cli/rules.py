"""tp rules and tp rule: list every code, explain one."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ._app import app
from ._shared import fail, out


@app.command("rules")
def rules_command(
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text, json, or markdown (every code's full text)."),
    ] = "text",
    family: Annotated[
        str | None,
        typer.Option(
            "--family",
            help="List only TP (lint and load), EV (event), EN (envelope) or DR (drift) codes"
            " (text and json; markdown is the whole reference).",
        ),
    ] = None,
) -> None:
    """List every code: the lint rules (TP), then the EV, EN and DR codes of tp validate.

    Each with its slug, default severity, and what it reports (tp serve reports the same codes).

    Example: tp rules --format markdown > docs/rules.md
    """
    from ..codes import FAMILIES, Phase, catalogue
    from ..codes.docs import codes_markdown
    from ..lint.config import load_config

    enabled = set(load_config().enabled())
    if output_format == "markdown":
        sys.stdout.write(codes_markdown(enabled))
        return
    if output_format not in ("text", "json"):
        fail(f"unknown format {output_format!r} (choose from text, json, markdown)")
    if family is not None and family.upper() not in FAMILIES:
        fail(f"unknown family {family!r} (choose from {', '.join(FAMILIES)})")
    entries = [e for e in catalogue().values() if family is None or e.family == family.upper()]
    if output_format == "json":
        rows = [
            {
                "code": r.code,
                "slug": r.slug,
                "summary": r.summary,
                "default_severity": r.default_severity.label,
                "phase": r.phase.value,
                "recommended": r.code in enabled,
            }
            for r in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich.table import Table

    listed_in = {
        Phase.LOAD: "loader",
        Phase.IMPORT: "import",
        Phase.CONFIG: "config",
        Phase.VALIDATE: "validate/serve",
        Phase.DRIFT: "validate",
        Phase.SERVE: "serve",
        Phase.DIFF: "diff",
    }
    for prefix, title in FAMILIES.items():
        table = Table("code", "slug", "severity", "in", "summary", box=None)
        for rule in (e for e in entries if e.family == prefix):
            where = listed_in.get(rule.phase)
            preset = where or ("recommended" if rule.code in enabled else "strict/all")
            table.add_row(rule.code, rule.slug, rule.default_severity.label, preset, rule.summary)
        if table.row_count:
            out.print(title)
            out.print(table)
    out.print("Explain one with: tp rule CODE")


@app.command("rule")
def rule_command(
    code: Annotated[
        str, typer.Argument(help="A code (TP101, EV104) or its slug.", show_default=False)
    ],
) -> None:
    """Explain one rule or code: what it reports, why it matters, an example and the fix.

    Example: tp rule TP101, tp rule EV104
    """
    from ..codes import UnknownCodeError, lookup

    try:
        rule = lookup(code)
    except UnknownCodeError:
        fail(f"no rule {code!r}", hint="run `tp rules` to list them")
    out.print(
        f"[bold]{rule.code} {rule.slug}[/] (default severity: {rule.default_severity.label})",
        markup=True,
    )
    out.print()
    out.print(rule.documentation)
    if rule.options:
        out.print()
        out.print("## Options")
        for option in rule.options:
            out.print(f"  {option.name} (default {option.default!r})")
