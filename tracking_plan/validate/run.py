"""Run a validation over input files, in one process or several, and build the report."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codes import diagnostic
from ..diagnostics import Diagnostic, Location, Severity
from ..model import Plan
from ..output_files import OutputBatch, OutputError, OutputStream
from .drift import drift_diagnostics
from .engine import INPUT_LABEL, EventValidator, RecordSink, ValidateOptions
from .explain import Finding
from .inputs import (
    Input,
    InputProblem,
    Record,
    lines_before,
    plain_lines,
    range_blocks,
    read_range,
    split_ranges,
)
from .native_run import NativeRun
from .records import one_line
from .stats import RunStats


@dataclass(slots=True, kw_only=True)
class Outputs:
    """Where records and per-record findings go: files, or None. The record files follow the
    rules of `output_files`: never an input or the plan, replaced only when tp wrote them (or
    with `force`), written whole or not at all."""

    valid: str | None = None
    invalid: str | None = None
    findings: str | None = None  # one JSON diagnostic per line
    force: bool = False


@dataclass(slots=True)
class ValidationReport:
    plan: Plan
    stats: RunStats
    drift: list[Diagnostic] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.stats.records

    @property
    def invalid(self) -> int:
        return self.stats.invalid

    def diagnostics(self) -> list[Diagnostic]:
        """One diagnostic per group of findings (with its count and samples), then drift."""
        result = []
        for group in sorted(
            self.stats.groups.values(), key=lambda g: (-g.severity, -g.count, g.code)
        ):
            first = group.example
            result.append(
                diagnostic(
                    group.code,
                    first.message,
                    severity=group.severity,
                    location=Location(
                        file=first.file, line=first.line, pointer=group.pointer or None
                    ),
                    suggestion=group.suggestion,
                    data={
                        "definition": group.definition,
                        "count": group.count,
                        "samples": [
                            {"file": s.file, "line": s.line, "message": s.message}
                            for s in group.samples
                        ],
                    },
                )
            )
        return result + self.drift

    def worst(self) -> Severity | None:
        severities = [d.severity for d in self.diagnostics()]
        return max(severities) if severities else None


def finding_diagnostic(record: Record, finding: Finding, definition: str) -> Diagnostic:
    return diagnostic(
        finding.code,
        finding.message,
        severity=finding.severity,
        location=Location(
            file=record.file, line=record.line or None, pointer=finding.pointer or None
        ),
        suggestion=finding.suggestion,
        data={"definition": definition, "record": record.index},
    )


class _Writers:
    """Opens the output files of one process and feeds them from the record sink. `shown`
    names the files errors are about (a temporary file stands for the output it becomes)."""

    def __init__(self, outputs: Outputs, shown: Mapping[str, str]) -> None:
        self.files: list[OutputStream] = []
        self.shown = shown
        self.valid = self._open(outputs.valid)
        self.invalid = self._open(outputs.invalid)
        self.findings = self._open(outputs.findings)

    def _open(self, path: str | None) -> OutputStream | None:
        if path is None:
            return None
        handle = OutputStream(path, self.shown.get(path, path))
        self.files.append(handle)
        return handle

    def sink(self) -> RecordSink | None:
        if not self.files:
            return None

        def write(record: Record, valid: bool, findings: list[Finding], definition: str) -> None:
            target = self.valid if valid else self.invalid
            if target is not None and definition != INPUT_LABEL:
                target.write(one_line(record.data) + b"\n")
            if self.findings is not None:
                for finding in findings:
                    text = json.dumps(
                        finding_diagnostic(record, finding, definition).to_dict(),
                        ensure_ascii=False,
                    )
                    self.findings.write(text.encode() + b"\n")

        return write

    def close(self) -> None:
        for handle in self.files:
            handle.close()


_LABELS = {"valid": "--valid-out", "invalid": "--invalid-out"}


def validate_files(
    plan: Plan,
    inputs: list[str],
    *,
    jobs: int = 1,
    options: ValidateOptions | None = None,
    outputs: Outputs | None = None,
    progress: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Validate every record of every input against `plan`. With `jobs` > 1, plain JSONL files
    are split into byte ranges validated by separate processes (others run in this one).
    Raises OutputError, before reading anything, when a record file may not be written (see
    `Outputs`), or when writing one fails; the files it would replace are then unchanged."""
    options = options or ValidateOptions()
    outputs = outputs or Outputs()
    with OutputBatch(inputs=[*inputs, *plan.files], force=outputs.force) as batch:
        staged = Outputs(findings=outputs.findings)
        shown: dict[str, str] = {}
        for name, label in _LABELS.items():
            target = getattr(outputs, name)
            if target is not None:
                temporary = str(batch.stage(Path(target), label=label, owner="tp validate"))
                setattr(staged, name, temporary)
                shown[temporary] = target
        tasks = _tasks(inputs, jobs, options.dedupe_window)
        if jobs > 1 and len(tasks) > 1:
            stats = _parallel(plan, tasks, jobs, options, staged, shown)
        else:
            stats, _lines = _run_tasks(plan, tasks, options, staged, progress, shown=shown)
    if options.only is not None:
        stats = stats.restricted(options.only)
    report = ValidationReport(plan, stats)
    if options.drift:
        drift = drift_diagnostics(plan, stats)
        if options.only is not None:
            drift = [d for d in drift if d.data.get("definition") in options.only]
        report.drift = [d for d in drift if not d.code.startswith(options.ignore or ("\0",))]
    return report


