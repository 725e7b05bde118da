"""tp import segment: a Segment Protocols tracking plan to tracking-plan YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import import_app
from ._options import OUTPUT_RULE, ForceOption
from ._shared import EXIT_ERROR, fail, out, report_to_stderr, write


@import_app.command("segment")
def import_segment_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="A Segment tracking-plan JSON (Public API rules, Config API, or Typewriter "
            "plan.json); - for standard input.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The YAML plan to write (standard output when omitted or -)." + OUTPUT_RULE,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Convert a Segment Protocols tracking plan into tracking-plan YAML.

    Example: tp import segment tracking-plan.json -o plan.yaml
    """
    from ..loader.source_file import MAX_IMPORT_BYTES, SourceError, read_input
    from ..segment import import_segment_text

    name = "stdin" if str(source) == "-" else str(source)
    try:
        raw = read_input(str(source), limit=MAX_IMPORT_BYTES)
    except SourceError as error:
        fail(f"cannot read {name}: {error.reason}")
    result = import_segment_text(raw, source=name)
    report_to_stderr(result.diagnostics)
    if result.yaml_text is None:
        raise typer.Exit(EXIT_ERROR)
    if write(output, result.yaml_text, owner="tp import segment", force=force, inputs=(source,)):
        out.print(f"Wrote {output}; check it with: tp compile {output} -o schemas/")
