"""A plan as it was at a git ref: its folder (and the include roots) exported from the commit
with `git archive` into a temporary folder and loaded from there, without touching the work
tree. Locations in it are named `REF:path`."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from ..loader.result import LoadResult


class RefError(Exception):
    """The ref cannot be read (no git, not a repository, an unknown ref)."""


@dataclass(frozen=True, slots=True)
class PlanAtRef:
    """What loading the plan at the ref gave (None: the plan does not exist there), and how
    files of the ref are named in messages."""

    result: LoadResult | None
    label: str
    folder: str  # the temporary folder, where locations were taken

    def relabel(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic with a location in the exported folder named `REF:path`."""
        file = diagnostic.location.file
        if not file or not self.folder:
            return diagnostic
        inside = os.path.relpath(os.path.abspath(file), self.folder)
        if inside.startswith(".."):
            return diagnostic
        named = f"{self.label}:{Path(inside).as_posix()}"
        return dataclasses.replace(
            diagnostic, location=dataclasses.replace(diagnostic.location, file=named)
        )


def read_plan_at_ref(plan_path: Path, ref: str, include_roots: Sequence[Path] = ()) -> PlanAtRef:
    """The plan at `plan_path` (a file of the work tree) as commit `ref` has it."""
    from ..loader import read_plan

    folder = plan_path.absolute().parent
    root = Path(_git(folder, "rev-parse", "--show-toplevel", what="a git repository").strip())
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=ref).strip()
    relative = plan_path.absolute().resolve().relative_to(root.resolve())
    wanted = [
        relative.parent,
        *(Path(r).absolute().resolve().relative_to(root.resolve()) for r in include_roots),
    ]
    if not _exists(root, commit, relative):
        return PlanAtRef(None, ref, "")
    with tempfile.TemporaryDirectory(prefix="tp-diff-") as scratch:
        archive = _git_bytes(root, "archive", "--format=tar", commit, "--", *map(_posix, wanted))
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(scratch, filter="data")
        result = read_plan(
            Path(scratch) / relative,
            include_roots=[Path(scratch) / r for r in wanted[1:]],
        )
    return PlanAtRef(result, ref, scratch)


def _exists(root: Path, commit: str, relative: Path) -> bool:
    done = subprocess.run(
        [_executable(), "-C", str(root), "cat-file", "-e", f"{commit}:{_posix(relative)}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _git(folder: Path, *args: str, what: str) -> str:
    return _git_bytes(folder, *args, what=what).decode("utf-8", "replace")


def _git_bytes(folder: Path, *args: str, what: str = "") -> bytes:
    done = subprocess.run(
        [_executable(), "-C", str(folder), *args], capture_output=True, check=False
    )
    if done.returncode != 0:
        if args[:1] == ("rev-parse",) and "--verify" in args:
            raise RefError(f"unknown git ref {what!r}")
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"git exited {done.returncode}"
        if args[:1] == ("rev-parse",):
            raise RefError(f"{folder} is not in {what}: {reason}")
        raise RefError(f"git {args[0]} failed: {reason}")
    return done.stdout


def _executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise RefError("git is not installed (--against reads the plan from git)")
    return found


def _posix(path: Path) -> str:
    text = path.as_posix()
    return "." if text in ("", ".") else text
