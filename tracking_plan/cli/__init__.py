"""The `tp` command: parses arguments, calls the library, maps results to exit codes.

Exit codes: 0 clean, 1 findings (e.g. stale files under --check), 2 usage, config or input errors.
Each command is a module; importing it registers the command, in the order `tp --help` lists.
"""

from __future__ import annotations

# isort: off
# the order `tp --help` lists the commands in
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
from ._app import app, main

__all__ = ["app", "main"]
