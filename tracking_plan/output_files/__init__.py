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

from .batch import OutputBatch, write_file
from .errors import OutputError
from .folder import Change, GeneratedFolder, WriteResult
from .identity import STDIN
from .manifest import MANIFEST_NAME
from .stream import ByteSink, OutputStream

__all__ = [
    "MANIFEST_NAME",
    "STDIN",
    "ByteSink",
    "Change",
    "GeneratedFolder",
    "OutputBatch",
    "OutputError",
    "OutputStream",
    "WriteResult",
    "write_file",
]
