"""How bench/startup.py times a command: as a whole process, N runs, with tp's cache cold or
warm.

Every command first runs once untimed with its output captured (its exit code is checked, its
standard output kept for whoever wants to read it, and the page cache warmed); then the timed
runs go, their output to /dev/null. A command measured cold and warm alternates the two run by
run, so a change in the machine's load hits both alike:

- cold: `TP_CACHE_DIR` is a fresh empty folder for every single run (removed after it);
- warm: `TP_CACHE_DIR` is one folder, filled by the untimed first run;
- any other command gets an empty folder nobody writes to, so no run touches the user's cache.

A run that exits with a code the command does not allow (tp exits 1 for findings, which is
allowed where it applies), crashes or times out stops that measure: it is run again with its
output captured and reported with its standard error, never timed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

COLD = "cold"
WARM = "warm"
CACHE_MODES = (COLD, WARM)
FINDINGS = frozenset({0, 1})  # exit codes of a run that found something to report
# Variables that would make the measured processes import or cache otherwise than a user's.
UNSET = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONINSPECT",
    "TP_CACHE_DIR",
    "TP_NO_CACHE",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Spec:
    """A command to time. `modes` is ("",) or CACHE_MODES; `prime` is the command of the untimed
    first run when it differs (for one that prints counts in JSON, say)."""

    label: str
    command: list[str]
    modes: tuple[str, ...] = ("",)
    ok_codes: frozenset[int] = frozenset({0})
    prime: list[str] | None = None
    timeout: float = 120.0


@dataclasses.dataclass(slots=True)
class Result:
    """The runs of one command in one mode."""

    label: str
    mode: str
    times: list[float] = dataclasses.field(default_factory=list)
    exit_code: int | None = None
    output: str = ""
    error: str | None = None
    cache_files: int | None = None  # files in TP_CACHE_DIR after the untimed first run

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


def clean_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in UNSET}


def _describe_failure(done: subprocess.CompletedProcess[str]) -> str:
    code = done.returncode
    what = f"killed by signal {-code}" if code < 0 else f"exit {code}"
    tail = (done.stderr or done.stdout or "").strip().splitlines()[-8:]
    return "\n".join([what, *tail]) if tail else f"{what}, no output"


@dataclasses.dataclass(slots=True)
class Runner:
    """Times Specs: `runs` timed runs each, from `cwd`, with the environment `env`."""

    root: Path  # where the cache folders are made
    cwd: Path
    env: dict[str, str]
    runs: int

    @contextlib.contextmanager
    def _cache(self, mode: str, warm: Path) -> Iterator[dict[str, str]]:
        if mode == WARM:
            yield {**self.env, "TP_CACHE_DIR": str(warm)}
            return
        folder = Path(tempfile.mkdtemp(prefix=f"{mode or 'none'}-", dir=self.root))
        try:
            yield {**self.env, "TP_CACHE_DIR": str(folder)}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _spawn(
        self, command: list[str], env: dict[str, str], timeout: float, *, capture: bool
    ) -> tuple[float, subprocess.CompletedProcess[str]]:
        """Wall-clock seconds of one run and how it ended; its output is kept with `capture`,
        else sent to /dev/null. A time-out is exit 124, a command that cannot start 127.

        The wait blocks until the child exits and a timer thread kills it on time-out:
        `subprocess.run(timeout=...)` would poll instead, sleeping up to 50 ms between looks,
        which rounds every time up to the next poll."""
        sink = subprocess.PIPE if capture else subprocess.DEVNULL
        start = time.perf_counter()
        try:
            process = subprocess.Popen(
                command, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink
            )
        except OSError as error:
            return 0.0, subprocess.CompletedProcess(command, 127, "", f"cannot start: {error}")
        expired = threading.Event()
        watchdog = threading.Timer(timeout, lambda: (expired.set(), process.kill()))
        watchdog.start()
        try:
            stdout, stderr = process.communicate()
        finally:
            watchdog.cancel()
        seconds = time.perf_counter() - start
        if expired.is_set():
            return seconds, subprocess.CompletedProcess(
                command, 124, "", f"timed out ({timeout} s)"
            )
        text = [(data or b"").decode(errors="replace") for data in (stdout, stderr)]
        return seconds, subprocess.CompletedProcess(command, process.returncode, *text)

    def _prime(self, spec: Spec, result: Result, warm: Path) -> None:
        with self._cache(result.mode, warm) as env:
            _, done = self._spawn(spec.prime or spec.command, env, spec.timeout, capture=True)
        result.exit_code = done.returncode
        result.output = done.stdout or ""
        if done.returncode not in spec.ok_codes:
            result.error = "untimed first run: " + _describe_failure(done)
        elif result.mode == WARM:
            result.cache_files = sum(1 for path in warm.rglob("*") if path.is_file())

    def _run(self, spec: Spec, result: Result, warm: Path) -> None:
        with self._cache(result.mode, warm) as env:
            seconds, done = self._spawn(spec.command, env, spec.timeout, capture=False)
            if done.returncode in spec.ok_codes:
                result.times.append(seconds)
                return
            _, again = self._spawn(spec.command, env, spec.timeout, capture=True)
        result.error = f"timed run {len(result.times) + 1} exited {done.returncode}; run again: "
        result.error += _describe_failure(again)

    def measure(self, spec: Spec, runs: int | None = None) -> list[Result]:
        """One Result per mode of `spec`, the modes' runs alternating."""
        print(f"  timing {spec.label} ...", flush=True)
        results = [Result(spec.label, mode) for mode in spec.modes]
        warm = Path(tempfile.mkdtemp(prefix="warm-", dir=self.root))
        try:
            for result in results:
                self._prime(spec, result, warm)
            for _ in range(self.runs if runs is None else runs):
                for result in results:
                    if result.error is None:
                        self._run(spec, result, warm)
        finally:
            shutil.rmtree(warm, ignore_errors=True)
        return results
