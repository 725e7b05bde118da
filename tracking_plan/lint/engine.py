"""Run the enabled rules over a plan, stamp severities, apply suppressions."""

from __future__ import annotations

from ..codes import Phase, diagnostic
from ..diagnostics import Diagnostic, Severity
from ..model import Plan
from .config import LintConfig
from .registry import RULES, RULES_BY_CODE
from .rule import Rule, Violation, user_written
from .suppressions import Suppression, definition_ignores, noqa_comments

UNUSED_SUPPRESSION = "TP012"


def lint_plan(plan: Plan, config: LintConfig) -> list[Diagnostic]:
    """Every finding of the enabled rules, as diagnostics sorted by file, line and column.

    Findings in built-in spec libraries are dropped (the user cannot change them), and so are
    findings silenced by a `# tp: noqa` comment or a definition's `lint.ignore`.
    """
    found: list[tuple[type[Rule], Violation, Severity]] = []
    for rule in RULES:
        if rule.phase is not Phase.LINT or not _may_report(rule.code, config):
            continue
        for violation in rule().check(plan, config.options_for(rule.code)):
            if not user_written(violation.location):
                continue
            severity = config.severity_for(rule.code, violation.location.file)
            if severity is not None:
                found.append((rule, violation, severity))

    comments = noqa_comments(plan.files)
    ignores = definition_ignores(plan)
    diagnostics: list[Diagnostic] = []
    for rule, violation, severity in found:
        if _suppressed(rule.code, violation, comments, ignores):
            continue
        diagnostics.append(_diagnostic(rule, violation, severity))
    diagnostics.extend(_unused(comments, ignores, config))
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def _may_report(code: str, config: LintConfig) -> bool:
    setting = config.settings.get(code)
    if setting is not None and setting.severity is not None:
        return True
    return any(code in o.severities and o.severities[code] for o in config.overrides)


def _suppressed(
    code: str,
    violation: Violation,
    comments: dict[tuple[str, int], Suppression],
    ignores: dict[str, list[Suppression]],
) -> bool:
    location = violation.location
    comment = comments.get((location.file or "", location.line or 0))
    if comment is not None and comment.covers(code):
        comment.used.add(code)
        return True
    definition = violation.definition
    if definition is not None:
        for entry in ignores.get(f"{definition.call}:{definition.name}", ()):
            if entry.covers(code):
                entry.used.add(code)
                return True
    return False


def _unused(
    comments: dict[tuple[str, int], Suppression],
    ignores: dict[str, list[Suppression]],
    config: LintConfig,
) -> list[Diagnostic]:
    rule = RULES_BY_CODE[UNUSED_SUPPRESSION]
    result: list[Diagnostic] = []
    entries = [*comments.values(), *(e for group in ignores.values() for e in group)]
    for entry in entries:
        severity = config.severity_for(UNUSED_SUPPRESSION, entry.location.file)
        if severity is None or not user_written(entry.location):
            continue
        unused = [c for c in entry.codes or () if not any(u.startswith(c) for u in entry.used)]
        if entry.codes is None and not entry.used:
            message = "this `# tp: noqa` silences nothing; remove it"
        elif unused:
            where = "comment" if entry.definition is None else f"lint.ignore of {entry.definition}"
            unknown = [c for c in unused if not any(k.startswith(c) for k in RULES_BY_CODE)]
            detail = f" ({', '.join(unknown)}: no such code)" if unknown else ""
            message = f"unused suppression of {', '.join(unused)} in this {where}{detail}"
        else:
            continue
        result.append(
            _diagnostic(rule, Violation(message=message, location=entry.location), severity)
        )
    return result


def _diagnostic(rule: type[Rule], violation: Violation, severity: Severity) -> Diagnostic:
    data = dict(violation.data)
    if violation.definition is not None:
        data.setdefault("definition", violation.definition.name)
        data.setdefault("call", violation.definition.call.value)
    return diagnostic(
        rule.code,
        violation.message,
        severity=severity,
        location=violation.location,
        suggestion=violation.suggestion,
        data=data,
    )
