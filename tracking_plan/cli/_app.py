"""The `tp` application, its sub-command groups and global options, and the entry point."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from .. import __version__
from ._index import CAPTURES_HELP, EPILOG, HELP, IMPORT_HELP, VERBOSE_HELP, VERSION_HELP
from ._shared import EXIT_ERROR, err, out, shown

app = typer.Typer(
    name="tp",
    help=HELP,
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
import_app = typer.Typer(help=IMPORT_HELP)
app.add_typer(import_app, name="import")
captures_app = typer.Typer(help=CAPTURES_HELP)
app.add_typer(captures_app, name="captures")

_state = {"verbose": False}


def _version(value: bool) -> None:
    if value:
        out.print(f"tp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=VERBOSE_HELP)] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=VERSION_HELP),
    ] = False,
) -> None:
    _state["verbose"] = verbose


def run() -> None:
    """Run the command line: no traceback reaches the user unless --verbose."""
    try:
        app()
    except Exception as error:  # a traceback is a bug; report it plainly
        if _state["verbose"]:
            traceback.print_exc()
        err.print(
            f"[bold red]internal error:[/] {shown(f'{type(error).__name__}: {error}')}", markup=True
        )
        err.print(
            "[dim]This is a bug in tp; rerun with --verbose and report the traceback.[/]",
            markup=True,
        )
        sys.exit(EXIT_ERROR)
