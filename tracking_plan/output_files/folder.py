"""A generated folder (`tp compile -o DIR`, `tp codegen -o DIR`): writing it, pruning it,
and saying what a write would change (`--check`).

Each producer (`owner`: the command, the language, the plan's name) owns the files the folder's
manifest lists under its name. A write replaces the files it produces and deletes the ones it
listed before and no longer produces, while they hold the bytes it wrote; a file a person
changed since is kept and reported. Files other producers or people put there are never
touched, so two plans or two languages can share a folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .batch import OutputBatch
from .manifest import MANIFEST_NAME, Entry, Manifest


@dataclass(frozen=True, slots=True)
class Change:
    """One file a write changes, relative to the folder, and why."""

    path: str
    reason: str


_FOREIGN = "tp did not write it, or it was changed since: replacing it needs --force"
_EDITED = "no longer generated, but changed since tp wrote it: kept, no longer tracked"


class GeneratedFolder:
    def __init__(self, folder: Path, owner: str, files: Mapping[str, bytes]) -> None:
        self.folder = folder
        self.owner = owner
        self.files = dict(sorted(files.items()))

    def changes(self) -> list[Change]:
        """What `write` would change: nothing when the folder is up to date."""
        manifest = Manifest.read(self.folder)
        changes = []
        for name, data in self.files.items():
            current = _read(self.folder / name)
            if current is None:
                changes.append(Change(name, "missing"))
            elif current != data:
                held = manifest.holds(name, self.folder / name)
                changes.append(Change(name, "out of date" if held else f"differs; {_FOREIGN}"))
        for name in self._orphans(manifest):
            if manifest.holds(name, self.folder / name):
                changes.append(Change(name, "no longer generated: a write removes it"))
            elif (self.folder / name).exists():
                changes.append(Change(name, _EDITED))
        expected = {name: Entry.of(self.owner, data) for name, data in self.files.items()}
        if not changes and manifest.owned(self.owner) != expected:
            changes.append(Change(MANIFEST_NAME, "does not list these files as tp's yet"))
        return changes

    def write(self, *, inputs: Iterable[str | Path] = (), force: bool = False) -> WriteResult:
        """Write the files that changed, prune this producer's files that are no longer
        generated, update the manifest; all or nothing (see `OutputBatch`)."""
        changes = self.changes()
        with OutputBatch(inputs=inputs, force=force) as batch:
            for name, data in self.files.items():
                batch.put(
                    self.folder / name, data, label="-o", owner=self.owner, folder=self.folder
                )
            manifest = batch.manifest(self.folder)
            for name in self._orphans(manifest):
                if manifest.holds(name, self.folder / name):
                    batch.remove(self.folder, name)
                else:
                    batch.drop(self.folder, name)
        kept = [change for change in changes if change.reason == _EDITED]
        notes = batch.notes + [
            f"kept {self.folder / c.path}: changed since tp wrote it" for c in kept
        ]
        return WriteResult(changed=[c for c in changes if c not in kept], notes=notes)

    def _orphans(self, manifest: Manifest) -> list[str]:
        return sorted(set(manifest.owned(self.owner)) - set(self.files))


@dataclass(frozen=True, slots=True)
class WriteResult:
    changed: list[Change]
    notes: list[str]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
