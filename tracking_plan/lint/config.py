"""Lint configuration: `.tracking-plan.yaml` or `[tool.tracking-plan]` in pyproject.toml.

Keys: `extends` (bundled presets `recommended`, `strict`, `all`, or a path to another config
file), `select` (exactly these rules), `ignore`, `rules` (per-rule severity and options),
`overrides` (per-file select/ignore/severity), `fail_on`. Layers apply in order: what a config
extends, then its `rules`, `select` and `ignore`; command-line `--select`/`--ignore` come last.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..codes import Phase, diagnostic
from ..diagnostics import Diagnostic, Location, Severity
from ..loader.reader import did_you_mean
from ..loader.source_file import SourceError, read_source, resolve
from ..loader.yaml_source import compose, node_value
from ..pointers import join_pointer
from .config_search import ConfigError
from .registry import RULES_BY_CODE, RULES_BY_SLUG, rule_class
from .rule import OptionsError

PRESETS = ("recommended", "strict", "all")
DEFAULT_PRESET = "recommended"
TOP_KEYS = ("extends", "select", "ignore", "rules", "overrides", "fail_on")
OVERRIDE_KEYS = ("files", "select", "ignore", "rules")
SEVERITY_WORDS = ("error", "warning", "info", "off", "on")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSetting:
    severity: Severity | None  # None: off
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Override:
    files: tuple[str, ...]
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severities: Mapping[str, Severity | None] = field(default_factory=dict)

    def applies_to(self, file: str | None) -> bool:
        path = (file or "").replace("\\", "/")
        return any(fnmatch.fnmatch(path, pattern) for pattern in self.files)


@dataclass(frozen=True, slots=True, kw_only=True)
class LintConfig:
    """The resolved configuration: the severity and options of every rule."""

    settings: Mapping[str, RuleSetting]
    overrides: tuple[Override, ...] = ()
    fail_on: Severity = Severity.ERROR
    source: str | None = None
    files: tuple[str, ...] = ()
    """The configuration files it was read from: `source` and the files it extends."""

    def enabled(self) -> list[str]:
        return sorted(code for code, s in self.settings.items() if s.severity is not None)

    def severity_for(self, code: str, file: str | None) -> Severity | None:
        """The severity of `code` for a finding in `file` (None: not reported)."""
        setting = self.settings.get(code)
        severity = setting.severity if setting else None
        for override in self.overrides:
            if not override.applies_to(file):
                continue
            if override.select is not None and not _matches_any(code, override.select):
                severity = None
            if _matches_any(code, override.ignore):
                severity = None
            for selector, value in override.severities.items():
                if _matches(code, selector):
                    severity = value
        return severity

    def options_for(self, code: str) -> Any:
        setting = self.settings.get(code)
        return rule_class(code).make_options(setting.options if setting else {})


def _matches(code: str, selector: str) -> bool:
    return code.startswith(selector) or RULES_BY_SLUG.get(selector) is RULES_BY_CODE.get(code)


def _matches_any(code: str, selectors: Iterable[str]) -> bool:
    return any(_matches(code, s) for s in selectors)


# -- reading ---------------------------------------------------------------------------------


class _Source:
    """One config document as plain data, with the location of every key for messages."""

    def __init__(
        self,
        data: Any,
        file: str,
        values: dict[str, Location] | None = None,
        keys: dict[str, Location] | None = None,
    ) -> None:
        self.data = data
        self.file = file
        self.values = values or {}
        self.keys = keys or {}
        self.problems: list[Diagnostic] = []

    def error(
        self, pointer: str, message: str, suggestion: str | None = None, *, at_key: bool = False
    ) -> None:
        """Report at the value of `pointer`, or at its key with `at_key` (unknown keys)."""
        where = (self.keys if at_key else self.values).get(pointer)
        location = where or Location(file=self.file, pointer=pointer)
        self.problems.append(diagnostic("TP013", message, location=location, suggestion=suggestion))


def _read_yaml(path: Path, display: str) -> _Source:
    text = read_source(path)
    root, errors = compose(text, display)
    values: dict[str, Location] = {}
    keys: dict[str, Location] = {}

    def at(node: yaml.Node, pointer: str) -> Location:
        mark = node.start_mark
        return Location(file=display, line=mark.line + 1, column=mark.column + 1, pointer=pointer)

    def walk(node: yaml.Node, pointer: str) -> None:
        values[pointer] = at(node, pointer)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = join_pointer(pointer, key.value)
                keys[child] = at(key, child)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, join_pointer(pointer, index))

    if root is not None:
        walk(root, "")
    source = _Source({} if root is None else node_value(root), display, values, keys)
    for error in errors:
        source.problems.append(diagnostic("TP013", error.message, location=error.location))
    return source


def _read_pyproject(path: Path, display: str) -> _Source | None:
    try:
        document = tomllib.loads(read_source(path))
    except tomllib.TOMLDecodeError as error:
        source = _Source({}, display)
        source.error("", f"invalid TOML: {error}")
        return source
    table = document.get("tool", {}).get("tracking-plan")
    if table is None:
        return None
    return _Source(table, display)


def _read(path: Path) -> _Source | None:
    display = str(path)
    try:
        if path.name == "pyproject.toml":
            return _read_pyproject(path, display)
        return _read_yaml(path, display)
    except SourceError as error:
        source = _Source({}, display)
        source.error("", f"cannot read configuration {display}: {error.reason}")
        return source


# -- resolving -------------------------------------------------------------------------------


class _Resolver:
    def __init__(self) -> None:
        self.settings: dict[str, RuleSetting] = {}
        self.overrides: list[Override] = []
        self.fail_on = Severity.ERROR
        self.problems: list[Diagnostic] = []
        self.seen: list[str] = []
        self.files: list[str] = []

    def apply_file(self, path: Path, *, bundled: bool = False) -> None:
        if not bundled:
            self.files.append(str(path))
        key = _identity(path)
        if key in self.seen:
            chain = " -> ".join(Path(s).name for s in (*self.seen, key))
            self.problems.append(_config_error(f"config extends itself: {chain}", str(path)))
            return
        source = _read(path)
        if source is None:
            self.problems.append(
                _config_error(f"{path} has no [tool.tracking-plan] table", str(path))
            )
            return
        self.seen.append(key)
        self.apply(source, base=path.parent, default_extends=None)
        self.seen.pop()

    def apply_preset(self, name: str) -> None:
        path = resources.files("tracking_plan.rules").joinpath(f"presets/{name}.yaml")
        with resources.as_file(path) as real:
            self.apply_file(Path(real), bundled=True)

    def apply(self, source: _Source, *, base: Path, default_extends: str | None) -> None:
        data = source.data
        if not isinstance(data, dict):
            source.error("", "the configuration must be a mapping of keys")
            self.problems.extend(source.problems)
            return
        for key in data:
            if key not in TOP_KEYS:
                guess = did_you_mean(str(key), TOP_KEYS)
                hint = f"; did you mean {guess!r}?" if guess else ""
                source.error(
                    f"/{key}",
                    f"unknown configuration key {key!r}{hint} (keys: {', '.join(TOP_KEYS)})",
                    guess,
                    at_key=True,
                )
        extends = data.get("extends", default_extends)
        for index, target in enumerate(_as_list(extends)):
            pointer = "/extends" if isinstance(extends, str) else f"/extends/{index}"
            if not isinstance(target, str):
                source.error(pointer, "extends takes preset names or config file paths")
            elif target in PRESETS:
                self.apply_preset(target)
            elif target.endswith((".yaml", ".yml", ".toml")):
                self.apply_file(base / target)
            else:
                guess = did_you_mean(target, PRESETS)
                hint = f"; did you mean {guess!r}?" if guess else ""
                source.error(
                    pointer,
                    f"unknown preset {target!r}{hint} (presets: {', '.join(PRESETS)}, "
                    "or a path to a .yaml config)",
                    guess,
                )
        if "rules" in data:
            self._apply_rules(source, data["rules"], "/rules")
        if "select" in data:
            self.select(self._selectors(source, data["select"], "/select"))
        if "ignore" in data:
            self.ignore(self._selectors(source, data["ignore"], "/ignore"))
        if "fail_on" in data:
            value = data["fail_on"]
            if value in ("error", "warning", "info"):
                self.fail_on = Severity.parse(value)
            else:
                source.error("/fail_on", "fail_on must be error, warning or info")
        if "overrides" in data:
            self._apply_overrides(source, data["overrides"])
        self.problems.extend(source.problems)

    def select(self, selectors: Sequence[str]) -> None:
        for code, rule in RULES_BY_CODE.items():
            if rule.phase is not Phase.LINT:
                continue
            current = self.settings.get(code)
            if _matches_any(code, selectors):
                if current is None or current.severity is None:
                    options = current.options if current else {}
                    self.settings[code] = RuleSetting(
                        severity=rule.default_severity, options=options
                    )
            elif current is not None:
                self.settings[code] = RuleSetting(severity=None, options=current.options)

    def ignore(self, selectors: Sequence[str]) -> None:
        for code, current in list(self.settings.items()):
            if _matches_any(code, selectors):
                self.settings[code] = RuleSetting(severity=None, options=current.options)

    def _selectors(self, source: _Source, value: Any, pointer: str) -> list[str]:
        result: list[str] = []
        for index, selector in enumerate(_as_list(value)):
            where = f"{pointer}/{index}" if isinstance(value, list) else pointer
            if not isinstance(selector, str) or not any(
                _matches(code, selector) for code in RULES_BY_CODE
            ):
                guess = did_you_mean(str(selector), [*RULES_BY_CODE, *RULES_BY_SLUG])
                hint = f"; did you mean {guess!r}?" if guess else ""
                source.error(where, f"{selector!r} matches no rule code or slug{hint}", guess)
                continue
            result.append(selector)
        return result

    def _apply_rules(self, source: _Source, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            source.error(pointer, "rules must map rule codes to a severity or settings")
            return
        for key, setting in value.items():
            where = join_pointer(pointer, key)
            rule = RULES_BY_CODE.get(key) or RULES_BY_SLUG.get(key)
            if rule is None:
                guess = did_you_mean(str(key), [*RULES_BY_CODE, *RULES_BY_SLUG])
                hint = f"; did you mean {guess!r}?" if guess else ""
                source.error(where, f"unknown rule {key!r}{hint}", guess, at_key=True)
                continue
            current = self.settings.get(rule.code, RuleSetting(severity=None))
            severity_word, options = setting, None
            if isinstance(setting, dict):
                unknown = set(setting) - {"severity", "options"}
                if unknown:
                    source.error(
                        where,
                        f"unknown key {sorted(unknown)[0]!r} for {rule.code} "
                        "(use severity and options)",
                    )
                    continue
                severity_word = setting.get("severity", "on")
                options = setting.get("options", {})
            valid, severity = self._severity(source, severity_word, where, rule.default_severity)
            if not valid:
                continue
            merged = dict(current.options)
            if options is not None:
                if not isinstance(options, dict):
                    source.error(where, f"options of {rule.code} must be a mapping")
                    continue
                merged.update(options)
                try:
                    rule.make_options(merged)
                except OptionsError as error:
                    source.error(join_pointer(where, "options"), str(error))
                    continue
            self.settings[rule.code] = RuleSetting(severity=severity, options=merged)

    @staticmethod
    def _severity(
        source: _Source, word: Any, pointer: str, default: Severity
    ) -> tuple[bool, Severity | None]:
        """(valid, severity): None for off; an invalid word is reported."""
        if word is False or word == "off":
            return True, None
        if word is True or word == "on":
            return True, default
        if word in ("error", "warning", "info"):
            return True, Severity.parse(word)
        source.error(pointer, f"severity must be one of {', '.join(SEVERITY_WORDS)}, not {word!r}")
        return False, None

    def _apply_overrides(self, source: _Source, value: Any) -> None:
        if not isinstance(value, list):
            source.error("/overrides", "overrides must be a list")
            return
        for index, entry in enumerate(value):
            pointer = f"/overrides/{index}"
            if not isinstance(entry, dict) or "files" not in entry:
                source.error(pointer, "each override needs `files:` (glob patterns)")
                continue
            for key in entry:
                if key not in OVERRIDE_KEYS:
                    source.error(
                        join_pointer(pointer, key),
                        f"unknown key {key!r} in an override (keys: {', '.join(OVERRIDE_KEYS)})",
                    )
            severities: dict[str, Severity | None] = {}
            for key, word in (entry.get("rules") or {}).items():
                where = join_pointer(f"{pointer}/rules", key)
                rule = RULES_BY_CODE.get(key) or RULES_BY_SLUG.get(key)
                if rule is None:
                    source.error(where, f"unknown rule {key!r}")
                    continue
                if isinstance(word, dict):
                    source.error(where, "per-file overrides can change severity, not options")
                    continue
                valid, severity = self._severity(source, word, where, rule.default_severity)
                if valid:
                    severities[rule.code] = severity
            select = entry.get("select")
            self.overrides.append(
                Override(
                    files=tuple(str(f) for f in _as_list(entry["files"])),
                    select=None
                    if select is None
                    else tuple(self._selectors(source, select, f"{pointer}/select")),
                    ignore=tuple(
                        self._selectors(source, entry.get("ignore", []), f"{pointer}/ignore")
                    ),
                    severities=severities,
                )
            )


def _identity(path: Path) -> str:
    """What tells config files apart in an `extends` chain; a path that cannot be resolved (a
    link loop) keeps its own name, and reading it reports why."""
    try:
        return str(resolve(path))
    except SourceError:
        return str(path.absolute())


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _config_error(message: str, file: str) -> Diagnostic:
    return diagnostic("TP013", message, location=Location(file=file))


def load_config(
    path: Path | None = None,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> LintConfig:
    """Resolve a configuration file (or the `recommended` preset when there is none), then
    the command line's selections. Raises ConfigError with located diagnostics."""
    resolver = _Resolver()
    if path is None:
        resolver.apply_preset(DEFAULT_PRESET)
    else:
        source = _read(path)
        if source is None:
            raise ConfigError(
                [_config_error(f"{path} has no [tool.tracking-plan] table", str(path))]
            )
        resolver.seen.append(_identity(path))
        resolver.files.append(str(path))
        data = source.data if isinstance(source.data, dict) else {}
        resolver.apply(
            source, base=path.parent, default_extends=None if "extends" in data else DEFAULT_PRESET
        )
    cli = _Source({}, "<command line>")
    if select:
        resolver.select(resolver._selectors(cli, list(select), "--select"))
    if ignore:
        resolver.ignore(resolver._selectors(cli, list(ignore), "--ignore"))
    problems = resolver.problems + cli.problems
    if problems:
        raise ConfigError(problems)
    return LintConfig(
        settings=dict(resolver.settings),
        overrides=tuple(resolver.overrides),
        fail_on=resolver.fail_on,
        source=None if path is None else str(path),
        files=tuple(resolver.files),
    )
