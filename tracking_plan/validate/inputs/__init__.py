"""Reading recorded Segment messages for `tp validate`, streamed from files, pipes or standard
input.

`Input` opens one input (a path, or "-" for standard input) once and reads it once, front to
back: a named pipe or standard input works like a file, and memory stays flat however large the
input is. The layout is recognised from the first bytes while reading, never from the file
name:

* JSON Lines (`.jsonl`, `.ndjson`, ...): one message per line. Lines are not parsed here: the
  caller parses each record once anyway, so the caller also reports a line that is not JSON
  or not an object;
* a JSON array of messages, compact or pretty-printed, read element by element;
* concatenated JSON values, such as pretty-printed objects one after another;
* Segment batch payloads (`{"batch": [...], "context": {...}}`), alone, one per line or as
  values of the layouts above: their items become the records;
* a HAR capture saved from the browser's Network tab (an object starting `{"log": {`), whose
  entries are read one at a time and whose analytics requests become the records (see `har`);
* any of these gzip-compressed, recognised by the magic bytes whatever the extension.

CR, LF and CRLF all end lines. Every part of an input ends up as a record or as a problem that
says where it is; a part that cannot be read does not stop the reading of the rest.

`Input.records` gives records one by one; `Input.blocks` gives the same records to the native
scanner, whatever the layout: JSON Lines in blocks of lines as read, the records of the other
layouts as `Elements` (records laid out as JSON Lines, with the lines they come from).

`split_ranges`, `read_range` and `range_blocks` read a plain JSON Lines file in parts, for
parallel workers (`ranges`).

A module a job: `reader` (one input), `streams` (its bytes), `sniff` (its layout), `lines` (JSON
Lines), `text` and `values` (JSON values), `batches` (Segment batch payloads), `har` (HAR
captures), `ranges` (parts of a file). This package re-exports what callers use.
"""

from __future__ import annotations

from ..records import Block, Elements, InputProblem, Record
from .lines import batch_elements, checked_line
from .ranges import lines_before, plain_lines, range_blocks, read_range, split_ranges
from .reader import STDIN_NAME, Input, input_error, read_input

__all__ = [
    "STDIN_NAME",
    "Block",
    "Elements",
    "Input",
    "InputProblem",
    "Record",
    "batch_elements",
    "checked_line",
    "input_error",
    "lines_before",
    "plain_lines",
    "range_blocks",
    "read_input",
    "read_range",
    "split_ranges",
]
