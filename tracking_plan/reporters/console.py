"""The console every human-facing output goes through.

Colour only on a terminal: rich's Console detects one, and `NO_COLOR` (https://no-color.org)
turns off every style, bold and dim included, not only colours as rich alone would.

Plan and dump text is hostile on a terminal: the console (`make_console`) spells the characters
that are not printable, so no text can move the cursor, clear the screen or reorder a line;
text put into markup goes through `shown`, so that `[red]` in a name is not a style.
"""

from __future__ import annotations

import os
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..printable import printable


def shown(text: object) -> str:
    """Plan or dump text for console markup: every character that is not printable spelled as
    repr() spells it (line breaks too: a name cannot forge a line), markup escaped."""
    return escape(printable(str(text)))


class _Console(Console):
    """Spells every character that is not printable but the line breaks of what it prints: its
    callers' own text has those, and a name that reaches it unescaped cannot drive the
    terminal."""

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        return super().render_str(printable(text, keep="\n"), *args, **kwargs)


def make_console(stream: TextIO, *, markup: bool = True) -> Console:
    """A console for human output: colour only on a terminal and never with NO_COLOR. Without
    `markup`, text is printed as written unless a call asks for markup."""
    no_color = os.environ.get("NO_COLOR", "") != ""
    return _Console(
        file=stream,
        markup=markup,
        highlight=False,
        soft_wrap=True,
        # `:name:` in a message is text, not an emoji code.
        emoji=False,
        color_system=None if no_color else "auto",
    )
