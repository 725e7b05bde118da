"""The `tp` command: parses arguments, calls the library, maps results to exit codes.

Exit codes: 0 clean, 1 findings (e.g. stale files under --check), 2 usage, config or input errors.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import shlex
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.table import Table

from . import __version__, libraries
from .compiler import compile_plan, dumps, stale_files, write_schemas
from .diagnostics import Diagnostic, Severity
from .loader import read_plan
from .model import Plan
from .output_files import STDIN, Change, OutputBatch, OutputError, write_file
from .printable import printable
from .reporters import get_reporter
from .reporters.text import make_console, shown
from .starter import DEFAULT_LIBRARY, starter_plan

if TYPE_CHECKING:
    from .validate import ValidationReport

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SHOWN_VIOLATIONS = 20  # by tp captures check

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
# Messages quote paths, plan names and errors: printed as written unless a call asks for markup,
# and then with that text `shown`.
out = make_console(sys.stdout, markup=False)
err = make_console(sys.stderr, markup=False)


class Draft(enum.StrEnum):
    D2020_12 = "2020-12"
    D7 = "7"


class FailOn(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def severity(self) -> Severity:
        return Severity.parse(self.value)


class CompileFormat(enum.StrEnum):
    JSONSCHEMA = "jsonschema"
    SEGMENT = "segment"


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


def _fail(message: str, *, hint: str | None = None) -> NoReturn:
    err.print(f"[bold red]error:[/] {shown(message)}", markup=True)
    if hint:
        err.print(f"[dim]hint:[/] {shown(hint)}", markup=True)
    raise typer.Exit(EXIT_ERROR)


def _report_to_stderr(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        get_reporter("text").report(diagnostics, sys.stderr)


def _load(plan_path: Path, include_roots: list[Path] | None) -> Plan:
    """Load a plan or exit 2 after reporting every problem found in it."""
    result = read_plan(plan_path, include_roots=include_roots or ())
    if result.plan is None:
        _report_to_stderr(result.diagnostics)
        err.print(f"[bold red]error:[/] cannot load plan {shown(plan_path)}", markup=True)
        raise typer.Exit(EXIT_ERROR)
    _report_to_stderr(result.diagnostics)
    return result.plan


@contextlib.contextmanager
def _writing() -> Iterator[None]:
    """Exit 2 with the reason when an output may not or cannot be written (see output_files)."""
    try:
        yield
    except OutputError as error:  # it names paths: no markup
        _fail(error.message, hint=error.hint)


def _write(
    path: Path | None,
    text: str,
    *,
    owner: str,
    force: bool,
    inputs: tuple[str | Path, ...] = (),
) -> bool:
    """Write an output file by the rules of `output_files`, or standard output for none or `-`.
    Whether a file was written."""
    if path is None or str(path) == STDIN:
        sys.stdout.write(text)
        return False
    with _writing():
        _notes(write_file(path, text.encode(), label="-o", owner=owner, inputs=inputs, force=force))
    return True


def _notes(notes: list[str]) -> None:
    for note in notes:
        err.print(f"[dim]note:[/] {shown(note)}", markup=True)


FORCE_HELP = (
    "Replace existing output files that tp did not write, or that were changed since it did. "
    "An input (the plan, an event file) is never overwritten."
)
ForceOption = Annotated[bool, typer.Option("--force", help=FORCE_HELP)]
_OUTPUT_RULE = " A file tp did not write is replaced only with --force."

PlanArg = Annotated[
    Path,
    typer.Argument(
        help="The plan YAML file (its includes are followed).",
        show_default=False,
        metavar="PLAN",
    ),
]
IncludeRootOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--include-root",
        help="Also allow `include:` files from this folder (repeatable); by default a plan "
        "includes only files inside its own folder.",
        exists=True,
        file_okay=False,
        show_default=False,
    ),
]


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
            "write (standard output when omitted or -)." + _OUTPUT_RULE,
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
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 when the files in the output are stale."
        ),
    ] = False,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
) -> None:
    """Compile a plan to JSON Schema (deterministic files usable by any validator).

    Example: tp compile plans/shop/plan.yaml -o schemas/
    """
    plan = _load(plan_path, include_root)
    if output_format is CompileFormat.SEGMENT:
        _compile_segment(plan, output, check, force)
        return
    if output is None:
        _fail(
            "--output/-o is required with --format jsonschema", hint="tp compile PLAN -o schemas/"
        )
    _require_folder(output)
    compiled = compile_plan(plan, draft=draft.value)
    if check:
        flags = () if draft is Draft.D2020_12 else ("--draft", draft.value)
        _check_stale(
            stale_files(compiled, output, plan),
            output,
            _rerun("tp", "compile", plan_path, *flags, "-o", output, include_root=include_root),
            f"{len(compiled.schemas)} schemas in {output} are up to date.",
        )
        return
    with _writing():
        result = write_schemas(compiled, output, plan, force=force)
    _notes(result.notes)
    out.print(
        f"Compiled {plan.name!r}: {len(compiled.schemas)} schemas (draft {compiled.draft}) "
        f"in {output}/, {len(result.changed)} changed."
    )


def _rerun(*words: object, include_root: list[Path] | None) -> str:
    """The command line that redoes a run, quoted for a POSIX shell."""
    roots = [w for root in include_root or () for w in ("--include-root", root)]
    return shlex.join(str(word) for word in (*words, *roots))


def _require_folder(output: Path) -> None:
    if str(output) == STDIN or (output.exists() and not output.is_dir()):
        _fail(f"{output} is not a folder", hint="pass a folder to -o")


def _check_stale(stale: list[Change], output: Path, rerun: str, fresh: str) -> None:
    """`--check`: list the stale files and exit 1 with the command that updates them."""
    for change in stale:
        out.print(f"stale: {output / change.path} ({change.reason})", markup=False)
    if stale:
        out.print(f"{len(stale)} file(s) out of date; run: {rerun}", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    out.print(fresh, markup=False)


def _compile_segment(plan: Plan, output: Path | None, check: bool, force: bool) -> None:
    from .segment import export_plan

    text = dumps(export_plan(plan))
    if check:
        if output is None or str(output) == STDIN:
            _fail("--check needs --output/-o with the file to compare against")
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            out.print(f"stale: {output}")
            raise typer.Exit(EXIT_FINDINGS)
        out.print(f"{output} is up to date.")
        return
    if _write(output, text, owner="tp compile --format segment", force=force, inputs=plan.files):
        out.print(f"Wrote Segment tracking plan for {plan.name!r} to {output}.")


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
            help="The YAML plan to write (standard output when omitted or -)." + _OUTPUT_RULE,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Convert a Segment Protocols tracking plan into tracking-plan YAML.

    Example: tp import segment tracking-plan.json -o plan.yaml
    """
    from .loader.source_file import MAX_IMPORT_BYTES, SourceError, read_input
    from .segment import import_segment_text

    name = "stdin" if str(source) == "-" else str(source)
    try:
        raw = read_input(str(source), limit=MAX_IMPORT_BYTES)
    except SourceError as error:
        _fail(f"cannot read {name}: {error.reason}")
    result = import_segment_text(raw, source=name)
    _report_to_stderr(result.diagnostics)
    if result.yaml_text is None:
        raise typer.Exit(EXIT_ERROR)
    if _write(output, result.yaml_text, owner="tp import segment", force=force, inputs=(source,)):
        out.print(f"Wrote {output}; check it with: tp compile {output} -o schemas/")


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output: text, json, jsonl, sarif, github, junit, or auto (github under GitHub "
        "Actions, else text).",
    ),
]


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
            "wrote, so only those are replaced or pruned)." + _OUTPUT_RULE,
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
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 when the files in the output are stale."
        ),
    ] = False,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
) -> None:
    """Generate a typed tracking client from a plan: a function per event, typed payloads.

    Example: tp codegen plans/shop/plan.yaml --lang typescript -o src/analytics/
    """
    from .codegen import CodegenError, CodegenOptions, generate
    from .codegen.output import stale_files as stale_client_files
    from .codegen.output import write_files

    plan = _load(plan_path, include_root)
    _require_folder(output)
    try:
        files = generate(plan, language.value, CodegenOptions(sdk, runtime_checks))
    except CodegenError as error:
        _fail(str(error), hint="see tp codegen --help")
    if check:
        flags = [*(("--sdk", sdk) if sdk else ()), *(["--runtime-checks"] * runtime_checks)]
        _check_stale(
            stale_client_files(files, output, plan, language.value),
            output,
            _rerun(
                *("tp", "codegen", plan_path, "--lang", language.value, *flags, "-o", output),
                include_root=include_root,
            ),
            f"{len(files)} generated files in {output} are up to date.",
        )
        return
    with _writing():
        result = write_files(files, output, plan, language.value, force=force)
    _notes(result.notes)
    out.print(
        f"Generated a {language.value} client for {plan.name!r}: {len(files)} files in "
        f"{output}/, {len(result.changed)} changed."
    )


