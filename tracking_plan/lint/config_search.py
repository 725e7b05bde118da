"""Which lint configuration applies to a plan (the nearest `.tracking-plan.yaml` or pyproject.toml
with a `[tool.tracking-plan]` table), and the error of one that cannot be used. Apart from
`config`, which imports every rule, because a cached lint result is looked up by its
configuration file before anything is linted."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..diagnostics import Diagnostic
from ..loader.source_file import SourceError, read_source

CONFIG_FILES = (".tracking-plan.yaml", ".tracking-plan.yml")


def find_config(start: Path) -> Path | None:
    """The nearest `.tracking-plan.yaml` (or pyproject.toml with `[tool.tracking-plan]`) in
    `start` or a folder above it. A pyproject.toml that cannot be read is passed over."""
    folder = start if start.is_dir() else start.parent
    for directory in (folder.resolve(), *folder.resolve().parents):
        for name in CONFIG_FILES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _configures_tp(pyproject):
            return pyproject
    return None


def _configures_tp(pyproject: Path) -> bool:
    try:
        document = tomllib.loads(read_source(pyproject))
    except (SourceError, tomllib.TOMLDecodeError):
        return False
    table = document.get("tool", {}).get("tracking-plan")
    return bool(table)


class ConfigError(Exception):
    """The configuration is invalid; `diagnostics` say where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.message for d in diagnostics))
