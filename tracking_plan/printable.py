"""Plan and dump text made safe to show: every character `str.isprintable` rejects is spelled as
the escape Python's repr() writes for it (`\\n`, `\\x1b`, `\\u202e`).

Those are the characters that act instead of showing: controls (terminal escapes, line breaks
that start a line of code or of output), line and paragraph separators, bidirectional overrides
that reorder what a reader sees (Trojan Source), other invisible format characters, and lone
surrogates, which no UTF-8 output can hold. Terminal reports and generated code spell or drop
them wherever plan or dump text lands.
"""

from __future__ import annotations

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def spell(ch: str) -> str:
    """One character as a Python escape: `\\n`, `\\x1b`, `\\u202e`, `\\U000e0001`."""
    code = ord(ch)
    if ch in _SHORT:
        return _SHORT[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str, keep: str = "") -> str:
    """`text` with every character that is not printable spelled, but those in `keep`."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in keep else spell(ch) for ch in text)
