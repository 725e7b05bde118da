"""Every command, registered on the `tp` application by importing its module, in the order
`tp --help` lists them (`_index.COMMANDS`)."""

from __future__ import annotations

# isort: off
from . import (  # noqa: F401
    compile,
    import_segment,
    codegen,
    lint,
    validate,
    serve,
    captures,
    rules,
    init,
    libraries,
)

# isort: on
from ._app import app, run

__all__ = ["app", "run"]
