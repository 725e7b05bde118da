"""tp libraries: the built-in spec libraries and their events."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import libraries
from ._app import app
from ._shared import fail, out


@app.command("libraries")
def libraries_command(
    name: Annotated[
        str | None, typer.Argument(help="Show the events of this library.", show_default=False)
    ] = None,
) -> None:
    """List the built-in spec libraries a plan can include, or the events of one.

    Example: tp libraries segment/mobile
    """
    from rich.table import Table

    from ..loader.assemble import library_events

    if name is None:
        table = Table("library", "events", "first events", box=None)
        for lib in libraries.NAMES:
            events = library_events(lib)
            preview = ", ".join(list(events)[:4]) + (", ..." if len(events) > 4 else "")
            table.add_row(lib, str(len(events)), preview)
        out.print(table)
        return
    if name not in libraries.NAMES:
        fail(f"unknown spec library {name!r}", hint="run `tp libraries` to list them")
    table = Table("event", "properties", "description", box=None)
    for event, spec in library_events(name).items():
        table.add_row(event, ", ".join(spec.get("properties", {})), spec.get("description", ""))
    out.print(table)
