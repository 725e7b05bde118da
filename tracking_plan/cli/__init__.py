"""The `tp` command: parses arguments, calls the library, maps results to exit codes.

Exit codes: 0 clean, 1 findings (e.g. stale files under --check), 2 usage, config or input errors.
`tp --version` and the command list are answered without importing typer (`_quick`); anything
else registers the command it names (`_commands`), which imports the library it needs when it
runs.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # importing `typing` would cost `tp --version` a third of its time
if TYPE_CHECKING:
    from typing import Any

    from ._commands import app


def main() -> None:
    """Console-script entry point."""
    from ._quick import answer

    try:
        code = answer(sys.argv[1:])
        if code is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`tp --help | head -1`): exit 1, as click
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    if code is not None:
        sys.exit(code)
    from ._commands import register, run

    register(sys.argv[1:])
    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._commands import app, register_all

        register_all()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
