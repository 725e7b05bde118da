"""Names of events and properties: split into words, check and convert naming conventions,
normalise for duplicate detection, and recognise past-tense verbs."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_|$)|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+", re.UNICODE)
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
     "to", "via", "with"}
)  # fmt: skip

_PARTICLES = frozenset({"up", "in", "out", "on", "off", "down", "over", "back", "away"})

EVENT_CONVENTIONS = (
    "object-action",
    "action-object",
    "snake_case",
    "camelCase",
    "PascalCase",
    "kebab-case",
    "any",
)
PROPERTY_CONVENTIONS = ("snake_case", "camelCase", "PascalCase", "kebab-case", "any")

_PATTERNS = {
    "snake_case": re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    "camelCase": re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*"),
    "PascalCase": re.compile(r"(?:[A-Z][a-z0-9]*)+"),
    "kebab-case": re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"),
}
_TITLE_WORD = re.compile(r"[A-Z0-9][A-Za-z0-9']*")


def words(name: str) -> list[str]:
    """Split any style of name into its words: `orderCompleted`, `order_completed`,
    `Order Completed` and `ORDER-COMPLETED` all give ['order', 'completed'] (case kept)."""
    return _WORD.findall(name)


def squash(name: str) -> str:
    """Lower-case letters and digits only: equal for names that differ in case or separators."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def word_key(name: str) -> tuple[str, ...]:
    """Lower-case words in sorted order: equal for `Order Completed` and `completed_order`."""
    return tuple(sorted(w.casefold() for w in words(name)))


def follows(name: str, convention: str) -> bool:
    """Whether `name` is written in `convention` (see EVENT_CONVENTIONS)."""
    if convention == "any":
        return True
    if convention in ("object-action", "action-object"):
        return _is_title_case(name) and not _reads_reversed(words(name), convention)
    pattern = _PATTERNS.get(convention)
    return bool(pattern and pattern.fullmatch(name))


def _is_title_case(name: str) -> bool:
    parts = name.split(" ")
    if len(parts) < 2 or any(not p for p in parts):
        return False
    for index, part in enumerate(parts):
        if index > 0 and part in _SMALL_WORDS:
            continue
        if not _TITLE_WORD.fullmatch(part):
            return False
    return True


def _reads_reversed(parts: list[str], convention: str) -> bool:
    """True for `Completed Order` under object-action (the verb leads, nothing else is one)."""
    parts = [p for p in parts if p.casefold() not in _PARTICLES]
    if len(parts) < 2:
        return False
    if convention == "object-action":
        return is_past_tense(parts[0]) and not any(is_past_tense(p) for p in parts[1:])
    return is_past_tense(parts[-1]) and not any(is_past_tense(p) for p in parts[:-1])


def convert(name: str, convention: str) -> str:
    """`name` rewritten in `convention`; for "Object Action", a leading past-tense verb moves
    to the end (`completed_order` -> `Order Completed`)."""
    parts = [w.lower() for w in words(name)]
    if not parts or convention == "any":
        return name
    if convention == "object-action":
        if _reads_reversed(parts, convention):
            verb = 1
            while verb < len(parts) - 1 and parts[verb] in _PARTICLES:
                verb += 1
            parts = [*parts[verb:], *parts[:verb]]
        return _title(parts)
    if convention == "action-object":
        if _reads_reversed(parts, convention):
            parts = [parts[-1], *parts[:-1]]
        return _title(parts)
    if convention == "snake_case":
        return "_".join(parts)
    if convention == "kebab-case":
        return "-".join(parts)
    if convention == "camelCase":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    if convention == "PascalCase":
        return "".join(p.capitalize() for p in parts)
    raise ValueError(f"unknown naming convention {convention!r}")


def _title(parts: list[str]) -> str:
    """Title Case, with small connecting words lower-case (`Added to Cart`) unless they are
    the particle of a verb (`Signed In`)."""
    titled = []
    for i, part in enumerate(parts):
        small = i > 0 and part in _SMALL_WORDS
        particle = i > 0 and part in _PARTICLES and is_past_tense(parts[i - 1])
        titled.append(part if small and not particle else part[:1].upper() + part[1:])
    return " ".join(titled)


_IRREGULAR_PAST = frozenset(
    """ate awoke became began bent bet bit bled blew bought broke brought built burnt caught
    chose clung came cost crept cut dealt did drew dreamt drank drove dug fed felt fell fled
    flew forbade forgave forgot fought found froze gave got grew hid held hit hung hurt kept
    knew laid led leapt learnt left lent let lit lost made meant met mistook overtook paid
    put quit ran rang read rebuilt redid remade reran reset resold rewrote rode rose said sang
    sank sat saw sent set shone shook shot showed shrank shut slept slid sold sought spent
    spoke spun split spread sprang stood stole stuck stung struck strove swept swore swam swung
    taught tore told thought threw took understood undid upheld upset went withdrew woke wore
    won wound wrote""".split()
)
_NOT_PAST = frozenset(
    """bed bleed breed creed deed embed exceed feed greed heed need proceed red reed seed shed
    speed steed succeed weed""".split()
)


def is_past_tense(word: str) -> bool:
    """A heuristic for English past tense and past participles (`Viewed`, `Sent`, `Built`)."""
    lower = word.casefold()
    if lower in _IRREGULAR_PAST:
        return True
    return len(lower) > 3 and lower.endswith("ed") and lower not in _NOT_PAST


_IRREGULAR_BASE = {
    "begin": "began", "build": "built", "buy": "bought", "choose": "chose", "do": "did",
    "find": "found", "get": "got", "give": "gave", "go": "went", "hold": "held",
    "keep": "kept", "leave": "left", "lose": "lost", "make": "made", "pay": "paid",
    "read": "read", "send": "sent", "sell": "sold", "set": "set", "spend": "spent",
    "take": "took", "tell": "told", "upload": "uploaded", "win": "won", "write": "wrote",
    "reset": "reset", "quit": "quit", "shut": "shut", "put": "put", "cut": "cut",
}  # fmt: skip


def past_tense(word: str) -> str:
    """A past-tense form of a verb, keeping its capitalisation (`Complete` -> `Completed`)."""
    lower = word.casefold()
    if is_past_tense(lower):
        return word
    if lower.endswith("ing") and len(lower) > 5:
        lower = lower[:-3]
        if len(lower) > 2 and lower[-1] == lower[-2]:
            lower = lower[:-1]
    if lower in _IRREGULAR_BASE:
        past = _IRREGULAR_BASE[lower]
    elif lower.endswith("e"):
        past = lower + "d"
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        past = lower[:-1] + "ied"
    else:
        past = lower + "ed"
    return past.capitalize() if word[:1].isupper() else past
