"""TP008 unknown-format."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from tracking_plan.diagnostics import Severity
from tracking_plan.lint.rule import Rule, Violation
from tracking_plan.lint.types import Problem, property_violations
from tracking_plan.model import Plan, Property

KNOWN_FORMATS = (
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
)
"""The formats of JSON Schema (draft 2020-12) that validators know."""

_ALIASES = {
    "url": "uri",
    "url-reference": "uri-reference",
    "uri-ref": "uri-reference",
    "timestamp": "date-time",
    "time-stamp": "date-time",
    "iso8601": "date-time",
    "iso-8601": "date-time",
    "guid": "uuid",
}
"""Common names for known formats that are too far from them for a spelling match."""


@dataclass(frozen=True, slots=True)
class UnknownFormatOptions:
    extra_formats: tuple[str, ...] = ()
    """Custom formats your validator supports (registered with it), accepted as known."""


class UnknownFormat(Rule):
    """A string format that validators do not know.

    ## What it does
    Checks every property's `format` against the formats JSON Schema defines (`date-time`,
    `date`, `time`, `duration`, `email`, `idn-email`, `hostname`, `idn-hostname`, `ipv4`,
    `ipv6`, `uri`, `uri-reference`, `iri`, `iri-reference`, `uuid`, `uri-template`,
    `json-pointer`, `relative-json-pointer`, `regex`) and suggests the closest one. List the
    formats your validator has been taught in the `extra_formats` option:
    `rules: {TP008: {options: {extra_formats: [phone]}}}`.

    ## Why is this bad?
    JSON Schema validators ignore formats they do not know, so a misspelt `format: datetime`
    lets any string through while the plan looks strict. Formats are also case-sensitive:
    `Date-Time` is not `date-time`.

    ## Example
    ```yaml
    events:
      Order Completed:
        properties:
          shipped_at: {type: string, format: datetime}
          support_email: {type: string, format: e-mail}
    ```

    ## Use instead
    ```yaml
    events:
      Order Completed:
        properties:
          shipped_at: {type: string, format: date-time}
          support_email: {type: string, format: email}
    ```
    """

    code = "TP008"
    slug = "unknown-format"
    summary = "A string format that validators do not know"
    default_severity = Severity.WARNING
    Options = UnknownFormatOptions

    def check(self, plan: Plan, options: UnknownFormatOptions) -> Iterator[Violation]:
        known = (*KNOWN_FORMATS, *options.extra_formats)

        def problems(prop: Property) -> Iterator[Problem]:
            for name in prop.formats:
                if name in known:
                    continue
                guess = _closest(name, known)
                if guess is not None:
                    advice = f"did you mean {guess!r}?"
                else:
                    advice = (
                        "use a known format or a `pattern`, or list it in the `extra_formats` "
                        "option of TP008 if your validator supports it"
                    )
                yield Problem(
                    text=f"format {name!r} is unknown to JSON Schema validators, which "
                    f"ignore it and accept any string; {advice}",
                    suggestion=guess,
                )

        return property_violations(plan, problems)


def _closest(written: str, known: tuple[str, ...]) -> str | None:
    normal = written.lower().replace("_", "-").replace(" ", "-")
    if normal in _ALIASES:
        return _ALIASES[normal]
    by_normal = {k.lower(): k for k in known}
    if normal in by_normal:
        return by_normal[normal]
    # Stricter than difflib's default 0.6, which offers `hostname` for `phone`.
    matches = difflib.get_close_matches(normal, list(by_normal), n=1, cutoff=0.75)
    return by_normal[matches[0]] if matches else None
