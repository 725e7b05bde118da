"""Packages that name their public API in `__init__` but import it on first use, so that a
command importing one name does not pay for the whole package."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # importing `typing` would cost `tp --version` a third of its time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports each name of `exports` (name -> module
    relative to the package) when it is first asked for, and keeps it."""

    def getattr_(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return getattr_
