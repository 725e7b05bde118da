"""What the catalogue says about a code."""

from __future__ import annotations

import enum


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
