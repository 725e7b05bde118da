"""The `tp` command: parses arguments, calls the library, maps results to exit codes.

Exit codes: 0 clean, 1 findings (e.g. stale files under --check), 2 usage, config or input errors.
"""

from __future__ import annotations

import contextlib
import enum
import json
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.table import Table

from . import __version__, libraries
from .compiler import compile_plan, dumps, stale_files, write_schemas
from .diagnostics import Diagnostic, Severity
from .loader import read_plan
from .model import Plan
from .reporters import get_reporter
from .reporters.text import make_console
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
out = make_console(sys.stdout)
err = make_console(sys.stderr)


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
    err.print(f"[bold red]error:[/] {message}")
    if hint:
        err.print(f"[dim]hint:[/] {hint}")
    raise typer.Exit(EXIT_ERROR)


def _report_to_stderr(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        get_reporter("text").report(diagnostics, sys.stderr)


def _load(plan_path: Path) -> Plan:
    """Load a plan or exit 2 after reporting every problem found in it."""
    result = read_plan(plan_path)
    if result.plan is None:
        _report_to_stderr(result.diagnostics)
        err.print(f"[bold red]error:[/] cannot load plan {plan_path}")
        raise typer.Exit(EXIT_ERROR)
    _report_to_stderr(result.diagnostics)
    return result.plan


PlanArg = Annotated[
    Path,
    typer.Argument(
        help="The plan YAML file (its includes are followed).",
        show_default=False,
        metavar="PLAN",
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
            help="Folder for the JSON Schemas; with --format segment, the JSON file to write "
            "(standard output when omitted).",
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
) -> None:
    """Compile a plan to JSON Schema (deterministic files usable by any validator).

    Example: tp compile plans/shop/plan.yaml -o schemas/
    """
    plan = _load(plan_path)
    if output_format is CompileFormat.SEGMENT:
        _compile_segment(plan, output, check)
        return
    if output is None:
        _fail(
            "--output/-o is required with --format jsonschema", hint="tp compile PLAN -o schemas/"
        )
    if output.exists() and not output.is_dir():
        _fail(f"{output} exists and is not a folder", hint="pass a folder to -o")
    compiled = compile_plan(plan, draft=draft.value)
    if check:
        _check_stale(
            stale_files(compiled, output),
            output,
            f"tp compile {plan_path} -o {output}",
            f"{len(compiled.schemas)} schemas in {output} are up to date.",
        )
        return
    changed = write_schemas(compiled, output)
    out.print(
        f"Compiled {plan.name!r}: {len(compiled.schemas)} schemas (draft {compiled.draft}) "
        f"in {output}/, {len(changed)} changed."
    )


def _check_stale(stale: list[str], output: Path, rerun: str, fresh: str) -> None:
    """`--check`: list the stale files and exit 1 with the command that updates them."""
    for path in stale:
        out.print(f"stale: {output / path}")
    if stale:
        out.print(f"{len(stale)} file(s) out of date; run: {rerun}")
        raise typer.Exit(EXIT_FINDINGS)
    out.print(fresh)


def _compile_segment(plan: Plan, output: Path | None, check: bool) -> None:
    from .segment import export_plan

    text = dumps(export_plan(plan))
    if output is None:
        if check:
            _fail("--check needs --output/-o with the file to compare against")
        sys.stdout.write(text)
        return
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            out.print(f"stale: {output}")
            raise typer.Exit(EXIT_FINDINGS)
        out.print(f"{output} is up to date.")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
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
            "--output", "-o", help="The YAML plan to write (standard output when omitted)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing output file.")
    ] = False,
) -> None:
    """Convert a Segment Protocols tracking plan into tracking-plan YAML.

    Example: tp import segment tracking-plan.json -o plan.yaml
    """
    from .segment import import_segment

    name = "stdin" if str(source) == "-" else str(source)
    try:
        raw = sys.stdin.read() if str(source) == "-" else source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {name}: {error}")
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as error:
        _fail(
            f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}",
            hint="export the plan from Segment as JSON (Public API or Typewriter plan.json)",
        )
    if output is not None and output.exists() and not force:
        _fail(f"{output} already exists", hint="use --force to overwrite it")
    result = import_segment(data, source=name)
    _report_to_stderr(result.diagnostics)
    if result.yaml_text is None:
        raise typer.Exit(EXIT_ERROR)
    if output is None:
        sys.stdout.write(result.yaml_text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.yaml_text, encoding="utf-8")
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
        typer.Option("--output", "-o", help="Folder for the generated files.", show_default=False),
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
) -> None:
    """Generate a typed tracking client from a plan: a function per event, typed payloads.

    Example: tp codegen plans/shop/plan.yaml --lang typescript -o src/analytics/
    """
    from .codegen import CodegenError, CodegenOptions, generate
    from .codegen.output import stale_files as stale_client_files
    from .codegen.output import write_files

    plan = _load(plan_path)
    if output.exists() and not output.is_dir():
        _fail(f"{output} exists and is not a folder", hint="pass a folder to -o")
    try:
        files = generate(plan, language.value, CodegenOptions(sdk, runtime_checks))
    except CodegenError as error:
        _fail(str(error), hint="see tp codegen --help")
    if check:
        flags = f" --sdk {sdk}" if sdk else ""
        flags += " --runtime-checks" if runtime_checks else ""
        _check_stale(
            stale_client_files(files, output),
            output,
            f"tp codegen {plan_path} --lang {language.value}{flags} -o {output}",
            f"{len(files)} generated files in {output} are up to date.",
        )
        return
    changed = write_files(files, output)
    out.print(
        f"Generated a {language.value} client for {plan.name!r}: {len(files)} files in "
        f"{output}/, {len(changed)} changed."
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
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
) -> None:
    """Check plans for naming drift, duplicates, type conflicts, missing docs and more.

    Exit codes: 0 clean, 1 findings at or above --fail-on (default error), 2 a plan or the
    configuration cannot be read.
    Example: tp lint plans/shop/plan.yaml --format sarif -o tp.sarif
    """
    from .lint import ConfigError, find_config, lint_plan, load_config

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
        err.print("[bold red]error:[/] invalid lint configuration")
        raise typer.Exit(EXIT_ERROR) from None
    diagnostics: list[Diagnostic] = []
    unloadable = False
    for plan_path in plan_paths:
        result = read_plan(plan_path)
        diagnostics.extend(result.diagnostics)
        if result.plan is None:
            unloadable = True
            continue
        diagnostics.extend(lint_plan(result.plan, config))
    threshold = fail_on.severity if fail_on is not None else config.fail_on
    if output is not None:
        with output.open("w", encoding="utf-8") as stream:
            reporter.report(diagnostics, stream)
    else:
        reporter.report(diagnostics, sys.stdout)
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
        Path | None, typer.Option("--invalid-out", help="Write failing records here (JSONL).")
    ] = None,
    valid_out: Annotated[
        Path | None, typer.Option("--valid-out", help="Write passing records here (JSONL).")
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
    for target in (invalid_out, valid_out):
        if target is not None:
            try:
                target.open("wb").close()
            except OSError as error:
                _fail(f"cannot write {target}: {error.strerror or error}")
    plan = _load(plan_path)
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
        )
        with _progress(output_format == "text") as advance:
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
            "--write-key", help="Accept only this write key (others get 401); default: any."
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
) -> None:
    """Run a local Segment collector that validates live traffic against the plan.

    Point an SDK at it: it takes Segment's HTTP Tracking API (/v1/track, /v1/batch, ...),
    stores each message with its findings in --db, then answers as Segment does.
    Read them back: GET /tp/summary, /tp/events, /tp/violations; POST /tp/reset clears them.
    Example: tp serve plans/shop/plan.yaml --port 0
    """
    from .serve import ServeError, ServeOptions, serve

    plan = _load(plan_path)
    options = ServeOptions(
        host=host,
        port=port,
        db=db,
        write_key=write_key,
        forward=forward,
        quiet=quiet,
        live=sys.stdout.isatty(),
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
        str, typer.Option("--output", "-o", help="The JSON Lines file to write; - for stdout.")
    ] = "-",
) -> None:
    """Write the captured messages as JSON Lines, in arrival order (tp validate reads them).

    Example: tp captures export -o captured.jsonl && tp validate plan.yaml captured.jsonl
    """
    from .serve import StoreError, export_messages

    try:
        if output == "-":
            count = export_messages(db, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            with open(output, "wb") as stream:
                count = export_messages(db, stream)
    except StoreError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    (err if output == "-" else out).print(f"Exported {_count(count, 'message')} from {db}.")


@captures_app.command("check")
def captures_check_command(
    url: Annotated[
        str, typer.Option("--url", help="The address of the running tp serve.")
    ] = "http://127.0.0.1:8642",
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a violation is at least this severe."),
    ] = FailOn.ERROR,
) -> None:
    """Ask a running tp serve whether the events it captured broke the plan.

    Exit codes: 0 no violation at or above --fail-on, 1 violations, 2 the server cannot be
    reached.
    Example: tp captures check --url http://127.0.0.1:8642 --fail-on warning
    """
    from .serve import Unreachable, check_captures

    try:
        result = check_captures(url, fail_on.severity)
    except Unreachable as error:
        _fail(str(error))
    out.print(
        f"{_count(result.events, 'event')} captured at {url}: {result.valid:,} valid,"
        f" {result.invalid:,} invalid.",
        markup=False,
        highlight=False,
    )
    for violation in result.failing[:_SHOWN_VIOLATIONS]:
        out.print(f"  {violation}", markup=False, highlight=False)
    if len(result.failing) > _SHOWN_VIOLATIONS:
        out.print(f"  ... and {len(result.failing) - _SHOWN_VIOLATIONS:,} more")
    if not result.failing:
        out.print(f"No violations at or above {fail_on.value}.")
        return
    codes = ", ".join(f"{code} x{count}" for code, count in sorted(result.counts().items()))
    out.print(f"{_count(len(result.failing), 'violation')} at or above {fail_on.value} ({codes}).")
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
        typer.Option("--format", "-f", help="text, json, or markdown (every rule's full text)."),
    ] = "text",
) -> None:
    """List every rule: code, slug, default severity, and what it checks.

    Example: tp rules --format markdown > docs/rules.md
    """
    from .lint import RULES, load_config
    from .lint.docs import rules_markdown

    enabled = set(load_config().enabled())
    if output_format == "markdown":
        sys.stdout.write(rules_markdown(enabled))
        return
    if output_format not in ("text", "json"):
        _fail(f"unknown format {output_format!r} (choose from text, json, markdown)")
    if output_format == "json":
        rows = [
            {
                "code": r.code,
                "slug": r.slug,
                "summary": r.summary,
                "default_severity": r.default_severity.label,
                "phase": r.phase,
                "recommended": r.code in enabled,
            }
            for r in RULES
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("code", "slug", "severity", "in", "summary", box=None)
    for rule in RULES:
        where = {"load": "loader", "import": "import", "config": "config"}.get(rule.phase)
        preset = where or ("recommended" if rule.code in enabled else "strict/all")
        table.add_row(rule.code, rule.slug, rule.default_severity.label, preset, rule.summary)
    out.print(table)
    out.print("Explain one with: tp rule CODE")


@app.command("rule")
def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code (TP101) or slug.", show_default=False)],
) -> None:
    """Explain one rule: what it does, why it matters, an example and the fix.

    Example: tp rule TP101
    """
    from .lint import rule_class

    try:
        rule = rule_class(code)
    except KeyError:
        _fail(f"no rule {code!r}", hint="run `tp rules` to list them")
    out.print(f"[bold]{rule.code} {rule.slug}[/] (default severity: {rule.default_severity.label})")
    out.print()
    out.print(rule.documentation(), markup=False)
    fields = rule.option_fields()
    if fields:
        out.print()
        out.print("## Options")
        for field in fields:
            out.print(f"  {field.name} (default {field.default!r})", markup=False)


@app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the starter plan.")] = Path(
        "tracking-plan.yaml"
    ),
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
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter plan that includes a built-in spec library.

    On a terminal it asks for the plan name and library; otherwise it asks nothing.
    Example: tp init tracking-plan.yaml --name acme-web --include segment/ecommerce
    """
    if path.exists() and not force:
        _fail(f"{path} already exists", hint="use --force to overwrite it, or pick another path")
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
        text = starter_plan(name=name, file=str(path), include=tuple(include))
    except ValueError as error:
        _fail(str(error))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
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
        err.print(f"[bold red]internal error:[/] {type(error).__name__}: {error}")
        err.print("[dim]This is a bug in tp; rerun with --verbose and report the traceback.[/]")
        sys.exit(EXIT_ERROR)
