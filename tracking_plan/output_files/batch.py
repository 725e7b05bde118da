"""The files one command writes, written as a batch that either completes or changes nothing.

Every target is checked when it is claimed, before any byte is written: it is not an input, not
another target, not a folder, and if it exists it is tp's (see `manifest`) or --force was given.
The bytes go to a temporary file in the target's folder (with the old file's permissions),
flushed to disk; only when every file of the batch is complete are they renamed over their
targets, so a full disk or a file size limit leaves the old files as they were. A device or a
pipe (`-o /dev/null`) is written to in place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .errors import OutputError, cannot_write
from .identity import FileIdentity, identity
from .manifest import MANIFEST_NAME, Entry, Manifest, file_entry

_FORCE_HINT = "check it, then use --force to replace it"


@dataclass(slots=True, kw_only=True)
class _Target:
    shown: str  # the path as the user gave it
    label: str  # the option that named it: -o, --invalid-out
    owner: str
    identity: FileIdentity
    real: Path  # where the bytes go: symbolic links followed
    existing: os.stat_result | None
    manifest: Manifest | None  # None: a device or a pipe, written in place
    name: str = ""  # its name in the manifest
    data: bytes | None = None
    temp: Path | None = None
    unchanged: bool = False  # it already holds `data`: left alone


class OutputBatch:
    """Use as a context manager: the batch is committed when the block ends normally and
    discarded (temporary files and folders it made removed) when it raises.

    `inputs` are the files the command reads (the plan's files, event dumps, `-` for standard
    input): no target may be one of them, with or without `force`."""

    def __init__(self, *, inputs: Iterable[str | Path] = (), force: bool = False) -> None:
        self._inputs = [identity(path) for path in inputs]
        self._force = force
        self._targets: list[_Target] = []
        self._manifests: dict[Path, Manifest] = {}
        self._dropped: list[tuple[Manifest, str]] = []  # entries to forget
        self._removals: list[tuple[Manifest, str]] = []  # tp's files to delete
        self._staged_manifests: list[tuple[Manifest, Path]] = []
        self._made_folders: list[Path] = []
        self.notes: list[str] = []

    def __enter__(self) -> OutputBatch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    # -- claiming targets ---------------------------------------------------------------------

    def manifest(self, folder: Path) -> Manifest:
        """The manifest of `folder` (read once per batch)."""
        folder = Path(os.path.abspath(folder))
        manifest = self._manifests.get(folder)
        if manifest is None:
            manifest = self._manifests[folder] = Manifest.read(folder)
            if manifest.problem:
                self.notes.append(f"ignoring {manifest.path}: {manifest.problem}")
        return manifest

    def check(self, path: Path, *, label: str) -> None:
        """Raise OutputError now if `path` may not be written; claims nothing."""
        self._claim(path, label=label, owner="", folder=None, data=None)
        self._targets.pop()

    def put(
        self, path: Path, data: bytes, *, label: str, owner: str, folder: Path | None = None
    ) -> None:
        """Write `data` to `path` when the batch commits. `folder` is the folder whose
        manifest lists it (a generated folder); by default the file's own folder."""
        target = self._claim(path, label=label, owner=owner, folder=folder, data=data)
        target.data = data

    def stage(self, path: Path, *, label: str, owner: str) -> Path:
        """The file to write `path`'s content into, now; it replaces `path` on commit."""
        target = self._claim(path, label=label, owner=owner, folder=None, data=None)
        if target.manifest is None:
            return target.real
        target.temp = self._temporary(target.real, target.shown, target.existing)
        return target.temp

    def remove(self, folder: Path, name: str) -> None:
        """Delete tp's file `name` of `folder` on commit, unless it is no plain file inside the
        folder or is an input: then it is only dropped from the manifest."""
        manifest = self.manifest(folder)
        path = manifest.folder / name
        found = identity(path)
        inside = found.real.startswith(os.path.realpath(manifest.folder) + os.sep)
        if path.is_symlink() or not inside or any(found.same_as(i) for i in self._inputs):
            self.notes.append(f"kept {path}: not a file tp wrote inside {manifest.folder}")
            self._dropped.append((manifest, name))
        else:
            self._removals.append((manifest, name))

    def drop(self, folder: Path, name: str) -> None:
        """Forget `name` in the manifest of `folder` (the file is left as it is)."""
        self._dropped.append((self.manifest(folder), name))

    def _claim(
        self, path: Path, *, label: str, owner: str, folder: Path | None, data: bytes | None
    ) -> _Target:
        shown = str(path)
        if path.name == MANIFEST_NAME:
            raise OutputError(
                f"{label} {shown}: that name is tp's record of the files it wrote in a folder",
                "pick another file name",
            )
        _refuse_a_file_as_folder(path, shown)
        real = Path(os.path.realpath(path))
        try:
            existing = os.stat(real)
        except FileNotFoundError:
            existing = None
        except OSError as error:
            raise cannot_write(shown, error) from None
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise OutputError(f"{label} {shown} is a folder", "give the path of a file")
        me = identity(path)
        target = _Target(
            shown=shown, label=label, owner=owner, identity=me, real=real, existing=existing,
            manifest=None,
        )  # fmt: skip
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            self._targets.append(target)  # a device or a pipe: nothing there to destroy
            return target
        for source in self._inputs:
            if me.same_as(source):
                raise OutputError(
                    f"refusing to write {label} {shown}: it is also an input ({source.shown})",
                    "write the output to another path; tp never overwrites a file it reads",
                )
        for other in self._targets:
            if me.same_as(other.identity):
                raise OutputError(
                    f"{other.label} {other.shown} and {label} {shown} are the same file",
                    "give each output its own path",
                )
        absolute = Path(os.path.abspath(path))
        target.manifest = self.manifest(folder if folder is not None else absolute.parent)
        target.name = absolute.relative_to(target.manifest.folder).as_posix()
        if existing is not None:
            target.unchanged = data is not None and _holds(real, data)
            if not (target.unchanged or self._force or target.manifest.holds(target.name, path)):
                raise OutputError(
                    f"{shown} exists and tp did not write it, or it was changed since",
                    _FORCE_HINT,
                )
        self._targets.append(target)
        return target

    # -- committing ---------------------------------------------------------------------------

    def commit(self) -> None:
        """Stage what is not staged yet, then rename everything into place and update the
        manifests. Raises OutputError (having discarded the batch) when a file cannot be
        written; the targets are then as they were."""
        try:
            self._stage_all()
        except BaseException:
            self.discard()
            raise
        folders = set()
        for target in self._targets:
            if target.temp is not None:
                try:
                    os.replace(target.temp, target.real)
                except OSError as error:
                    self.discard()
                    raise cannot_write(target.shown, error) from None
                target.temp = None
                folders.add(target.real.parent)
        for manifest, name in self._removals:
            path = manifest.folder / name
            with contextlib.suppress(FileNotFoundError):
                try:
                    path.unlink()
                except OSError as error:
                    self.notes.append(f"could not remove {path}: {error.strerror or error}")
            folders.add(path.parent)
        for manifest, temp in self._staged_manifests:
            try:
                os.replace(temp, manifest.path)
            except OSError as error:
                self.discard()
                raise cannot_write(str(manifest.path), error) from None
            folders.add(manifest.folder)
        self._staged_manifests.clear()
        for folder in folders:
            _sync_folder(folder)

    def _stage_all(self) -> None:
        for target in self._targets:
            if target.data is None or target.unchanged:
                continue
            if target.manifest is None:
                _write_in_place(target.real, target.shown, target.data)
            else:
                target.temp = self._temporary(
                    target.real, target.shown, target.existing, target.data
                )
        for target in self._targets:
            if target.manifest is None:
                continue
            if target.data is not None:
                entry = Entry.of(target.owner, target.data)
            else:
                assert target.temp is not None
                entry = _synced_entry(target.owner, target.temp, target.shown)
            target.manifest.entries[target.name] = entry
        for manifest, name in self._dropped + self._removals:
            manifest.entries.pop(name, None)
        for manifest in self._manifests.values():
            text = manifest.render()
            if text == manifest.text or (manifest.text is None and not manifest.entries):
                continue
            existing = _stat_or_none(manifest.path)
            temp = self._temporary(manifest.path, str(manifest.path), existing, text)
            self._staged_manifests.append((manifest, temp))

    def discard(self) -> None:
        """Remove the temporary files and the folders the batch made; the targets stay."""
        temps = [t.temp for t in self._targets] + [temp for _, temp in self._staged_manifests]
        for temp in temps:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()
        for target in self._targets:
            target.temp = None
        self._staged_manifests.clear()
        for folder in reversed(self._made_folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._made_folders.clear()

    def _temporary(
        self, real: Path, shown: str, existing: os.stat_result | None, data: bytes | None = None
    ) -> Path:
        """A new file next to `real` with its permissions, holding `data` (flushed to disk)."""
        self._make_folders(real.parent, shown)
        kept = existing is not None
        while True:
            temp = real.parent / f".{real.name[:80]}.{secrets.token_hex(4)}.tp-tmp"
            try:
                descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            except OSError as error:
                raise cannot_write(shown, error, kept=kept) from None
            break
        try:
            with open(descriptor, "wb") as file:
                if existing is not None:
                    _copy_permissions(temp, existing)
                if data is not None:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise cannot_write(shown, error, kept=kept) from None
        return temp

    def _make_folders(self, folder: Path, shown: str) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            try:
                made.mkdir()
            except FileExistsError:
                continue
            except OSError as error:
                raise cannot_write(shown, error) from None
            self._made_folders.append(made)


def write_file(
    path: Path,
    data: bytes,
    *,
    label: str,
    owner: str,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
) -> list[str]:
    """Write one output file by the rules of `OutputBatch`; returns its notes."""
    with OutputBatch(inputs=inputs, force=force) as batch:
        batch.put(path, data, label=label, owner=owner)
    return batch.notes


def _refuse_a_file_as_folder(path: Path, shown: str) -> None:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(
                    f"cannot write {shown}: {parent} is not a folder", "check the path"
                )
            return


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _copy_permissions(path: Path, existing: os.stat_result) -> None:
    os.chmod(path, stat.S_IMODE(existing.st_mode))
    owner = (existing.st_uid, existing.st_gid)
    if hasattr(os, "chown") and owner != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(path, *owner)


def _synced_entry(owner: str, temp: Path, shown: str) -> Entry:
    """Flush a file the caller wrote to disk; its manifest entry."""
    try:
        descriptor = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        return file_entry(owner, temp)
    except OSError as error:
        raise cannot_write(shown, error) from None


def _write_in_place(path: Path, shown: str, data: bytes) -> None:
    try:
        with open(path, "wb") as file:
            file.write(data)
    except OSError as error:
        raise cannot_write(shown, error) from None


def _sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (where the platform can)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
