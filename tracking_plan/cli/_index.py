"""What `tp --help` lists: the application's help, its global options and its commands, in the
order they are listed. Plain data, so that `tp --help` and `tp --version` answer without
importing typer or any command (see `_quick`); the commands' modules register the same names and
a test keeps the two equal."""

from __future__ import annotations

HELP = (
    "tracking-plan: tracking plans as code. Lint a YAML plan, compile it to JSON Schema, "
    "validate recorded or live events against it, generate typed clients from it, and move "
    "plans in and out of Segment Protocols."
)
EPILOG = (
    "Examples:  tp init tracking-plan.yaml  |  tp lint plan.yaml  |  tp validate plan.yaml "
    "events.jsonl  |  tp serve plan.yaml  |  tp codegen plan.yaml --lang typescript -o "
    "src/analytics/  |  tp compile plan.yaml -o schemas/  |  tp import segment plan.json -o "
    "plan.yaml"
)
IMPORT_HELP = "Convert a plan from another tool into tracking-plan YAML."
CAPTURES_HELP = "Read what tp serve captured: export the messages, check them for violations."
VERBOSE_HELP = "Show tracebacks of internal errors."
VERSION_HELP = "Print the version."

# (long option, short option, help) as typer lists the global options
OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--verbose", "-v", VERBOSE_HELP),
    ("--version", "", VERSION_HELP),
    ("--help", "-h", "Show this message and exit."),
)

# command -> the first paragraph of its help, in the order `tp --help` lists them
COMMANDS: dict[str, str] = {
    "compile": "Compile a plan to JSON Schema (deterministic files usable by any validator).",
    "codegen": "Generate a typed tracking client from a plan: a function per event, typed "
    "payloads.",
    "lint": "Check plans for naming drift, duplicates, type conflicts, missing docs and more.",
    "diff": "Show what a plan change breaks, for the apps that send and the people who read.",
    "validate": "Check recorded events against the plan: violations, naming drift, type drift.",
    "serve": "Run a local Segment collector that validates live traffic against the plan.",
    "rules": "List every code: the lint rules (TP), then the EV, EN and DR codes of tp validate.",
    "rule": "Explain one rule or code: what it reports, why it matters, an example and the fix.",
    "init": "Write a starter plan that includes a built-in spec library.",
    "libraries": "List the built-in spec libraries a plan can include, or the events of one.",
    "import": IMPORT_HELP,
    "captures": CAPTURES_HELP,
}