@app.command("lint")
def lint_command(
    plan_paths: Annotated[
        list[Path], typer.Argument(help="Plan files to lint.", show_default=False)
    ],
    output_format: FormatOption = "auto",
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Configuration file (default: the nearest .tracking-plan.yaml or "
            "pyproject.toml [tool.tracking-plan]; else the recommended preset).",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Run only these rules (codes, prefixes or slugs)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Do not run these rules.")
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (standard output when omitted or -)."
            + _OUTPUT_RULE,
        ),
    ] = None,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
) -> None:
    """Check plans for naming drift, duplicates, type conflicts, missing docs and more.

    Exit codes: 0 clean, 1 findings at or above --fail-on (default error), 2 a plan or the
    configuration cannot be read.
    Example: tp lint plans/shop/plan.yaml --format sarif -o tp.sarif
    """
    from .lint.config import ConfigError, find_config, load_config
    from .lint.engine import lint_plan

    try:
        reporter = get_reporter(output_format)
    except ValueError as error:
        _fail(str(error))
    config_file = config_path or find_config(plan_paths[0] if plan_paths else Path.cwd())
    if config_path is not None and not config_path.is_file():
        _fail(f"configuration file {config_path} does not exist")
    try:
        config = load_config(
            _relative(config_file) if config_file else None,
            select=select or (),
            ignore=ignore or (),
        )
    except ConfigError as error:
        _report_to_stderr(error.diagnostics)
        err.print("[bold red]error:[/] invalid lint configuration", markup=True)
        raise typer.Exit(EXIT_ERROR) from None
    diagnostics: list[Diagnostic] = []
    read: list[str | Path] = [*plan_paths, *([config_file] if config_file else [])]
    unloadable = False
    for plan_path in plan_paths:
        result = read_plan(plan_path, include_roots=include_root or ())
        diagnostics.extend(result.diagnostics)
        if result.plan is None:
            unloadable = True
            continue
        read.extend(result.plan.files)
        diagnostics.extend(lint_plan(result.plan, config))
    threshold = fail_on.severity if fail_on is not None else config.fail_on
    if output is None or str(output) == STDIN:
        reporter.report(diagnostics, sys.stdout)
    else:
        report = io.StringIO()
        reporter.report(diagnostics, report)
        _write(output, report.getvalue(), owner="tp lint", force=force, inputs=tuple(read))
    if unloadable:
        raise typer.Exit(EXIT_ERROR)
    if any(d.severity >= threshold for d in diagnostics):
        raise typer.Exit(EXIT_FINDINGS)


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@app.command("validate")
def validate_command(
    plan_path: PlanArg,
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Event dumps: JSON Lines (.jsonl/.ndjson), a JSON array, a Segment batch "
            "payload, a browser capture (.har: Segment, Mixpanel and GA4 requests), gzip of any "
            "of these, or - for standard input.",
            show_default=False,
            metavar="INPUT...",
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, or jsonl (one finding per line).")
    ] = "text",
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
    ] = FailOn.ERROR,
    max_samples: Annotated[
        int, typer.Option("--max-samples", min=0, help="Sample records shown per violation.")
    ] = 3,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", help="Report only these events (repeatable; `page Home` for pages)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Drop findings with this code or prefix (repeatable)."),
    ] = None,
    invalid_out: Annotated[
        Path | None,
        typer.Option(
            "--invalid-out",
            help="Write failing records here (JSONL; never an input or the plan)." + _OUTPUT_RULE,
        ),
    ] = None,
    valid_out: Annotated[
        Path | None,
        typer.Option(
            "--valid-out",
            help="Write passing records here (JSONL; never an input or the plan)." + _OUTPUT_RULE,
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Processes for large plain JSONL files.")
    ] = 1,
    drift: Annotated[
        bool, typer.Option("--drift/--no-drift", help="Report drift across the whole input.")
    ] = True,
    dedupe_window: Annotated[
        int,
        typer.Option(
            "--dedupe-window",
            min=1,
            help="Find duplicate messageIds among this many recent messages.",
        ),
    ] = 100_000,
    force: ForceOption = False,
    include_root: IncludeRootOption = None,
) -> None:
    """Check recorded events against the plan: violations, naming drift, type drift.

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 the plan cannot be loaded.
    Example: tp validate plans/shop/plan.yaml plans/shop/sample-events.jsonl
    """
    from .reporters.validation import VALIDATION_REPORTERS
    from .validate import Outputs, ValidateOptions, validate_files
    from .validate.inputs import input_error

    render = VALIDATION_REPORTERS.get(output_format)
    if render is None:
        _fail(f"unknown format {output_format!r} (choose from {', '.join(VALIDATION_REPORTERS)})")
    for source in inputs:
        if (reason := input_error(source)) is not None:
            _fail(f"input {source} {reason}")
    for option, target in (("--invalid-out", invalid_out), ("--valid-out", valid_out)):
        if target is not None and str(target) == STDIN:
            _fail(
                f"{option} cannot be standard output (-): the report is written there",
                hint=f"give {option} a file path",
            )
    plan = _load(plan_path, include_root)
    options = ValidateOptions(
        max_samples=max_samples,
        only=frozenset(only) if only else None,
        ignore=tuple(ignore or ()),
        drift=drift,
        dedupe_window=dedupe_window,
    )
    with tempfile.TemporaryDirectory(prefix="tp-") as scratch:
        findings = str(Path(scratch) / "findings.jsonl") if output_format == "jsonl" else None
        outputs = Outputs(
            valid=str(valid_out) if valid_out else None,
            invalid=str(invalid_out) if invalid_out else None,
            findings=findings,
            force=force,
        )
        with _progress(output_format == "text") as advance, _writing():
            report = validate_files(
                plan, inputs, jobs=jobs, options=options, outputs=outputs, progress=advance
            )
        if findings is not None:
            with open(findings, encoding="utf-8") as streamed:
                shutil.copyfileobj(streamed, sys.stdout)
    render(report, sys.stdout)
    _note_browser_captures(report)
    worst = report.worst()
    if worst is not None and worst >= fail_on.severity:
        raise typer.Exit(EXIT_FINDINGS)


