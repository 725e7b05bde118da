"""Names of events and properties: split into words, check and convert naming conventions,
normalise for duplicate detection, and recognise past-tense verbs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

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


def replace_word(name: str, index: int, replacement: str) -> str:
    """`name` with its word number `index` (as `words` splits it) replaced and the rest kept as
    written. The words of a replacement of several are joined as the name joins its words:
    `user_signup` -> `user_signed_up`, `userSignup` -> `userSignedUp`."""
    spans = [match.span() for match in _WORD.finditer(name)]
    separator = " "
    if len(spans) > 1:
        right = max(index, 1)  # the separator before the word, or after the first
        separator = name[spans[right - 1][1] : spans[right][0]]
    start, end = spans[index]
    return name[:start] + separator.join(replacement.split(" ")) + name[end:]


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


_IRREGULAR = {
    verb: (past, participle)
    for verb, past, participle in (
        row.split()
        for row in """
        arise arose arisen; awake awoke awoken; beat beat beaten; become became become;
        begin began begun; bend bent bent; bet bet bet; bid bid bid; bind bound bound;
        bite bit bitten; bleed bled bled; blow blew blown; break broke broken;
        bring brought brought; build built built; buy bought bought; catch caught caught;
        choose chose chosen; cling clung clung; come came come; cost cost cost; creep crept crept;
        cut cut cut; deal dealt dealt; dig dug dug; do did done; draw drew drawn; drink drank drunk;
        drive drove driven; eat ate eaten; fall fell fallen; feed fed fed; feel felt felt;
        fight fought fought; find found found; flee fled fled; fling flung flung; fly flew flown;
        forbid forbade forbidden; forget forgot forgotten; forgive forgave forgiven;
        freeze froze frozen; get got got; give gave given; go went gone; grow grew grown;
        hang hung hung; have had had; hear heard heard; hide hid hidden; hit hit hit;
        hold held held; hurt hurt hurt; keep kept kept; know knew known; lay laid laid;
        lead led led; leave left left; lend lent lent; let let let; light lit lit; lose lost lost;
        make made made; mean meant meant; meet met met; mistake mistook mistaken;
        override overrode overridden; overtake overtook overtaken; pay paid paid;
        prove proved proven; put put put; quit quit quit; read read read; rebuild rebuilt rebuilt;
        redo redid redone; remake remade remade; rerun reran rerun; resell resold resold;
        reset reset reset; rewrite rewrote rewritten; ride rode ridden; ring rang rung;
        rise rose risen; run ran run; say said said; see saw seen; seek sought sought;
        sell sold sold; send sent sent; set set set; shake shook shaken; shine shone shone;
        shoot shot shot; show showed shown; shrink shrank shrunk; shut shut shut; sing sang sung;
        sink sank sunk; sit sat sat; sleep slept slept; slide slid slid; sling slung slung;
        speak spoke spoken; spend spent spent; spin spun spun; split split split;
        spread spread spread; spring sprang sprung; stand stood stood; steal stole stolen;
        stick stuck stuck; sting stung stung; strike struck struck; string strung strung;
        strive strove striven; swear swore sworn; sweep swept swept; swim swam swum;
        swing swung swung; take took taken; teach taught taught; tear tore torn; tell told told;
        think thought thought; throw threw thrown; understand understood understood;
        undo undid undone; unhide unhid unhidden; uphold upheld upheld; upset upset upset;
        wake woke woken; wear wore worn; win won won; wind wound wound; withdraw withdrew withdrawn;
        wring wrung wrung; write wrote written
        """.split(";")
    )
}
"""Irregular verbs, their past tense and past participle: what `is_past_form` recognises and
`past_action` writes. A verb made of a prefix and one of them (`resend`, `overwrite`) is written
like it, and recognised only if listed (`rebuilt`)."""
_IRREGULAR_PAST = frozenset(past for past, _ in _IRREGULAR.values()) | {
    "burnt", "dreamt", "leapt", "learnt",  # the past of regular verbs, in British spelling
}  # fmt: skip
_IRREGULAR_PARTICIPLES = frozenset(
    participle for verb, (_, participle) in _IRREGULAR.items() if participle != verb
)
"""Participles that are not also the infinitive (`run`, `come`): a name ending in `Run` is not
taken as past."""
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


_COMPOUND_ACTIONS = {
    "signup": "signed up", "signin": "signed in", "signout": "signed out",
    "login": "logged in", "logon": "logged on", "logout": "logged out", "logoff": "logged off",
    "setup": "set up", "checkout": "checked out", "checkin": "checked in",
    "optin": "opted in", "optout": "opted out", "pickup": "picked up", "backup": "backed up",
    "rollback": "rolled back", "dropoff": "dropped off", "payout": "paid out",
}  # fmt: skip
_DOUBLING_VERBS = frozenset(
    """admit cancel commit compel confer control defer deter dispel emit equip excel expel incur
    infer label level model omit patrol permit prefer propel rebel recur refer regret signal
    submit transfer transmit travel occur""".split()
)  # verbs of more than one syllable that double their last consonant: submitted, cancelled
_SHORT_CVC = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")
_PREFIXES = ("under", "over", "pre", "mis", "re", "un")
_REGULAR_PREFIXED = frozenset({"relay"})  # not re- and lay


def is_past_form(word: str) -> bool:
    """`is_past_tense`, or an irregular past participle (`Shown`, `Hidden`, `Done`)."""
    return is_past_tense(word) or word.casefold() in _IRREGULAR_PARTICIPLES


def past_action(word: str, *, participle: bool = False) -> str:
    """The past tense of an event's action word, keeping its capitalisation.

    It doubles final consonants (`Tap` -> `Tapped`, `Submitting` -> `Submitted`), knows the
    irregular verbs, also after a prefix (`Resend` -> `Resent`, `unpin` -> `unpinned`), and
    splits compounds of a verb and a particle (`Signup` -> `Signed Up`, `login` -> `logged
    in`). With `participle`, irregular verbs take their past participle, as after an object
    (`Photo Taken`, `Message Seen`) rather than before one (`Took Photo`).
    """
    lower = word.casefold()
    if lower in _COMPOUND_ACTIONS:
        past = _COMPOUND_ACTIONS[lower]
    elif is_past_form(lower):
        return word
    elif lower.endswith("ing") and len(lower) > 4 and _irregular_past(lower, participle) is None:
        past = _past_of_stem(lower[:-3], participle)  # not `bring`, `string`
    else:
        past = _past_of_verb(lower, participle)
    if word[:1].isupper():
        return " ".join(part.capitalize() for part in past.split(" "))
    return past


def _past_of_verb(verb: str, participle: bool) -> str:
    irregular = _irregular_past(verb, participle)
    if irregular is not None:
        return irregular
    if verb.endswith("ic"):
        return verb + "ked"
    if any(_doubles(root) for _, root in _roots(verb)):
        return verb + verb[-1] + "ed"
    return _add_ed(verb)


def _past_of_stem(stem: str, participle: bool) -> str:
    """The past tense from what is left of an `-ing` form: `play`, `shopp`, `sav`, `gett`,
    `free`, `panick`. A regular verb's stem is spelt as its past, but for the `-ed`."""
    undoubled = stem[:-1] if stem[-1:] == stem[-2:-1] else None
    for verb in (stem, undoubled, stem + "e"):
        irregular = _irregular_past(verb, participle) if verb else None
        if irregular is not None:
            return irregular
    return _add_ed(stem)


