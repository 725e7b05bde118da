"""`tp lint`: rules over the plan model, configuration, suppressions."""

from __future__ import annotations

from .config import ConfigError, LintConfig, find_config, load_config
from .engine import lint_plan
from .registry import RULES, RULES_BY_CODE, RULES_BY_SLUG, rule_class
from .rule import Rule, Violation

__all__ = [
    "RULES",
    "RULES_BY_CODE",
    "RULES_BY_SLUG",
    "ConfigError",
    "LintConfig",
    "Rule",
    "Violation",
    "find_config",
    "lint_plan",
    "load_config",
    "rule_class",
]
