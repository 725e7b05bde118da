"""The commands, registered on the `tp` application by importing their modules.

A run registers only the command it was given (typer builds a click command for every one it
knows, which costs a run more than most commands take); `tp --help`, an unknown command and
`tracking_plan.cli.app` get all of them, in the order `tp --help` lists them (`_index.COMMANDS`).
"""

from __future__ import annotations

import importlib

from ._app import app, run

# command -> the module that registers it
MODULES = {
    "compile": "compile",
    "codegen": "codegen",
    "lint": "lint",
    "diff": "diff",
    "validate": "validate",
    "serve": "serve",
    "rules": "rules",
    "rule": "rules",
    "init": "init",
    "libraries": "libraries",
    "import": "import_segment",
    "captures": "captures",
}
# options `tp` itself takes before a command: none of them takes a value
GLOBAL_OPTIONS = frozenset({"--verbose", "-v", "--version", "--help", "-h"})


def register(argv: list[str]) -> None:
    """Register the command `argv` names, or every command when it names none tp knows."""
    name = next((word for word in argv if word not in GLOBAL_OPTIONS), None)
    if name in MODULES and all(word in GLOBAL_OPTIONS for word in argv[: argv.index(name)]):
        _import(MODULES[name])
    else:
        register_all()


def register_all() -> None:
    for module in dict.fromkeys(MODULES.values()):
        _import(module)


def _import(module: str) -> None:
    importlib.import_module(f".{module}", __package__)


__all__ = ["app", "register", "register_all", "run"]
