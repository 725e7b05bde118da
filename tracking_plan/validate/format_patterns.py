"""Patterns that only valid values of a format match, as Python jsonschema checks the format: the
fast path and the scanner decide formats with them, and a value they match needs no call to
jsonschema's own check (nor its import)."""

from __future__ import annotations

# RFC 3339 date-time as jsonschema's format checker accepts it, minus Feb 29 (left to the
# schema path, which knows leap years): every string this matches is a valid date-time.
# ASCII digits only ([0-9], not \d, which matches other scripts' digits) and \Z, not $ (which
# also matches before a final newline).
_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
# Python's date has no year 0; written without a lookahead so that it compiles to a DFA.
_YEAR = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
DATE_TIME_PATTERN = rf"^{_YEAR}-{_DAY}[Tt]{_TIME}{_OFFSET}\Z"
DATE_PATTERN = rf"^{_YEAR}-{_DAY}\Z"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
# A URI as RFC 3986 writes the plain ones (scheme://host[:port][/path][?query][#fragment]) with
# unreserved characters, sub-delimiters, ":" and "@" only (no percent sign, so no escape to
# check): a subset of what jsonschema's `uri` check (rfc3986-validator) accepts.
_URI_CHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@-]"
URI_SURELY_VALID = (
    rf"^[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~-]+(?::[0-9]+)?(?:/{_URI_CHARS}*)*"
    rf"(?:\?(?:{_URI_CHARS}|[/?])*)?(?:#(?:{_URI_CHARS}|[/?])*)?\Z"
)

# February 29 of a leap year (a multiple of 4 that is not one of 100, or a multiple of 400;
# year 0 is not a year for Python's date), for the checks that are not compiled to a DFA.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_LEAP_DAY_TIME = rf"^{_LEAP_YEAR}-02-29[Tt]{_TIME}{_OFFSET}\Z"

SURELY_VALID = {
    "date-time": f"{DATE_TIME_PATTERN}|{_LEAP_DAY_TIME}",
    "email": r"(?s)[^@]*@",  # jsonschema's whole check: an @ somewhere
    "date": DATE_PATTERN,
    "uuid": UUID_PATTERN,
    "uri": URI_SURELY_VALID,
}
"""Format -> a pattern whose matches are valid values of it (a regex match is several times
cheaper than the format's own check)."""