def _note_browser_captures(report: ValidationReport) -> None:
    """Say on standard error how much of each HAR file was analytics traffic."""
    for source, summary in report.stats.har.items():
        err.print(
            f"{source}: {summary.analytics_requests} analytics request(s) read, "
            f"{summary.skipped_requests} other request(s) skipped, "
            f"{summary.problems} not readable"
        )


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
) -> None:
    """Run a local Segment collector that validates live traffic against the plan.

    Point an SDK at it: it takes Segment's HTTP Tracking API (/v1/track, /v1/batch, ...),
    stores each message with its findings in --db, then answers as Segment does.
    Read them back: GET /tp/summary, /tp/events, /tp/violations; POST /tp/reset clears them
    (only from this machine, not from web pages).
    Example: tp serve plans/shop/plan.yaml --port 0
    """
    from .serve import ConnectionLimits, ServeError, ServeOptions, serve

    plan = _load(plan_path, include_root)
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
        serve(plan, options)
    except ServeError as error:
        _fail(str(error))


@captures_app.command("export")
def captures_export_command(
    db: Annotated[Path, typer.Option("--db", help="The capture store tp serve wrote.")] = Path(
        "tp-captures.sqlite"
    ),
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="The JSON Lines file to write; - for stdout. Never the store itself."
            + _OUTPUT_RULE,
        ),
    ] = "-",
    force: ForceOption = False,
) -> None:
    """Write the captured messages as JSON Lines, in arrival order (tp validate reads them).

    Example: tp captures export -o captured.jsonl && tp validate plan.yaml captured.jsonl
    """
    from .serve import StoreError, export_messages
    from .serve.export import export_to_file

    try:
        if output == STDIN:
            count = export_messages(db, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            with _writing():
                count = export_to_file(db, Path(output), force=force)
    except StoreError as error:
        _fail(str(error))
    (err if output == STDIN else out).print(f"Exported {_count(count, 'message')} from {db}.")


@captures_app.command("check")
def captures_check_command(
    url: Annotated[
        str, typer.Option("--url", help="The address of the running tp serve.")
    ] = "http://127.0.0.1:8642",
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a violation is at least this severe."),
    ] = FailOn.ERROR,
    write_key: Annotated[
        str | None,
        typer.Option("--write-key", help="The key the server was started with, if any."),
    ] = None,
) -> None:
    """Ask a running tp serve whether the events it captured broke the plan.

    Exit codes: 0 no violation at or above --fail-on, 1 violations, 2 the server cannot be
    reached.
    Example: tp captures check --url http://127.0.0.1:8642 --fail-on warning
    """
    from .serve import Unreachable, check_captures

    try:
        result = check_captures(url, fail_on.severity, write_key=write_key)
    except Unreachable as error:
        _fail(str(error))
    out.print(
        f"{_count(result.events, 'event')} captured at {url}: {result.valid:,} valid,"
        f" {result.invalid:,} invalid."
    )
    for violation in result.failing[:_SHOWN_VIOLATIONS]:
        out.print(f"  {printable(str(violation))}")  # one line, whatever the server sent
    if len(result.failing) > _SHOWN_VIOLATIONS:
        out.print(f"  ... and {len(result.failing) - _SHOWN_VIOLATIONS:,} more")
    if not result.failing:
        out.print(f"No violations at or above {fail_on.value}.")
        return
    codes = ", ".join(f"{code} x{count}" for code, count in sorted(result.counts().items()))
    out.print(
        printable(
            f"{_count(len(result.failing), 'violation')} at or above {fail_on.value} ({codes})."
        ),
        markup=False,
        highlight=False,
    )
    raise typer.Exit(EXIT_FINDINGS)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A record counter on standard error when it is a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("validating", total=None)
        yield lambda count: progress.advance(task, count)


