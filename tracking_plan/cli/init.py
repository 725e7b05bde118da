"""tp init: write a starter plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import libraries
from ..output_files import STDIN
from ..starter import DEFAULT_LIBRARY, starter_plan
from ._app import app
from ._options import OUTPUT_RULE, ForceOption
from ._shared import fail, out, write, writing


@app.command("init")
def init_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Where to write the starter plan (- for standard output)." + OUTPUT_RULE
        ),
    ] = Path("tracking-plan.yaml"),
    name: Annotated[
        str | None, typer.Option("--name", help="Plan name (default: the current folder's name).")
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            "-i",
            help=f"Spec library to include (repeatable; default {DEFAULT_LIBRARY}).",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write a starter plan that includes a built-in spec library.

    On a terminal it asks for the plan name and library; otherwise it asks nothing.
    Example: tp init tracking-plan.yaml --name acme-web --include segment/ecommerce
    """
    from ..output_files import OutputBatch

    if str(path) != STDIN:
        with writing():  # before asking anything
            OutputBatch(force=force).check(path, label="PATH")
    default_name = Path.cwd().name.lower().replace(" ", "-") or "my-app"
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if name is None:
        name = typer.prompt("Plan name", default=default_name) if interactive else default_name
    if include is None:
        if interactive:
            out.print("Spec libraries: " + ", ".join(libraries.NAMES))
            answer = typer.prompt("Include (comma-separated, or 'none')", default=DEFAULT_LIBRARY)
            include = [] if answer.strip() == "none" else [a.strip() for a in answer.split(",")]
        else:
            include = [DEFAULT_LIBRARY]
    try:
        shown = "tracking-plan.yaml" if str(path) == STDIN else str(path)  # in its comment
        text = starter_plan(name=name, file=shown, include=tuple(include))
    except ValueError as error:
        fail(str(error))
    if write(path, text, owner="tp init", force=force):
        out.print(f"Wrote {path}. Next: tp compile {path} -o schemas/")
