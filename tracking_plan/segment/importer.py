"""Import a Segment Protocols tracking plan (Public API or Config API / Typewriter JSON) as YAML.

`import_segment` never raises: what it cannot express becomes a TP011 warning naming the JSON
path, input it cannot read at all a TP002 error (and no YAML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ruamel.yaml.error import YAMLError

from ..codes import diagnostic
from ..diagnostics import Diagnostic, Location
from ..jsonkinds import kind_phrase
from ..slugs import kebab_slug
from ..yaml_writer import dump_plan
from .conventions import infer_conventions
from .definitions import add_definitions, global_context
from .json_source import JsonProblem, parse_json
from .notes import ImportNotes
from .properties import Spec
from .rule_list import Globals, Holders, config_rules, first_text, holders, public_rules

_ORDER = (
    "plan",
    "description",
    "conventions",
    "context",
    "events",
    "identify",
    "group",
    "pages",
    "screens",
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The plan as YAML text (None when nothing could be imported) and what was found."""

    yaml_text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.yaml_text is not None


def import_segment(data: Any, *, source: str) -> ImportResult:
    """Convert parsed Segment tracking-plan JSON into plan YAML; `source` names the input file."""
    notes = ImportNotes(source)
    text = _plan_yaml(notes, data)
    return ImportResult(text, notes.diagnostics)


def import_segment_text(text: str, *, source: str) -> ImportResult:
    """`import_segment` of JSON text; text that is not usable JSON is a located TP002 error."""
    try:
        data = parse_json(text)
    except JsonProblem as problem:
        hint = ""
        if problem.message.startswith("not valid JSON"):
            hint = "; export the plan from Segment as JSON (Public API or Typewriter plan.json)"
        location = Location(file=source, line=problem.line, column=problem.column)
        error = diagnostic("TP002", problem.message + hint, location=location)
        return ImportResult(None, [error])
    return import_segment(data, source=source)


def _plan_yaml(notes: ImportNotes, data: Any) -> str | None:
    if not isinstance(data, dict):
        notes.error((), f"a Segment tracking plan is a JSON object, not {kind_phrase(data)}")
        return None
    found = holders(data)
    with_rules = next(((h, p) for h, p in found if "rules" in h), None)
    if with_rules is None:
        notes.error((), "no `rules` found: not a Segment Public API or Config API tracking plan")
        return None
    holder, path = with_rules
    rules, path = holder["rules"], (*path, "rules")
    globals_: Globals = []
    if isinstance(rules, list):
        collected = public_rules(notes, rules, path, globals_)
    elif isinstance(rules, dict):
        collected = config_rules(notes, rules, path, globals_)
    else:
        notes.error(path, f"`rules` must be a list or a mapping, not {kind_phrase(rules)}")
        return None
    if not collected:
        notes.error(path, "the tracking plan has no rules that could be imported")
        return None
    plan: Spec = {"plan": _plan_name(found, notes.source)}
    description = first_text(found, "description")
    if description:
        plan["description"] = description
    context = global_context(notes, globals_)
    if context:
        plan["context"] = context
    add_definitions(notes, collected, plan)
    conventions = infer_conventions(plan)
    if conventions:
        plan["conventions"] = conventions
    for section in _ORDER:
        if section in plan:
            plan[section] = plan.pop(section)
    try:
        return dump_plan(plan, f"Imported from {notes.source} by tp import segment")
    except (RecursionError, ValueError, TypeError, YAMLError) as problem:
        notes.error(path, f"the imported plan cannot be written as YAML: {problem}")
        return None


def _plan_name(found: Holders, source: str) -> str:
    name = first_text(found, "display_name") or first_text(found, "displayName")
    if not name:
        names = [h.get("name") for h, _ in found]
        name = next((n for n in names if isinstance(n, str) and "/" not in n), None)
    for candidate in (name, PurePath(source).stem):
        slug = kebab_slug(candidate or "")
        if slug:
            return slug
    return "segment-plan"
