"""The regex -> DFA compiler agrees with `re.search` on ASCII strings without "\\n"."""

from __future__ import annotations

import itertools
import random
import re
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_plan.validate.dfa import Dfa, search_dfa
from tracking_plan.validate.format_patterns import DATE_PATTERN, DATE_TIME_PATTERN, UUID_PATTERN

# -- random patterns from the supported constructs -----------------------------------------------

_ATOMS = [
    *("a", "b", "A", "k", "-", "0", r"\.", "@", " "),
    *(".", "[ab]", "[^a]", "[a-c0-9]", r"[^\d-]", r"[\s_]", "[K-k]"),
    *(r"\d", r"\w", r"\s", r"\D", r"\W", r"\S"),
    *("^", "$", r"\A", r"\Z", "(?:)"),
]
_QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?", "??", "{1,2}?"]
_FLAGS = ["", "", "", "", "(?i)", "(?m)", "(?s)", "(?a)", "(?ai)"]
# Characters that sit on the edges of the classes above (\s includes \x1c-\x1f and \x0b).
_TEXT_ALPHABET = "ab-09AKkz _@.\t\x0b\x0c\r\x1c\x1f\x00\x7f"
# Every string up to length 3 over these is tried on every pattern.
_SHORT_TEXTS = [
    "".join(chars) for size in range(4) for chars in itertools.product("a0- ", repeat=size)
]


def _group(parts: list[str]) -> str:
    return "(?:" + "|".join(parts) + ")"


_patterns = st.recursive(
    st.sampled_from(_ATOMS),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=4).map("".join),
        st.lists(inner, min_size=2, max_size=3).map(_group),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: "(" + "|".join(parts) + ")"),
        st.tuples(inner, st.sampled_from(_QUANTIFIERS)).map(lambda t: f"(?:{t[0]}){t[1]}"),
    ),
    max_leaves=10,
)


def _agrees(dfa: Dfa, pattern: str, text: str) -> bool:
    return dfa.matches(text) == (re.search(pattern, text) is not None)


@settings(max_examples=400, deadline=None)
@given(
    flags=st.sampled_from(_FLAGS),
    body=_patterns,
    texts=st.lists(st.text(_TEXT_ALPHABET, max_size=10), max_size=20),
)
def test_dfa_agrees_with_re_search(flags: str, body: str, texts: list[str]) -> None:
    pattern = flags + body
    dfa = search_dfa(pattern)
    assert dfa is not None, pattern
    for text in [*_SHORT_TEXTS, *texts]:
        assert _agrees(dfa, pattern, text), (pattern, text)


@settings(max_examples=100, deadline=None)
@given(body=_patterns, limit=st.integers(min_value=1, max_value=8))
def test_max_states_is_respected(body: str, limit: int) -> None:
    dfa = search_dfa(body, max_states=limit)
    assert dfa is None or dfa.states <= limit


# -- the plan's real patterns --------------------------------------------------------------------

_MUTATIONS = "0159azAZT-_:.+@ \tz"


def _near_misses(text: str) -> list[str]:
    """Every single-character deletion, insertion and replacement of `text`."""
    found = [text[:i] + text[i + 1 :] for i in range(len(text))]
    for i, char in itertools.product(range(len(text) + 1), _MUTATIONS):
        found.append(text[:i] + char + text[i:])
        if i < len(text):
            found.append(text[:i] + char + text[i + 1 :])
    return found


def _random_ascii(rng: random.Random, count: int) -> list[str]:
    alphabet = [chr(code) for code in range(128) if code != 10]
    return ["".join(rng.choices(alphabet, k=rng.randrange(20))) for _ in range(count)]