Task = tuple[str, int, int]  # (source, start, end); end -1: the whole input


def _tasks(inputs: list[str], jobs: int, window: int = 0) -> list[Task]:
    """What each process reads. Parts after the first read the messageIds of the `window`
    lines before them first (see `_worker`), which takes about a quarter of the time validating
    those lines takes (measured with bench/validate.py): the first part is longer by that."""
    tasks: list[Task] = []
    for source in inputs:
        if jobs > 1 and source != "-":
            ranges = split_ranges(source, jobs, lead_lines=window // 4)
            if len(ranges) > 1:
                tasks.extend((source, start, end) for start, end in ranges)
                continue
        tasks.append((source, 0, -1))
    return tasks


def _run_tasks(
    plan: Plan,
    tasks: list[Task],
    options: ValidateOptions,
    outputs: Outputs,
    progress: Callable[[int], None] | None = None,
    validator: EventValidator | None = None,
    count_lines: bool = True,
    shown: Mapping[str, str] | None = None,
) -> tuple[RunStats, int | None]:
    """Validate tasks in this process: the statistics, and the number of the last line the
    native scanner read (None without it). Without `count_lines`, a part of a file read by the
    native scanner numbers its lines from the part's start (see `_worker`)."""
    validator = validator or EventValidator(plan, options)
    # The scanner passes over valid records: not when they are to be written out.
    scanning = validator.native is not None and outputs.valid is None
    native = NativeRun(validator) if scanning else None
    writers = _Writers(outputs, shown or {})
    sink = writers.sink()
    try:
        for source, start, end in tasks:
            if end >= 0:  # a part of a plain JSON Lines file
                if native is not None:
                    part = range_blocks(source, start, end, count_lines=count_lines)
                    native.run_blocks(
                        part, source, index_is_line=True, progress=progress, sink=sink
                    )
                else:
                    validator.run(_counting(read_range(source, start, end), progress), sink)
                continue
            with Input(source) as opened:
                if native is not None:
                    native.run_blocks(
                        opened.blocks(),
                        opened.name,
                        index_is_line=False,
                        progress=progress,
                        sink=sink,
                    )
                else:
                    validator.run(_counting(opened.records(), progress), sink)
            if opened.har is not None:
                validator.stats.har[opened.name] = opened.har
    finally:
        writers.close()
    if native is None:
        return validator.finish(), None
    return native.finish(), native.lines_read


def _counting(
    items: Iterator[Record | InputProblem], progress: Callable[[int], None] | None
) -> Iterator[Record | InputProblem]:
    """`items`, telling `progress` of every 10,000 (no extra step per item without one)."""
    return items if progress is None else _counted(items, progress)


def _counted(
    items: Iterator[Record | InputProblem], progress: Callable[[int], None]
) -> Iterator[Record | InputProblem]:
    for count, item in enumerate(items, 1):
        if count % 10_000 == 0:
            progress(10_000)
        yield item


def _worker(
    args: tuple[Plan, Task, list[str], ValidateOptions, Outputs],
    validator: EventValidator | None = None,
) -> tuple[RunStats, int | None]:
    """One part of the input. Its validator first reads the messageIds of the records before
    the part (in its file, then in `files_before`), so that duplicates across the cut are found
    as in one pass. Returns the statistics and, when their line numbers count from the part's
    start (to spare counting the lines before it), the number of lines of the part."""
    plan, task, files_before, options, outputs = args
    validator = validator or EventValidator(plan, options)
    for lines in _preceding_lines(task, files_before, options.dedupe_window):
        validator.message_ids.prime(lines)
    # Findings written out name their lines: those have to be counted from the file's start.
    relative = outputs.findings is None
    stats, lines_read = _run_tasks(
        plan, [task], options, outputs, validator=validator, count_lines=not relative
    )
    return stats, lines_read if relative else None


def _preceding_lines(task: Task, files_before: list[str], count: int) -> list[memoryview]:
    """Up to `count` lines before a task's part, oldest first: the lines of its own file before
    it, then the ends of the plain JSON Lines files before it."""
    source, start, _end = task
    blocks: list[memoryview] = []
    needed = count
    if start > 0:
        block, lines = lines_before(source, start, needed)
        blocks.append(block)
        needed -= lines
    for path in reversed(files_before):
        if needed <= 0 or not plain_lines(path):
            break
        block, lines = lines_before(path, os.path.getsize(path), needed)
        blocks.append(block)
        needed -= lines
    return blocks[::-1]


Work = tuple[Plan, Task, list[str], ValidateOptions, Outputs]


def _forked(work: list[Work], validator: EventValidator) -> list[tuple[RunStats, int | None]]:
    """One process per part, forked from this one once its validator is built (so the parts
    share the set-up), this process reading the first part itself."""
    import multiprocessing  # only for --jobs: it costs a one-job run's start

    context = multiprocessing.get_context("fork")
    children = []
    for item in work[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(item, validator, send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    results = [_worker(work[0], validator)]
    for child, receive in children:
        try:
            outcome = receive.recv()
        except EOFError:
            outcome = None
        child.join()
        if isinstance(outcome, OutputError):
            raise outcome
        if not isinstance(outcome, tuple):
            raise RuntimeError(f"a validation process failed: {outcome or child.exitcode}")
        results.append(outcome)
    return results


def _child(item: Work, validator: EventValidator, send: Any) -> None:
    try:
        send.send(_worker(item, validator))
    except OutputError as error:  # raised again by the parent, as it is
        send.send(error)
    except BaseException as error:  # reported by the parent, which raises
        send.send(f"{type(error).__name__}: {error}")
    finally:
        send.close()


def _files_before(tasks: list[Task], index: int) -> list[str]:
    """The inputs read before task `index`'s file, in order."""
    files: list[str] = []
    for source, _start, _end in tasks[:index]:
        if source != tasks[index][0] and source not in files:
            files.append(source)
    return files


def _parallel(
    plan: Plan,
    tasks: list[Task],
    jobs: int,
    options: ValidateOptions,
    outputs: Outputs,
    shown: Mapping[str, str],
) -> RunStats:
    scratch = Path(tempfile.mkdtemp(prefix="tp-validate-"))
    try:
        parts = [
            Outputs(
                valid=str(scratch / f"{i}.valid") if outputs.valid else None,
                invalid=str(scratch / f"{i}.invalid") if outputs.invalid else None,
                findings=str(scratch / f"{i}.findings") if outputs.findings else None,
            )
            for i in range(len(tasks))
        ]
        work = [
            (plan, task, _files_before(tasks, index), options, part)
            for index, (task, part) in enumerate(zip(tasks, parts, strict=True))
        ]
        if os.name == "posix" and len(tasks) <= jobs:
            results = _forked(work, EventValidator(plan, options))
        else:
            import multiprocessing

            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            with context.Pool(min(jobs, len(tasks))) as pool:
                results = pool.map(_worker, work)
        stats = RunStats()
        offset = 0
        for index, (result, lines) in enumerate(results):
            if index > 0 and tasks[index][0] != tasks[index - 1][0]:
                offset = 0  # the next file
            if lines is not None:
                result.shift_lines(tasks[index][0], offset)
                offset += lines
            else:
                offset = 0  # a part numbered in full cannot be the base of another
            stats.merge(result, options.max_samples)
        for name in ("valid", "invalid", "findings"):
            target = getattr(outputs, name)
            if target is None:
                continue
            out = OutputStream(target, shown.get(target, target))
            try:
                for part in parts:
                    with open(getattr(part, name), "rb") as piece:
                        shutil.copyfileobj(piece, out)
            finally:
                out.close()
        return stats
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
