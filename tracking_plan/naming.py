"""Names of events and properties: split into words, check and convert naming conventions,
normalise for duplicate detection, and recognise past-tense verbs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

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


DOMINANT_SHARE = 0.9
"""The share of names a convention must cover to be inferred when not every name follows it."""


def infer_convention(names: Iterable[str], conventions: Sequence[str]) -> str | None:
    """The convention of `conventions` that `names` are written in (None without names).

    Each distinct name counts once. The convention followed by the most names is the answer
    when it covers at least `DOMINANT_SHARE` of them (then the others are what `follows`
    rejects, and `tp lint` reports), else `any`. A tie goes to the convention listed first:
    `signup` is snake_case as much as camelCase, `Page View` object-action as much as
    action-object.
    """
    distinct = list(dict.fromkeys(names))
    if not distinct:
        return None
    counts = {c: sum(follows(n, c) for n in distinct) for c in conventions if c != "any"}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= DOMINANT_SHARE * len(distinct) else "any"


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


_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_OFFSETS = (0.0, 0.25, 0.75)
_KEY_POSITIONS = {
    key: (row, column + _ROW_OFFSETS[row])
    for row, keys in enumerate(_KEY_ROWS)
    for column, key in enumerate(keys)
}


def _neighbouring_keys(first: str, second: str) -> bool:
    """Whether two letters are next to each other on a QWERTY keyboard."""
    a, b = _KEY_POSITIONS.get(first), _KEY_POSITIONS.get(second)
    return a is not None and b is not None and abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1


def looks_like_typo(name: str, other: str) -> bool:
    """For two names one edit apart on their `squash`ed form: whether the edit looks like a
    slip of the hand (`prodcut_id`, `adress`, `Signup Complete`) rather than a different word.

    Not a typo: an edit involving a digit (`address_1` / `address_2`), a substitution of keys
    that are not neighbours on a QWERTY keyboard (`cart_id` / `card_id`, `last_name` /
    `list_name`) and a plural `s` (`asset_id` / `asset_ids`).
    """
    first, second = squash(name), squash(other)
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diff = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diff) == 1:
            return _neighbouring_keys(first[diff[0]], second[diff[0]])
        swapped = (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and first[diff[0]] == second[diff[1]]
            and first[diff[1]] == second[diff[0]]
        )
        return swapped and not first[diff[0]].isdigit() and not first[diff[1]].isdigit()
    shorter, longer = sorted((first, second), key=len)
    index = next((i for i in range(len(shorter)) if shorter[i] != longer[i]), len(shorter))
    return not longer[index].isdigit() and not _plural_of(name, other)


def _plural_of(name: str, other: str) -> bool:
    """Whether the two names differ only by a plural `s` on one word."""
    first = [w.casefold() for w in words(name)]
    second = [w.casefold() for w in words(other)]
    if len(first) != len(second):
        return False
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    if len(differing) != 1:
        return False
    a, b = differing[0]
    return a == b + "s" or b == a + "s"


_IRREGULAR_PARTICIPLES = frozenset(
    """arisen awoken beaten begun bitten blown broken chosen done drawn driven drunk eaten
    fallen flown forbidden forgiven forgotten frozen given gone grown hidden known mistaken
    overridden overtaken proven redone ridden risen rung seen shaken shown shrunk spoken stolen
    sung sunk sworn swum taken thrown torn undone unhidden withdrawn woken worn written""".split()
)
_IRREGULAR_BASE = {
    "begin": "began", "build": "built", "buy": "bought", "choose": "chose", "do": "did",
    "find": "found", "get": "got", "give": "gave", "go": "went", "hold": "held",
    "keep": "kept", "leave": "left", "lose": "lost", "make": "made", "pay": "paid",
    "read": "read", "send": "sent", "sell": "sold", "set": "set", "spend": "spent",
    "take": "took", "tell": "told", "upload": "uploaded", "win": "won", "write": "wrote",
    "reset": "reset", "quit": "quit", "shut": "shut", "put": "put", "cut": "cut",
}  # fmt: skip
_IRREGULAR_ACTIONS = {
    **_IRREGULAR_BASE, "break": "broke", "come": "came", "fly": "flew", "have": "had",
    "hide": "hid", "run": "ran", "see": "saw", "show": "showed",
}  # fmt: skip
_PARTICIPLE_ACTIONS = {
    "begin": "begun", "break": "broken", "choose": "chosen", "come": "come", "do": "done",
    "draw": "drawn", "drive": "driven", "eat": "eaten", "fly": "flown", "forget": "forgotten",
    "forgive": "forgiven", "freeze": "frozen", "give": "given", "go": "gone", "grow": "grown",
    "hide": "hidden", "know": "known", "redo": "redone", "rewrite": "rewritten", "ride": "ridden",
    "run": "run", "see": "seen", "shake": "shaken", "show": "shown", "speak": "spoken",
    "steal": "stolen", "take": "taken", "tear": "torn", "throw": "thrown", "undo": "undone",
    "wake": "woken", "wear": "worn", "withdraw": "withdrawn", "write": "written",
}  # fmt: skip
_COMPOUND_ACTIONS = {
    "signup": "signed up", "signin": "signed in", "signout": "signed out",
    "login": "logged in", "logon": "logged on", "logout": "logged out", "logoff": "logged off",
    "setup": "set up", "checkout": "checked out", "checkin": "checked in",
    "optin": "opted in", "optout": "opted out", "pickup": "picked up", "backup": "backed up",
    "rollback": "rolled back", "dropoff": "dropped off", "payout": "paid out",
}  # fmt: skip
_DOUBLING_VERBS = frozenset(
    """admit cancel commit compel control emit equip excel expel label level model omit
    patrol permit prefer propel rebel recur refer regret signal submit transfer transmit travel
    occur""".split()
)  # verbs of more than one syllable that double their last consonant: submitted, cancelled
_SHORT_CVC = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")


def is_past_form(word: str) -> bool:
    """`is_past_tense`, or an irregular past participle (`Shown`, `Hidden`, `Done`)."""
    return is_past_tense(word) or word.casefold() in _IRREGULAR_PARTICIPLES


def past_action(word: str, *, participle: bool = False) -> str:
    """The past tense of an event's action word, keeping its capitalisation.

    It doubles final consonants (`Tap` -> `Tapped`, `Submitting` -> `Submitted`) and splits
    compounds of a verb and a particle (`Signup` -> `Signed Up`, `login` -> `logged in`). With
    `participle`, irregular verbs take their past participle, as after an object
    (`Photo Taken`, `Message Seen`) rather than before one (`Took Photo`).
    """
    irregular = {**_IRREGULAR_ACTIONS, **_PARTICIPLE_ACTIONS} if participle else _IRREGULAR_ACTIONS
    lower = word.casefold()
    if lower in _COMPOUND_ACTIONS:
        past = _COMPOUND_ACTIONS[lower]
    elif is_past_form(lower):
        return word
    elif lower.endswith("ing") and len(lower) > 4:
        past = _past_of_stem(lower[:-3], irregular)
    elif lower in irregular:
        past = irregular[lower]
    elif lower.endswith("e"):
        past = lower + "d"
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        past = lower[:-1] + "ied"
    elif lower in _DOUBLING_VERBS or _SHORT_CVC.fullmatch(lower):
        past = lower + lower[-1] + "ed"
    else:
        past = lower + "ed"
    if word[:1].isupper():
        return " ".join(part.capitalize() for part in past.split(" "))
    return past


def _past_of_stem(stem: str, irregular: dict[str, str]) -> str:
    """The past tense from what is left of an `-ing` form: `play`, `shopp`, `sav`, `gett`."""
    for base in (stem, stem[:-1] if stem[-1:] == stem[-2:-1] else None, stem + "e"):
        if base is not None and base in irregular:
            return irregular[base]
    if len(stem) > 1 and stem.endswith("y") and stem[-2] not in "aeiou":
        return stem[:-1] + "ied"
    return stem + "ed"
