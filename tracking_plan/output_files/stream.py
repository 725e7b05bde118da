"""A file being written whose errors name the output the user asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .errors import cannot_write


class ByteSink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class OutputStream:
    """Writes `path` (often a temporary file); an OSError becomes an OutputError naming
    `shown`, the file the user named."""

    def __init__(self, path: str | Path, shown: str) -> None:
        self.shown = shown
        try:
            self._file = open(path, "wb")  # noqa: SIM115 -- closed by close()
        except OSError as error:
            raise cannot_write(shown, error) from None

    def write(self, data: bytes, /) -> int:
        try:
            return self._file.write(data)
        except OSError as error:
            raise cannot_write(self.shown, error) from None

    def close(self) -> None:
        try:
            self._file.close()
        except OSError as error:
            raise cannot_write(self.shown, error) from None
