"""The `tp` application, its sub-command groups and global options, and the entry point."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from .. import __version__
from ..reporters.text import shown
from ._shared import EXIT_ERROR, err, out

app = typer.Typer(
    name="tp",
    help="tracking-plan: tracking plans as code. Lint a YAML plan, compile it to JSON Schema, "
    "validate recorded or live events against it, generate typed clients from it, and move "
    "plans in and out of Segment Protocols.",
    epilog="Examples:  tp init tracking-plan.yaml  |  tp lint plan.yaml  |  tp validate plan.yaml "
    "events.jsonl  |  tp serve plan.yaml  |  tp codegen plan.yaml --lang typescript -o "
    "src/analytics/  |  tp compile plan.yaml -o schemas/  |  tp import segment plan.json -o "
    "plan.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
import_app = typer.Typer(help="Convert a plan from another tool into tracking-plan YAML.")
app.add_typer(import_app, name="import")
captures_app = typer.Typer(
    help="Read what tp serve captured: export the messages, check them for violations."
)
app.add_typer(captures_app, name="captures")

_state = {"verbose": False}


def _version(value: bool) -> None:
    if value:
        out.print(f"tp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    _state["verbose"] = verbose


def main() -> None:
    """Console-script entry point: no traceback reaches the user unless --verbose."""
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