def _add_ed(word: str) -> str:
    """`-ed`, `-d` after an e, `-ied` for a y after a consonant: `opened`, `freed`, `copied`."""
    if word.endswith("e"):
        return word + "d"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ied"
    return word + "ed"


def _irregular_past(verb: str, participle: bool) -> str | None:
    """The past (or participle) of an irregular verb, also after a prefix: `resend` -> `resent`."""
    for prefix, root in _roots(verb):
        if root in _IRREGULAR and verb not in _REGULAR_PREFIXED:
            past, past_participle = _IRREGULAR[root]
            return prefix + (past_participle if participle else past)
    return None


def _roots(verb: str) -> Iterator[tuple[str, str]]:
    """The verb itself, then (prefix, rest) for each prefix it starts with: `unpin` -> `pin`."""
    yield "", verb
    for prefix in _PREFIXES:
        if verb.startswith(prefix) and len(verb) - len(prefix) >= 2:
            yield prefix, verb[len(prefix) :]


def _doubles(verb: str) -> bool:
    """Whether the verb doubles its last consonant before `-ed`: `stop`, `submit`, `cancel`
    (not the `it` of `unit`)."""
    return verb in _DOUBLING_VERBS or (len(verb) > 2 and bool(_SHORT_CVC.fullmatch(verb)))
