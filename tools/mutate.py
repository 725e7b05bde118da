"""Mutation testing for the validation paths: would the tests notice an off-by-one?

    .venv/bin/python tools/mutate.py [--only c|python] [--jobs N] [--timeout S] [--list]
                                     [--match TEXT] [--examples-scale X]

Each mutant changes one comparison or bound in the code that decides whether a record is valid,
on a copy of the tree in a temporary folder (the work tree is only read): the copy's C extension
is rebuilt for a mutant of `_scan.c`, then the boundary table and the equivalence tests run
(`tests/test_boundaries.py`, then `tests/test_validate_equivalence.py` with a small hypothesis
budget: TP_EXAMPLES_SCALE, a fixed seed) and stop at the first failure. A mutant is killed when
a test fails, crashes or runs past `--timeout`; it survives when they all pass. The script
prints each survivor (file:line, function, original -> mutated) and the kill rate, and exits 1
when a mutant survives that EQUIVALENT does not explain.

How mutants are chosen:

- C (`tracking_plan/validate/_scan.c`): every `<`, `<=`, `>`, `>=`, `==`, `!=` in the functions
  that judge a record (C_FUNCTIONS: reading strings and numbers, checking values against the
  plan's nodes, the envelope, routing). A relational operator is flipped at its boundary
  (`<` <-> `<=`, `>` <-> `>=`) and, separately, its right operand moved one step the other
  way, so that the pair moves the bound by one in each direction (`a > b` gives `a >= b` and
  `a > b + 1`; `a < b` gives `a <= b` and `a < b - 1`); an equality is negated. Left out:
  comparisons of a position in the record's bytes with another (`p < e`, `q + 6 > end`: where
  the reader stands, which the byte after each line keeps in bounds, not a bound the plan sets;
  the malformed-input tests of test_native.py cover them), and functions that do not decide a
  verdict (the duplicate-messageId window, signatures, loading the tables, splitting lines).
- Python (`fastpath.py`, the msgspec fast path and the format patterns it shares with the
  scanner; `native.py`, which compiles the plan into the scanner's tables): in the functions of
  PY_FUNCTIONS, every comparison (`<`, `<=`, `>`, `>=` as above; `==`/`!=`, `is`/`is not`,
  `in`/`not in` negated); every bound handed to msgspec (`ge` <-> `gt`, `le` <-> `lt`, and the
  value moved one step the way the swap does not go: `ge=x - 1`, `gt=x + 1`, ...; lengths
  `min_length`, `max_length`, `min_items`, `max_items` and the scanner's `min_len`/`max_len`
  one up and one down); the scanner's numeric bounds swapped with their exclusive twins; and
  in the format patterns, every digit range (`[0-5]`) and repeat count (`{4}`) moved one up
  and one down.

An equivalent mutant (it cannot change what any record gets) is listed in EQUIVALENT with the
reason; it still runs, and the summary counts it apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mutants_c import c_mutants
from mutants_py import py_mutants
from mutation_targets import (
    EQUIVALENT,
    FASTPATH,
    FORMAT_PATTERNS,
    NATIVE,
    REPO,
    SCAN_C,
    TESTS,
    Mutant,
    Skipped,
)


def all_mutants(only: str | None, skipped: list[Skipped]) -> list[Mutant]:
    found: list[Mutant] = []
    if only in (None, "c"):
        found += c_mutants(SCAN_C, (REPO / SCAN_C).read_text(), skipped)
    if only in (None, "python"):
        for path in (FASTPATH, FORMAT_PATTERNS, NATIVE):
            found += py_mutants(path, (REPO / path).read_text(), skipped)
    unique: dict[tuple[str, int, int, str], Mutant] = {}
    for mutant in found:
        unique.setdefault((mutant.path, mutant.start, mutant.end, mutant.replacement), mutant)
    mutants = sorted(unique.values(), key=lambda m: (m.path, m.start, m.replacement))
    # the same change twice in one function: number them (#2, #3, ...) in the file's order
    seen: dict[str, int] = {}
    numbered = []
    for mutant in mutants:
        seen[mutant.key] = seen.get(mutant.key, 0) + 1
        if seen[mutant.key] > 1:
            mutant = dataclasses.replace(mutant, occurrence=seen[mutant.key])
        numbered.append(mutant)
    return numbered


# -- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    mutant: Mutant
    status: str  # killed, crashed, timeout, survived, not built
    seconds: float
    detail: str  # the first failing test, or why it did not build

    @property
    def killed(self) -> bool:
        return self.status in ("killed", "crashed", "timeout")


EXTENSION = "tracking_plan/validate/_scan" + str(sysconfig.get_config_var("EXT_SUFFIX"))


class Worker:
    """A copy of the tree in a temporary folder, with its own build of the extension."""

    def __init__(self, root: Path, tests: list[str], scale: float, timeout: float) -> None:
        self.root = root
        self.tests = tests
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self.env = {k: v for k, v in os.environ.items() if k not in ("TP_NATIVE", "PYTHONPATH")}
        self.env.update(
            PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", TP_EXAMPLES_SCALE=str(scale)
        )
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = REPO / name
            if source.is_file():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, root / name)
        # the package maps rules/ to tracking_plan.rules; keep imports inside the copy
        (root / "tracking_plan" / "rules").symlink_to(root / "rules", target_is_directory=True)
        self.originals: dict[str, str] = {}
        problem = self.build()
        if problem:
            raise RuntimeError(f"the extension does not build in {root}:\n{problem}")
        self.built = (root / EXTENSION).read_bytes()
        found = subprocess.run(
            [sys.executable, "-c", _WHERE],
            cwd=root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode != 0:
            raise RuntimeError(f"the copy does not import:\n{found.stderr}")
        where = found.stdout.split()
        if not all(Path(path).is_relative_to(root) for path in where):
            raise RuntimeError(f"the copy imports code from outside it: {where}")

    def build(self) -> str:
        """Build the extension; what went wrong, or ''."""
        (self.root / EXTENSION).unlink(missing_ok=True)
        command = [sys.executable, "setup.py", "-q", "build_ext", "--inplace", "--force"]
        done = subprocess.run(
            command, cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or not (self.root / EXTENSION).is_file():
            errors = [line for line in done.stderr.splitlines() if "error" in line]
            return "\n".join(errors[:5]) or done.stderr[-2000:]
        return ""

    def stop(self) -> None:
        """End the tests under way, if any (their process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)

    def run_tests(self) -> tuple[str, str]:
        shutil.rmtree(self.root / ".hypothesis", ignore_errors=True)
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        command += ["--hypothesis-seed=0", *self.tests]
        process = self.process = subprocess.Popen(
            command,
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return "timeout", f"still running after {self.timeout:.0f} s"
        if process.returncode == 0:
            return "survived", ""
        failed = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
        if failed:
            return "killed", failed[0].split(" - ")[0]
        if process.returncode < 0 or "Fatal Python error" in output:
            return "crashed", f"exit code {process.returncode}"
        return "killed", output.strip().splitlines()[-1] if output.strip() else ""

    def run(self, mutant: Mutant) -> Result:
        started = time.monotonic()
        target = self.root / mutant.path
        original = self.originals.setdefault(mutant.path, target.read_text())
        target.write_text(mutant.apply(original))
        try:
            if mutant.is_c:
                problem = self.build()
                if problem:
                    return Result(mutant, "not built", time.monotonic() - started, problem)
            status, detail = self.run_tests()
        finally:
            target.write_text(original)
            if mutant.is_c:
                (self.root / EXTENSION).write_bytes(self.built)
        return Result(mutant, status, time.monotonic() - started, detail)


_WHERE = """
import tracking_plan.rules, tracking_plan.validate._scan, tracking_plan.validate.fastpath
for module in (tracking_plan.validate._scan, tracking_plan.validate.fastpath, tracking_plan.rules):
    print(module.__file__)
"""


def run_all(mutants: list[Mutant], args: argparse.Namespace) -> list[Result]:
    work: queue.Queue[Mutant] = queue.Queue()
    for mutant in mutants:
        work.put(mutant)
    results: list[Result] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    workers: list[Worker] = []
    stopping = threading.Event()

    def serve(root: Path) -> None:
        try:
            worker = Worker(root, args.tests, args.examples_scale, args.timeout)
            workers.append(worker)
            status, detail = worker.run_tests()
            if status != "survived":
                raise RuntimeError(f"the tests fail on the unchanged copy: {status} {detail}")
        except BaseException as error:
            failures.append(error)
            return
        while not stopping.is_set():
            try:
                mutant = work.get_nowait()
            except queue.Empty:
                return
            result = worker.run(mutant)
            with lock:
                results.append(result)
                _print_result(len(results), len(mutants), result)

    with tempfile.TemporaryDirectory(prefix="tp-mutate-") as temporary:
        threads = []
        for number in range(args.jobs):
            root = Path(temporary) / f"tree{number}"
            root.mkdir()
            threads.append(threading.Thread(target=serve, args=(root,), daemon=True))
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:  # or SIGTERM: stop the tests, then the copies are removed
            stopping.set()
            for worker in workers:
                worker.stop()
            raise
    if failures and not results:
        raise failures[0]
    return results


def _print_result(number: int, total: int, result: Result) -> None:
    note = f" ({result.detail})" if result.detail and result.status != "survived" else ""
    print(
        f"[{number}/{total}] {result.status:9} {result.mutant.describe()}"
        f"  {result.seconds:.0f} s{note}",
        flush=True,
    )


def summarise(results: list[Result], seconds: float) -> int:
    built = [r for r in results if r.status != "not built"]
    killed = [r for r in built if r.killed]
    survivors = [r for r in built if not r.killed]
    equivalent = [r for r in survivors if r.mutant.key in EQUIVALENT]
    unexplained = [r for r in survivors if r.mutant.key not in EQUIVALENT]
    stale = [r for r in killed if r.mutant.key in EQUIVALENT]
    print()
    print(f"{len(results)} mutants in {seconds / 60:.0f} min: {len(killed)} killed", end="")
    statuses = ("crashed", "timeout")
    extra = [f"{sum(r.status == s for r in killed)} {s}" for s in statuses]
    print(f" ({', '.join(extra)}), {len(survivors)} survived", end="")
    print(f", {len(results) - len(built)} did not build")
    if built:
        rate = len(killed) / len(built)
        print(f"kill rate {rate:.1%}", end="")
        if len(built) > len(equivalent):
            rate = len(killed) / (len(built) - len(equivalent))
            print(f"; {rate:.1%} without the {len(equivalent)} equivalent ones", end="")
        print()
    for title, group in (
        ("survived, not explained", unexplained),
        ("survived, equivalent", equivalent),
        ("killed but listed in EQUIVALENT (drop the entry)", stale),
        ("did not build", [r for r in results if r.status == "not built"]),
    ):
        if group:
            print(f"\n{title}:")
            for result in sorted(group, key=lambda r: (r.mutant.path, r.mutant.start)):
                print(f"  {result.mutant.describe()}")
                reason = EQUIVALENT.get(result.mutant.key)
                if reason:
                    print(f"      {reason}")
    return 1 if unexplained else 0


_SURVIVED = re.compile(r"^\[\d+/\d+\] survived +(.+?)  \d+ s$", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Flip each comparison and bound of the validation paths, one at a time, "
        "and run the tests against each (see the module docstring)."
    )
    parser.add_argument("--only", choices=["c", "python"], help="mutate only this side")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--match", help="only mutants whose description contains this text")
    parser.add_argument(
        "--rerun", type=Path, help="only the mutants that survived in this earlier output"
    )
    parser.add_argument("--jobs", type=int, default=1, help="trees tested at once (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds per mutant's tests (default 300)"
    )
    parser.add_argument(
        "--examples-scale",
        type=float,
        default=0.05,
        help="TP_EXAMPLES_SCALE for the property-based tests (default 0.05)",
    )
    parser.add_argument(
        "--tests", nargs="+", default=list(TESTS), help="test files to run (default: %(default)s)"
    )
    args = parser.parse_args()
    skipped: list[Skipped] = []
    mutants = all_mutants(args.only, skipped)
    if args.match:
        mutants = [m for m in mutants if args.match in m.describe()]
    if args.rerun:
        try:
            survived = set(_SURVIVED.findall(args.rerun.read_text(errors="replace")))
        except OSError as error:
            parser.error(f"cannot read --rerun {args.rerun}: {error.strerror}")
        mutants = [m for m in mutants if m.describe() in survived]
    if args.list:
        for mutant in mutants:
            print(mutant.describe())
        print(f"{len(mutants)} mutants")
        for item in skipped:
            print(f"not mutated: {item.comparison} ({item.reason})")
        return 0
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"{len(mutants)} mutants, {args.jobs} at a time; tests: {' '.join(args.tests)}")
    started = time.monotonic()
    try:
        results = run_all(mutants, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return summarise(results, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
