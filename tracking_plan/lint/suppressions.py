"""Suppressions written in the plan: `# tp: noqa` comments and per-definition `lint.ignore`.

Comments are found by line in the source text (the YAML parser drops them); a suppression
that silences nothing is itself reported (TP012), so stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Location
from ..model import Plan

_NOQA = re.compile(
    r"#\s*tp:\s*noqa(?![\w-])(?::?\s*(?P<codes>[A-Za-z]{2}\d{3}(?:[\s,]+[A-Za-z]{2}\d{3})*))?"
)


@dataclass(slots=True, kw_only=True)
class Suppression:
    """One suppression; `codes` None means every code on that line."""

    location: Location
    codes: tuple[str, ...] | None
    definition: str | None = None  # `call:name` for a definition's lint.ignore
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(c) for c in self.codes)


def noqa_comments(files: tuple[str, ...]) -> dict[tuple[str, int], Suppression]:
    """`# tp: noqa [CODES]` comments by (file, line)."""
    found: dict[tuple[str, int], Suppression] = {}
    for file in files:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if "noqa" not in line:
                continue
            match = _NOQA.search(line)
            if match is None:
                continue
            codes = match.group("codes")
            found[file, number] = Suppression(
                location=Location(file=file, line=number, column=match.start() + 1),
                codes=None if codes is None else tuple(re.split(r"[\s,]+", codes.upper())),
            )
    return found


def definition_ignores(plan: Plan) -> dict[str, list[Suppression]]:
    """Each definition's `lint: {ignore: [...]}` entries, keyed by `call:name`."""
    result: dict[str, list[Suppression]] = {}
    for definition in plan.definitions():
        key = f"{definition.call}:{definition.name}"
        for code, location in zip(
            definition.lint_ignore, definition.lint_ignore_locations, strict=False
        ):
            result.setdefault(key, []).append(
                Suppression(location=location, codes=(code.upper(),), definition=key)
            )
    return result
