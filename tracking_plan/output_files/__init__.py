"""How every tp command writes files (README "Output files"):

- an output is never one of the command's inputs (the plan and the files it includes, event
  dumps, standard input, the capture store) nor another output of the same run, whatever the
  path that names it (symbolic links and hard links are followed): not even with --force;
- an existing file is replaced when tp wrote it and nobody changed it since, which the folder's
  `.tp-outputs.json` manifest proves, or when it already holds the new bytes; anything else
  needs --force;
- bytes go to a temporary file in the same folder, renamed over the target once complete, so a
  failed write (full disk, file size limit, no permission) leaves the old file intact;
- a generated folder loses only the files its producer wrote there and left unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_exports import lazy_exports

if TYPE_CHECKING:
    from .batch import OutputBatch as OutputBatch
    from .batch import write_file as write_file
    from .errors import OutputError as OutputError
    from .folder import Change as Change
    from .folder import GeneratedFolder as GeneratedFolder
    from .folder import WriteResult as WriteResult
    from .identity import STDIN as STDIN
    from .manifest import MANIFEST_NAME as MANIFEST_NAME
    from .stream import ByteSink as ByteSink
    from .stream import OutputStream as OutputStream

_EXPORTS = {
    "MANIFEST_NAME": "manifest",
    "STDIN": "identity",
    "ByteSink": "stream",
    "Change": "folder",
    "GeneratedFolder": "folder",
    "OutputBatch": "batch",
    "OutputError": "errors",
    "OutputStream": "stream",
    "WriteResult": "folder",
    "write_file": "batch",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
