"""What every command shares: the consoles, exit codes, loading a plan, writing an output, and
the error, note and --check messages."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import typer

from ..output_files.identity import STDIN

if TYPE_CHECKING:
    from rich.console import Console

    from ..diagnostics import Diagnostic
    from ..model import Plan
    from ..output_files import Change

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class LazyConsole:
    """A rich console made on first use: rich takes longer to import than most commands take
    to run, and many runs print nothing through it."""

    def __init__(self, stream: Callable[[], TextIO]) -> None:
        self._stream = stream
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from ..reporters.console import make_console

            self._console = make_console(self._stream(), markup=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


# Messages quote paths, plan names and errors: printed as written unless a call asks for markup,
# and then with that text `shown`.
out = LazyConsole(lambda: sys.stdout)
err = LazyConsole(lambda: sys.stderr)


def shown(text: object) -> str:
    """Plan or dump text for console markup (see `reporters.console.shown`)."""
    from ..reporters.console import shown as markup_safe

    return markup_safe(text)


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    err.print(f"[bold red]error:[/] {shown(message)}", markup=True)
    if hint:
        err.print(f"[dim]hint:[/] {shown(hint)}", markup=True)
    raise typer.Exit(EXIT_ERROR)


def report_to_stderr(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        from ..reporters import get_reporter

        get_reporter("text").report(diagnostics, sys.stderr)


def load(plan_path: Path, include_roots: list[Path] | None, *, no_cache: bool = False) -> Plan:
    """Load a plan (from the cache unless `no_cache`) or exit 2 after reporting every problem
    found in it."""
    from ..cache import Cache
    from ..cache.plans import read_plan

    cache = Cache.default(enabled=not no_cache)
    result = read_plan(plan_path, include_roots=include_roots or (), cache=cache)
    if result.plan is None:
        report_to_stderr(result.diagnostics)
        err.print(f"[bold red]error:[/] cannot load plan {shown(plan_path)}", markup=True)
        raise typer.Exit(EXIT_ERROR)
    report_to_stderr(result.diagnostics)
    return result.plan


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Exit 2 with the reason when an output may not or cannot be written (see output_files)."""
    from ..output_files import OutputError

    try:
        yield
    except OutputError as error:  # it names paths: no markup
        fail(error.message, hint=error.hint)


def write(
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
    from ..output_files import write_file

    with writing():
        notes(write_file(path, text.encode(), label="-o", owner=owner, inputs=inputs, force=force))
    return True


def notes(notes: list[str]) -> None:
    for note in notes:
        err.print(f"[dim]note:[/] {shown(note)}", markup=True)


def rerun(*words: object, include_root: list[Path] | None) -> str:
    """The command line that redoes a run, quoted for a POSIX shell."""
    roots = [w for root in include_root or () for w in ("--include-root", root)]
    return shlex.join(str(word) for word in (*words, *roots))


def require_folder(output: Path) -> None:
    if str(output) == STDIN or (output.exists() and not output.is_dir()):
        fail(f"{output} is not a folder", hint="pass a folder to -o")


def check_stale(stale: list[Change], output: Path, rerun: str, fresh: str) -> None:
    """`--check`: list the stale files and exit 1 with the command that updates them."""
    for change in stale:
        out.print(f"stale: {output / change.path} ({change.reason})", markup=False)
    if stale:
        out.print(f"{len(stale)} file(s) out of date; run: {rerun}", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    out.print(fresh, markup=False)


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@contextlib.contextmanager
def progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A record counter on standard error when it is a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
    ) as progress:
        task = progress.add_task("validating", total=None)
        yield lambda count: progress.advance(task, count)
