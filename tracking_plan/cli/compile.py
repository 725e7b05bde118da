"""tp compile: a plan to JSON Schema files, or to a Segment tracking-plan JSON."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..output_files.identity import STDIN
from ._app import app
from ._options import (
    OUTPUT_RULE,
    CheckOption,
    ForceOption,
    IncludeRootOption,
    NoCacheOption,
    PlanArg,
)

if TYPE_CHECKING:
    from ..model import Plan

from ._shared import (
    EXIT_FINDINGS,
    check_stale,
    fail,
    load,
    notes,
    out,
    require_folder,
    rerun,
    write,
    writing,
)


class Draft(enum.StrEnum):
    D2020_12 = "2020-12"
    D7 = "7"


class CompileFormat(enum.StrEnum):
    JSONSCHEMA = "jsonschema"
    SEGMENT = "segment"


@app.command("compile")
def compile_command(
    plan_path: PlanArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for the JSON Schemas (its .tp-outputs.json lists the files tp wrote, "
            "so only those are replaced or pruned); with --format segment, the JSON file to "
            "write (standard output when omitted or -)." + OUTPUT_RULE,
        ),
    ] = None,
    draft: Annotated[
        Draft, typer.Option("--draft", help="JSON Schema draft: 2020-12, or 7 for draft-07 tools.")
    ] = Draft.D2020_12,
    output_format: Annotated[
        CompileFormat,
        typer.Option(
            "--format",
            help="jsonschema: one schema per definition plus bundle.schema.json; "
            "segment: a Segment Protocols tracking-plan JSON.",
        ),
    ] = CompileFormat.JSONSCHEMA,
    check: CheckOption = False,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Compile a plan to JSON Schema (deterministic files usable by any validator).

    Example: tp compile plans/shop/plan.yaml -o schemas/
    """
    from ..compiler import compile_plan, stale_files, write_schemas

    plan = load(plan_path, include_root, no_cache=no_cache)
    if output_format is CompileFormat.SEGMENT:
        _compile_segment(plan, output, check, force)
        return
    if output is None:
        fail("--output/-o is required with --format jsonschema", hint="tp compile PLAN -o schemas/")
    require_folder(output)
    compiled = compile_plan(plan, draft=draft.value)
    if check:
        flags = () if draft is Draft.D2020_12 else ("--draft", draft.value)
        check_stale(
            stale_files(compiled, output, plan),
            output,
            rerun("tp", "compile", plan_path, *flags, "-o", output, include_root=include_root),
            f"{len(compiled.schemas)} schemas in {output} are up to date.",
        )
        return
    with writing():
        result = write_schemas(compiled, output, plan, force=force)
    notes(result.notes)
    out.print(
        f"Compiled {plan.name!r}: {len(compiled.schemas)} schemas (draft {compiled.draft}) "
        f"in {output}/, {len(result.changed)} changed."
    )


def _compile_segment(plan: Plan, output: Path | None, check: bool, force: bool) -> None:
    from ..compiler import dumps
    from ..segment import export_plan

    text = dumps(export_plan(plan))
    if check:
        if output is None or str(output) == STDIN:
            fail("--check needs --output/-o with the file to compare against")
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            out.print(f"stale: {output}")
            raise typer.Exit(EXIT_FINDINGS)
        out.print(f"{output} is up to date.")
        return
    if write(output, text, owner="tp compile --format segment", force=force, inputs=plan.files):
        out.print(f"Wrote Segment tracking plan for {plan.name!r} to {output}.")
