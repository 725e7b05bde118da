"""The rule registry: the explicit list in the `rules/` package (`tracking_plan.rules`)."""

from __future__ import annotations

import importlib
from typing import cast

from .rule import Rule

# `rules/` is mapped onto `tracking_plan.rules` by the package build (see pyproject.toml); mypy
# checks that folder as `rules` and cannot follow the mapping, hence the look-up by name.
RULES: tuple[type[Rule], ...] = cast(
    "tuple[type[Rule], ...]", importlib.import_module("tracking_plan.rules").RULES
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}
RULES_BY_SLUG: dict[str, type[Rule]] = {rule.slug: rule for rule in RULES}


def rule_class(code_or_slug: str) -> type[Rule]:
    """The rule with this code or slug; KeyError when there is none."""
    rule = RULES_BY_CODE.get(code_or_slug.upper()) or RULES_BY_SLUG.get(code_or_slug)
    if rule is None:
        raise KeyError(code_or_slug)
    return rule
