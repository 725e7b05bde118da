"""tp serve: a local Segment collector that validates live traffic."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ._app import app
from ._options import IncludeRootOption, NoCacheOption, PlanArg
from ._shared import fail, load


@app.command("serve")
def serve_command(
    plan_path: PlanArg,
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port", "-p", min=0, max=65535, help="The port; 0 picks a free one and prints it."
        ),
    ] = 8642,
    db: Annotated[
        Path,
        typer.Option("--db", help="The SQLite capture store (kept across restarts)."),
    ] = Path("tp-captures.sqlite"),
    write_key: Annotated[
        str | None,
        typer.Option(
            "--write-key",
            help="Accept only this write key (others get 401); default: any. Reading or"
            " resetting the captures then needs it too.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="<host>",
            help="Also answer /tp/... requests addressed to this host name (NAME or"
            " NAME:PORT; repeatable). Collecting answers any name.",
            show_default=False,
        ),
    ] = None,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout", min=0.1, help="Seconds a client may take to send a request head."
        ),
    ] = 10.0,
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout", min=0.1, help="Seconds a client may take to send a request body."
        ),
    ] = 30.0,
    max_connections: Annotated[
        int | None,
        typer.Option(
            "--max-connections",
            min=1,
            help="Connections open at once, at most (default 256, fewer when ulimit -n is low).",
            show_default=False,
        ),
    ] = None,
    forward: Annotated[
        str | None,
        typer.Option(
            "--forward",
            help="Also relay accepted requests, unchanged, to this collector "
            "(e.g. https://api.segment.io).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No live view and no line per violation.")
    ] = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Run a local Segment collector that validates live traffic against the plan.

    Point an SDK at it: it takes Segment's HTTP Tracking API (/v1/track, /v1/batch, ...),
    stores each message with its findings in --db, then answers as Segment does.
    Read them back: GET /tp/summary, /tp/events, /tp/violations; POST /tp/reset clears them
    (only from this machine, not from web pages).
    Example: tp serve plans/shop/plan.yaml --port 0
    """
    from ..cache import Cache
    from ..cache.tables import remembered_tables
    from ..serve import ConnectionLimits, ServeError, ServeOptions, serve

    plan = load(plan_path, include_root, no_cache=no_cache)
    options = ServeOptions(
        host=host,
        port=port,
        db=db,
        write_key=write_key,
        allowed_hosts=tuple(allow_host or ()),
        forward=forward,
        quiet=quiet,
        live=sys.stdout.isatty(),
        limits=ConnectionLimits(
            header_seconds=header_timeout,
            body_seconds=body_timeout,
            max_connections=max_connections,
        ),
    )
    try:
        with remembered_tables(Cache.default(enabled=not no_cache), plan_path, "serve"):
            serve(plan, options)
    except ServeError as error:
        fail(str(error))
