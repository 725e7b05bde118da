"""The built-in libraries pre-parsed, so that a run does not parse their YAML again.

tools/build_libraries.py parses each library's YAML file the way the loader does
(`loader.assemble.parse_library`) and writes the `Fragment` it gives beside it, as
`NAME.marshal`; `load` turns that file back into an equal fragment: the same specs in the same
order, the same `@origin` stamps and the same `Location`s, so diagnostics that point into a
library do not change.

Why marshal (timed in a fresh process on Python 3.11, for segment/video, the largest library):
composing and reading its YAML takes about 38 ms; this file loads in about 2 ms, reading and
hashing the YAML beside it included. JSON took about 4 ms (tuples must be told from lists, so
the whole tree is walked again), pickle about 5 ms (importing pickle is 2 ms, and unpickling a
frozen, slotted dataclass runs Python code for each of its 340 `Location`s), and a generated
module of literals 1.2 ms from its .pyc but 21 ms where no .pyc is written (read-only installs,
PYTHONDONTWRITEBYTECODE). marshal is built into the interpreter, keeps tuples, lists, booleans,
integers and floats apart, and holds plain values only, not our classes: only the `Location`s
are rebuilt, by keyword, so a field of `Location` or `Fragment` renamed or removed makes an old
file fail to load (and the YAML is parsed) rather than load into a wrong object; a new field
with a default is for the freshness test to catch.

Files are written with marshal version 4, which Python 3.11 to 3.13 read alike, whichever of
them wrote the file. Their bytes depend on the Python that wrote them (marshal flags objects by
reference count), so freshness is judged on what a file loads to (`identical`), never on its
bytes, and the build tool leaves a fresh file as it is.

A file is used only when it is of this FORMAT and records the SHA-256 of the YAML text beside
it, so an edited YAML file wins over a stale pre-parsed one. When the file is missing or
unreadable (a broken install, a zip import), `load` returns None and the caller parses the YAML.
tests/test_libraries.py checks that every shipped file loads, and to exactly what its YAML gives.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path
from typing import Any

from ..diagnostics import Location
from ..loader.fragment import Fragment
from . import NAMES

SUFFIX = ".marshal"
MAGIC = "tracking-plan pre-parsed library"
FORMAT = 1
"""Raise it when the layout written by `dumps` changes; files of another format are not used."""
MARSHAL_VERSION = 4
DIRECTORY = Path(__file__).parent
"""Where the library files are; read directly (not through importlib.resources, whose first use
costs more than loading a library)."""
_SPEC_GROUPS = ("context", "shared", "events", "pages", "screens")
_SINGLE_SPECS = ("identify", "group")


def path(name: str, suffix: str = SUFFIX) -> Path:
    """The file of library `name` (one of NAMES): pre-parsed, or with suffix ".yaml" its YAML."""
    if name not in NAMES:
        raise KeyError(name)
    return DIRECTORY / f"{name}{suffix}"


def load(name: str) -> Fragment | None:
    """Library `name`'s pre-parsed fragment, or None when its file is missing, unreadable, of
    another format or made from another YAML text than the one beside it."""
    try:
        text = path(name, ".yaml").read_text(encoding="utf-8")
        return loads(path(name).read_bytes(), text)
    except Exception:  # whatever is wrong with the file, the YAML still gives the fragment
        return None


def dumps(fragment: Fragment, text: str) -> bytes:
    """The pre-parsed form of `fragment`, the fragment parsed from the YAML `text`.

    Raises when it would not load back identical (marshal cannot hold a value, say)."""
    fields: dict[str, Any] = {
        "file": fragment.file,
        "settings": fragment.settings,
        "includes": fragment.includes,
        "location": _location_fields(fragment.location),
        **{group: _plain(getattr(fragment, group)) for group in _SPEC_GROUPS},
        **{single: _plain(getattr(fragment, single)) for single in _SINGLE_SPECS},
    }
    data = marshal.dumps((MAGIC, FORMAT, _digest(text), fields), MARSHAL_VERSION)
    if not identical(loads(data, text), fragment):
        raise ValueError(f"{fragment.file} does not load back identical from its pre-parsed form")
    return data


def loads(data: bytes, text: str) -> Fragment:
    """The fragment in pre-parsed `data`, which must have been made from the YAML `text`."""
    loaded = marshal.loads(data)
    if not (isinstance(loaded, tuple) and len(loaded) == 4 and loaded[:2] == (MAGIC, FORMAT)):
        raise ValueError(f"not a pre-parsed library of format {FORMAT}")
    _magic, _format, digest, fields = loaded
    if digest != _digest(text):
        raise ValueError("pre-parsed from another version of the library's YAML")
    fields["location"] = Location(**fields["location"])
    for group in _SPEC_GROUPS:
        _rebuild(fields[group])
    for single in _SINGLE_SPECS:
        if fields[single] is not None:
            _rebuild(fields[single])
    return Fragment(**fields)


def identical(a: Fragment, b: Fragment) -> bool:
    """Equal, and alike where equality does not look: key order, `True` against `1`, a tuple
    against a list, -0.0 against 0.0."""
    return a == b and repr(a) == repr(b)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _location_fields(location: Location) -> dict[str, Any]:
    return {
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "pointer": location.pointer,
    }


def _plain(value: Any) -> Any:
    """`value` with each `@loc` Location, in specs and the specs they nest, as a dict of its
    fields; anything else is left for marshal (which refuses what it cannot hold)."""
    if isinstance(value, dict):
        return {
            key: _location_fields(item)
            if key == "@loc" and isinstance(item, Location)
            else _plain(item)
            for key, item in value.items()
        }
    return value


def _rebuild(specs: dict[str, Any]) -> None:
    """Undo `_plain` in place."""
    for key, value in specs.items():
        if type(value) is dict:
            if key == "@loc":
                specs[key] = Location(**value)
            else:
                _rebuild(value)
