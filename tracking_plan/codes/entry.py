"""What the catalogue says about a code: a `CodeEntry`, with its `Phase` and family."""

from __future__ import annotations

import enum
import inspect
import re
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Severity

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
"""The sections every code's documentation has, in this order (as ruff's rules do)."""

FAMILIES = {
    "TP": "Plan codes (TP): the loader, `tp import`, the configuration and `tp lint`",
    "EV": "Event codes (EV): a message against its definition in the plan",
    "EN": "Envelope codes (EN): the message around the payload, and transport",
    "DR": "Drift codes (DR): a whole input at once",
}
"""Each family of codes, by prefix, in the order `tp rules` and the docs list them."""

CODE_PATTERN = re.compile(r"(TP|EV|EN|DR)[0-9]{3}")


class Phase(enum.Enum):
    """When a code is reported: by which step of which command."""

    LOAD = "load"
    """Reading the plan and the files it includes (every command that takes a plan)."""
    IMPORT = "import"
    """`tp import segment`, reading a Segment Protocols tracking plan."""
    CONFIG = "config"
    """Reading the lint configuration."""
    LINT = "lint"
    """`tp lint`: a rule run over a loaded plan."""
    VALIDATE = "validate"
    """`tp validate` and `tp serve`: one recorded or live message against the plan."""
    DRIFT = "drift"
    """`tp validate`: what only a whole input shows (shares, events never seen)."""
    SERVE = "serve"
    """`tp serve`: a request to its collecting API that Segment would refuse."""
    DIFF = "diff"
    """`tp diff`: a change between two versions of a plan."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """A rule option and its default, as the docs show it."""

    name: str
    default: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeEntry:
    """One code: its stable `code` (EV104) and readable `slug` (type-mismatch), the severity
    it has unless the plan, the configuration or the finding says otherwise, a one-line
    `summary` (no final period), when it is reported, and its `documentation`: a first line,
    then the sections of `DOC_SECTIONS` as `## ` headings, in Markdown."""

    code: str
    slug: str
    summary: str
    default_severity: Severity
    phase: Phase
    documentation: str
    options: tuple[Option, ...] = ()

    @property
    def family(self) -> str:
        """TP, EV, EN or DR."""
        return self.code[:2]

    def missing_sections(self) -> list[str]:
        return [s for s in DOC_SECTIONS if f"## {s}" not in self.documentation]


def doc(text: str) -> str:
    """Documentation written indented in a module, as `inspect.cleandoc` cleans a docstring."""
    return inspect.cleandoc(text)
