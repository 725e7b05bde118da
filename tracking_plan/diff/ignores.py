"""The ignore file of `tp diff`: breaking changes a team accepts on purpose, each with a reason
and an expiry date (as oasdiff's). An entry that has expired stops applying and is reported.

```yaml
- change: TP611              # a TP6xx code or its slug
  definition: Order Completed
  path: revenue              # optional: the property's path, as tp diff prints it
  reason: every app version before 4.12 is retired
  expires: 2027-01-31
```
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..codes import diagnostic
from ..codes.diff import KIND_CODES
from ..diagnostics import Diagnostic, Location
from .change import Change

_KEYS = {"change", "definition", "path", "reason", "expires"}
_CODES = set(KIND_CODES.values())


class IgnoreFileError(Exception):
    """The ignore file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Accepted:
    code: str
    definition: str
    path: str | None
    reason: str
    expires: datetime.date
    location: Location

    def matches(self, change: Change) -> bool:
        return (
            KIND_CODES[change.kind] == self.code
            and change.definition == self.definition
            and (self.path is None or self.path == change.path)
        )


def read_ignores(path: Path) -> list[Accepted]:
    """The entries of an ignore file; IgnoreFileError for one that cannot be read or used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise IgnoreFileError(f"cannot read the ignore file {path}: {error}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise IgnoreFileError(f"{path}: not YAML: {error}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise IgnoreFileError(f"{path}:{root.start_mark.line + 1}: expected a list of entries")
    return [_entry(path, node) for node in root.value]


def _entry(path: Path, node: yaml.Node) -> Accepted:
    line = node.start_mark.line + 1
    where = f"{path}:{line}"
    if not isinstance(node, yaml.MappingNode):
        raise IgnoreFileError(f"{where}: an entry is a mapping of {', '.join(sorted(_KEYS))}")
    fields = {key.value: value for key, value in node.value}
    unknown = sorted(set(fields) - _KEYS)
    if unknown:
        raise IgnoreFileError(
            f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(sorted(_KEYS))})"
        )
    missing = sorted({"change", "definition", "reason", "expires"} - set(fields))
    if missing:
        raise IgnoreFileError(f"{where}: the entry needs {', '.join(missing)}")
    values = {key: str(value.value) for key, value in fields.items()}
    code = (
        values["change"].upper()
        if values["change"].upper() in _CODES
        else KIND_CODES.get(values["change"])
    )
    if code is None:
        raise IgnoreFileError(f"{where}: {values['change']!r} is not a TP6xx code or its slug")
    try:
        expires = datetime.date.fromisoformat(values["expires"])
    except ValueError:
        raise IgnoreFileError(f"{where}: expires must be a date (YYYY-MM-DD)") from None
    if not values["reason"].strip():
        raise IgnoreFileError(f"{where}: say why the change is accepted (reason)")
    location = Location(file=str(path), line=line, column=node.start_mark.column + 1)
    return Accepted(
        code, values["definition"], values.get("path"), values["reason"], expires, location
    )


def apply_ignores(
    changes: list[Change], accepted: list[Accepted], today: datetime.date
) -> tuple[list[Change], list[Diagnostic]]:
    """The changes no current entry accepts, and TP691 for each expired entry."""
    current = [a for a in accepted if a.expires >= today]
    kept = [c for c in changes if not any(a.matches(c) for a in current)]
    expired = [
        diagnostic(
            "TP691",
            f"accepted {a.code} {a.definition!r}{' ' + a.path if a.path else ''} expired on "
            f"{a.expires.isoformat()} ({a.reason})",
            location=a.location,
        )
        for a in accepted
        if a.expires < today
    ]
    return kept, expired
