"""The one error of writing outputs: it names the file and says what to do."""

from __future__ import annotations

import errno


class OutputError(Exception):
    """An output that must not or cannot be written. Nothing it would replace was changed."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str | None]]:
        return OutputError, (self.message, self.hint)  # crosses process boundaries (tp -j)


_WRITABLE_FOLDER = (
    "the folder must be writable: tp writes the new file next to the old, then renames it"
)
_HINTS = {
    errno.EFBIG: "the file size limit (ulimit -f) is lower than the file",
    errno.ENOSPC: "free some disk space, or write elsewhere",
    errno.EDQUOT: "the disk quota is used up; free some space, or write elsewhere",
    errno.EACCES: _WRITABLE_FOLDER,
    errno.EPERM: _WRITABLE_FOLDER,
    errno.EROFS: "the file system is read-only; write elsewhere",
}


def cannot_write(shown: str, error: OSError, *, kept: bool = False) -> OutputError:
    """The OutputError for a failed write of `shown`; `kept`: an older version of it is intact."""
    reason = error.strerror or str(error)
    message = f"cannot write {shown}: {reason}"
    if kept:
        message += f"; the existing {shown} is unchanged"
    return OutputError(message, _HINTS.get(error.errno or 0))