_REAL_PATTERNS = {
    r"^SKU-[0-9]{6}$": ["SKU-123456", "SKU-000000"],
    r"^cart_[0-9a-z]{10}$": ["cart_0a1b2c3d4e", "cart_zzzzzzzzzz"],
    r"^ord_[0-9a-z]{12}$": ["ord_0a1b2c3d4e5f"],
    r"^[A-Z0-9]{4,16}$": ["AB12", "A1B2C3", "ABCDEFGH12345678"],
    r"^[A-Z]{2}$": ["US", "GB"],
    r"^cmp_[0-9a-z]{8}$": ["cmp_abc12345"],
    r"^[0-9]+\.[0-9]+\.[0-9]+$": ["1.2.3", "10.20.300"],
    "@": ["a@b.c", "@"],
    DATE_PATTERN: ["2024-11-04", "0001-01-01", "2023-02-28", "1999-12-31", "2000-04-30"],
    UUID_PATTERN: ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-42661417400F"],
}


@pytest.mark.parametrize("pattern", list(_REAL_PATTERNS))
def test_real_patterns_agree_with_re_search(pattern: str) -> None:
    dfa = search_dfa(pattern)
    assert dfa is not None
    valid = _REAL_PATTERNS[pattern]
    assert all(dfa.matches(text) for text in valid)
    texts = [text for sample in valid for text in _near_misses(sample)]
    texts += _random_ascii(random.Random(pattern), 500)
    for text in texts:
        assert _agrees(dfa, pattern, text), text


def _date_times(rng: random.Random, count: int) -> list[str]:
    """Mostly valid date-times, with days, hours and offsets a little past the edges."""
    found = []
    for _ in range(count):
        year = rng.choice([rng.randrange(1, 10_000), rng.randrange(0, 100), 2024])
        month, day = rng.randrange(0, 14), rng.choice([rng.randrange(1, 29), 28, 29, 30, 31, 32])
        clock = f"{rng.randrange(25):02}:{rng.randrange(61):02}:{rng.randrange(61):02}"
        fraction = rng.choice(["", ".0", ".024", ".123456789", "."])
        offset = rng.choice(["Z", "z", "+05:30", "-23:59", "+24:00", "-00:60", "", "+0530"])
        separator = rng.choice("TTTt ")
        found.append(f"{year:04}-{month:02}-{day:02}{separator}{clock}{fraction}{offset}")
    return found


def test_date_time_pattern_agrees_with_re_search() -> None:
    dfa = search_dfa(DATE_TIME_PATTERN)
    assert dfa is not None
    rng = random.Random(2024)
    samples = ["2024-11-04T00:00:00.024Z", "0001-01-01T23:59:59+23:59", *_date_times(rng, 2000)]
    texts = samples + [text for sample in samples[:40] for text in _near_misses(sample)]
    texts += _random_ascii(rng, 500)
    matched = 0
    for text in texts:
        assert _agrees(dfa, DATE_TIME_PATTERN, text), text
        matched += dfa.matches(text)
    assert matched > 300  # the check is not only about rejections


# -- refusals and shape --------------------------------------------------------------------------


# Lookarounds, backreferences, word boundaries, conditionals, atomic, possessive, bad syntax.
_REFUSED = [
    *(r"(?=a)b", r"(?<!x)y", r"(a)\1", r"\bfoo", r"a\B"),
    *(r"(a)?(?(1)b|c)", r"(?>a)", "a*+", "("),
]


@pytest.mark.parametrize("pattern", _REFUSED)
def test_unsupported_patterns_are_refused(pattern: str) -> None:
    assert search_dfa(pattern) is None


def test_exploding_pattern_is_refused() -> None:
    assert search_dfa(r"(a|b)*a(a|b){20}") is None
    assert search_dfa(r"(a|b)*a(a|b){3}") is not None


@pytest.mark.parametrize("pattern", [*_REAL_PATTERNS, DATE_TIME_PATTERN, "", "a^", "$^"])
def test_table_shape(pattern: str) -> None:
    dfa = search_dfa(pattern)
    assert dfa is not None
    assert len(dfa.transitions) == dfa.states * 128 * 4
    assert len(dfa.accepting) == dfa.states
    assert 0 <= dfa.start < dfa.states
    table = array("i")
    table.frombytes(dfa.transitions)
    assert all(-1 <= target < dfa.states for target in table)
    assert set(dfa.accepting) <= {0, 1}
