"""tp codegen: a typed tracking client generated from a plan."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from ._app import app
from ._options import (
    OUTPUT_RULE,
    CheckOption,
    ForceOption,
    IncludeRootOption,
    NoCacheOption,
    PlanArg,
)
from ._shared import check_stale, fail, load, notes, out, require_folder, rerun, writing


class CodegenLanguage(enum.StrEnum):
    TYPESCRIPT = "typescript"
    PYTHON = "python"
    SWIFT = "swift"
    KOTLIN = "kotlin"


@app.command("codegen")
def codegen_command(
    plan_path: PlanArg,
    language: Annotated[
        CodegenLanguage,
        typer.Option("--lang", "-l", help="The client's language.", show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Folder for the generated files (its .tp-outputs.json lists the files tp "
            "wrote, so only those are replaced or pruned)." + OUTPUT_RULE,
            show_default=False,
        ),
    ],
    sdk: Annotated[
        str | None,
        typer.Option(
            "--sdk",
            help="The SDK the client calls: typescript: analytics-next (browser, the default) "
            "or analytics-node (server); python: segment-analytics-python; swift: "
            "analytics-swift; kotlin: analytics-kotlin.",
        ),
    ] = None,
    runtime_checks: Annotated[
        bool,
        typer.Option(
            "--runtime-checks",
            help="A development build: every call validates its payload against the compiled "
            "schema and reports violations to a handler the app can set (typescript, python).",
        ),
    ] = False,
    check: CheckOption = False,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Generate a typed tracking client from a plan: a function per event, typed payloads.

    Example: tp codegen plans/shop/plan.yaml --lang typescript -o src/analytics/
    """
    from ..codegen import CodegenError, CodegenOptions, generate
    from ..codegen.output import stale_files as stale_client_files
    from ..codegen.output import write_files

    plan = load(plan_path, include_root, no_cache=no_cache)
    require_folder(output)
    try:
        files = generate(plan, language.value, CodegenOptions(sdk, runtime_checks))
    except CodegenError as error:
        fail(str(error), hint="see tp codegen --help")
    if check:
        flags = [*(("--sdk", sdk) if sdk else ()), *(["--runtime-checks"] * runtime_checks)]
        check_stale(
            stale_client_files(files, output, plan, language.value),
            output,
            rerun(
                *("tp", "codegen", plan_path, "--lang", language.value, *flags, "-o", output),
                include_root=include_root,
            ),
            f"{len(files)} generated files in {output} are up to date.",
        )
        return
    with writing():
        result = write_files(files, output, plan, language.value, force=force)
    notes(result.notes)
    out.print(
        f"Generated a {language.value} client for {plan.name!r}: {len(files)} files in "
        f"{output}/, {len(result.changed)} changed."
    )