@app.command("rules")
def rules_command(
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text, json, or markdown (every code's full text)."),
    ] = "text",
    family: Annotated[
        str | None,
        typer.Option(
            "--family",
            help="List only TP (lint and load), EV (event), EN (envelope) or DR (drift) codes"
            " (text and json; markdown is the whole reference).",
        ),
    ] = None,
) -> None:
    """List every code: lint rules (TP), then the EV, EN and DR codes of tp validate and tp
    serve, each with its slug, default severity, and what it reports.

    Example: tp rules --format markdown > docs/rules.md
    """
    from .codes import FAMILIES, Phase, catalogue
    from .codes.docs import codes_markdown
    from .lint.config import load_config

    enabled = set(load_config().enabled())
    if output_format == "markdown":
        sys.stdout.write(codes_markdown(enabled))
        return
    if output_format not in ("text", "json"):
        _fail(f"unknown format {output_format!r} (choose from text, json, markdown)")
    if family is not None and family.upper() not in FAMILIES:
        _fail(f"unknown family {family!r} (choose from {', '.join(FAMILIES)})")
    entries = [e for e in catalogue().values() if family is None or e.family == family.upper()]
    if output_format == "json":
        rows = [
            {
                "code": r.code,
                "slug": r.slug,
                "summary": r.summary,
                "default_severity": r.default_severity.label,
                "phase": r.phase.value,
                "recommended": r.code in enabled,
            }
            for r in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    listed_in = {
        Phase.LOAD: "loader",
        Phase.IMPORT: "import",
        Phase.CONFIG: "config",
        Phase.VALIDATE: "validate/serve",
        Phase.DRIFT: "validate",
        Phase.SERVE: "serve",
    }
    for prefix, title in FAMILIES.items():
        table = Table("code", "slug", "severity", "in", "summary", box=None)
        for rule in (e for e in entries if e.family == prefix):
            where = listed_in.get(rule.phase)
            preset = where or ("recommended" if rule.code in enabled else "strict/all")
            table.add_row(rule.code, rule.slug, rule.default_severity.label, preset, rule.summary)
        if table.row_count:
            out.print(title)
            out.print(table)
    out.print("Explain one with: tp rule CODE")


@app.command("rule")
def rule_command(
    code: Annotated[
        str, typer.Argument(help="A code (TP101, EV104) or its slug.", show_default=False)
    ],
) -> None:
    """Explain one rule or code: what it reports, why it matters, an example and the fix.

    Example: tp rule TP101, tp rule EV104
    """
    from .codes import UnknownCodeError, lookup

    try:
        rule = lookup(code)
    except UnknownCodeError:
        _fail(f"no rule {code!r}", hint="run `tp rules` to list them")
    out.print(
        f"[bold]{rule.code} {rule.slug}[/] (default severity: {rule.default_severity.label})",
        markup=True,
    )
    out.print()
    out.print(rule.documentation)
    if rule.options:
        out.print()
        out.print("## Options")
        for option in rule.options:
            out.print(f"  {option.name} (default {option.default!r})")


@app.command("init")
def init_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Where to write the starter plan (- for standard output)." + _OUTPUT_RULE
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
    if str(path) != STDIN:
        with _writing():  # before asking anything
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
        _fail(str(error))
    if _write(path, text, owner="tp init", force=force):
        out.print(f"Wrote {path}. Next: tp compile {path} -o schemas/")


@app.command("libraries")
def libraries_command(
    name: Annotated[
        str | None, typer.Argument(help="Show the events of this library.", show_default=False)
    ] = None,
) -> None:
    """List the built-in spec libraries a plan can include, or the events of one.

    Example: tp libraries segment/mobile
    """
    from .loader.assemble import library_events

    if name is None:
        table = Table("library", "events", "first events", box=None)
        for lib in libraries.NAMES:
            events = library_events(lib)
            preview = ", ".join(list(events)[:4]) + (", ..." if len(events) > 4 else "")
            table.add_row(lib, str(len(events)), preview)
        out.print(table)
        return
    if name not in libraries.NAMES:
        _fail(f"unknown spec library {name!r}", hint="run `tp libraries` to list them")
    table = Table("event", "properties", "description", box=None)
    for event, spec in library_events(name).items():
        table.add_row(event, ", ".join(spec.get("properties", {})), spec.get("description", ""))
    out.print(table)


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
