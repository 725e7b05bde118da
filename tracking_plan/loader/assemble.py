"""Follow `include:` entries and merge fragments: included first, the including file on top."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

import yaml

from .. import libraries
from ..diagnostics import Diagnostic, Location
from ..libraries import preparsed
from ..model import Include
from .codes import load_error
from .fragment import ROOT_KEYS, Fragment, Spec, read_fragment
from .reader import NodeReader, did_you_mean, is_null
from .source_file import SourceError, read_source, resolve
from .yaml_source import compose, kind


def merge_spec(base: Spec, over: Spec) -> Spec:
    """Merge two partial specs key by key; nested properties merge by name; `over` wins.

    When `over` references a shared definition, `base` is kept aside under `@under` so the
    reference can later be layered between them: base, then the shared definition, then `over`.
    """
    if "ref" in over:
        return {**over, "@under": base}
    result = dict(base)
    for key, value in over.items():
        if key in ("properties", "context") and isinstance(result.get(key), dict):
            result[key] = merge_specs(result[key], value)
        elif key == "items" and isinstance(result.get(key), dict):
            result[key] = merge_spec(result[key], value)
        elif key == "@origin" and "@origin" in result:
            continue
        else:
            result[key] = value
    return result


def merge_specs(base: dict[str, Spec], over: dict[str, Spec]) -> dict[str, Spec]:
    result = dict(base)
    for name, spec in over.items():
        result[name] = merge_spec(result[name], spec) if name in result else spec
    return result


def merge_fragments(base: Fragment, over: Fragment) -> Fragment:
    """`over` (the including file) on top of `base` (what its includes brought in)."""
    return Fragment(
        file=over.file,
        settings={**base.settings, **over.settings},
        includes=[*base.includes, *over.includes],
        context=merge_specs(base.context, over.context),
        shared=merge_specs(base.shared, over.shared),
        events=merge_specs(base.events, over.events),
        identify=_merge_optional(base.identify, over.identify),
        group=_merge_optional(base.group, over.group),
        pages=merge_specs(base.pages, over.pages),
        screens=merge_specs(base.screens, over.screens),
        location=over.location,
    )


def _merge_optional(base: Spec | None, over: Spec | None) -> Spec | None:
    if base is None or over is None:
        return over if base is None else base
    return merge_spec(base, over)


class Assembler:
    """Loads a root plan file and everything it includes, collecting diagnostics.

    Included files must lie inside the root plan's folder or one of `include_roots`, after
    symbolic links are followed: a plan cannot make `tp` read (and quote) other files.
    """

    def __init__(self, include_roots: Sequence[Path] = ()) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.files: list[str] = []
        self._cache: dict[Path, Fragment] = {}
        self._extra_roots = tuple(Path(root).resolve() for root in include_roots)
        self._roots: tuple[Path, ...] = self._extra_roots

    def assemble(self, path: Path) -> Fragment | None:
        self._roots = (path.absolute().parent.resolve(), *self._extra_roots)
        return self._assemble_file(path, stack=(), include=None)

    def _assemble_file(
        self, path: Path, stack: tuple[Path, ...], include: Include | None
    ) -> Fragment | None:
        display = _display_path(path)
        try:
            resolved = resolve(path)
        except SourceError as error:
            self._unreadable(error, display, include)
            return None
        if resolved in stack:
            chain = " -> ".join(p.name for p in (*stack, resolved))
            self._report(include, "TP010", f"include cycle: {chain}")
            return None
        if resolved in self._cache:
            return self._cache[resolved]
        try:
            text = read_source(path)
        except SourceError as error:
            self._unreadable(error, display, include)
            return None
        self.files.append(display)
        root, syntax_errors = compose(text, display)
        self.diagnostics.extend(syntax_errors)
        not_a_plan = _not_a_plan(root)
        if not_a_plan is not None:
            self._report(
                include,
                "TP002",
                f"{display} is not a plan: {not_a_plan}",
                fallback=Location(file=display),  # no line: its lines are not quoted
            )
            return None
        reader = NodeReader(display)
        own = read_fragment(root, reader)
        self.diagnostics.extend(reader.diagnostics)
        _stamp_origin(own, display)
        merged = Fragment(file=display, location=own.location)
        for entry in own.includes:
            brought = self._resolve_include(entry, path, (*stack, resolved))
            if brought is not None:
                merged = merge_fragments(merged, brought)
        result = merge_fragments(merged, own)
        self._cache[resolved] = result
        return result

    def _unreadable(self, error: SourceError, display: str, include: Include | None) -> None:
        if error.unreadable:
            message = f"cannot read plan file {display}: {error.reason}"
            self._report(include, "TP004", message, fallback=Location(file=display))
            return
        # Undecodable bytes: the file is named, the line is not quoted (it is not text).
        where = Location(file=display, line=error.line, column=error.column)
        self.diagnostics.append(load_error("TP001", error.reason, where))

    def _resolve_include(
        self, include: Include, including: Path, stack: tuple[Path, ...]
    ) -> Fragment | None:
        if include.kind == "file":
            target = Path(include.target)
            if not target.is_absolute():
                target = including.parent / target
            try:
                inside = any(resolve(target).is_relative_to(root) for root in self._roots)
            except SourceError as error:
                self._unreadable(error, _display_path(target), include)
                return None
            if not inside:
                folders = " or ".join(str(root) for root in self._roots)
                self._report(
                    include,
                    "TP004",
                    f"included file {include.target!r} is outside the plan's folder ({folders}); "
                    "includes must stay inside it (after following symbolic links), or pass "
                    "--include-root DIR to allow another folder",
                )
                return None
            if not _exists(target):
                self._report(
                    include,
                    "TP004",
                    f"included file {include.target!r} does not exist "
                    f"(looked for {_display_path(target)})",
                )
                return None
            return self._assemble_file(target, stack, include)
        return self._library(include)

    def _library(self, include: Include) -> Fragment | None:
        name = include.target
        if name not in libraries.NAMES:
            guess = did_you_mean(name, libraries.NAMES)
            hint = f"; did you mean {guess!r}?" if guess else ""
            self._report(
                include,
                "TP004",
                f"unknown spec library {name!r}{hint} (libraries: {', '.join(libraries.NAMES)})",
                suggestion=guess,
            )
            return None
        full = _library_fragment(name)
        events = full.events
        if include.events is not None:
            locations = include.event_locations or (include.location,) * len(include.events)
            for event, location in zip(include.events, locations, strict=True):
                if event in events:
                    continue
                guess = did_you_mean(event, events)
                hint = f"; did you mean {guess!r}?" if guess else ""
                self._report(
                    include,
                    "TP004",
                    f"spec library {name!r} has no event {event!r}{hint}",
                    suggestion=guess,
                    fallback=location,
                    prefer_fallback=True,
                )
            wanted = set(include.events)
            events = {n: spec for n, spec in events.items() if n in wanted}
        return Fragment(file=name, events=copy.deepcopy(events), location=include.location)

    def _report(
        self,
        include: Include | None,
        code: str,
        message: str,
        *,
        suggestion: str | None = None,
        fallback: Location | None = None,
        prefer_fallback: bool = False,
    ) -> None:
        if fallback is not None and (prefer_fallback or include is None):
            location = fallback
        else:
            location = include.location if include is not None else Location()
        self.diagnostics.append(load_error(code, message, location, suggestion=suggestion))


_LIBRARY_CACHE: dict[str, Fragment] = {}


def _library_fragment(name: str) -> Fragment:
    """A built-in library's fragment: its pre-parsed form when that is there and made from the
    YAML file beside it (`libraries.preparsed`), else parsed from the YAML."""
    if name not in _LIBRARY_CACHE:
        fragment = preparsed.load(name)
        if fragment is None:
            fragment = parse_library(name, libraries.read_text(name))
        _LIBRARY_CACHE[name] = fragment
    return _LIBRARY_CACHE[name]


def parse_library(name: str, text: str) -> Fragment:
    """Parse the YAML text of built-in library `name` into its fragment, its definitions stamped
    with their origin: what a pre-parsed library holds. The shipped files are tested to load
    cleanly."""
    file = f"<library {name}>"
    root, errors = compose(text, file)
    reader = NodeReader(file)
    fragment = read_fragment(root, reader)
    problems = errors + reader.diagnostics
    if problems:
        raise RuntimeError(f"built-in library {name} is broken: {problems[0].message}")
    _stamp_origin(fragment, name)
    return fragment


def library_events(name: str) -> dict[str, Spec]:
    """The (unresolved) event specs of a built-in library, in the library's order."""
    return _library_fragment(name).events


def _stamp_origin(fragment: Fragment, origin: str) -> None:
    for group in (fragment.events, fragment.pages, fragment.screens):
        for spec in group.values():
            spec["@origin"] = origin
    for single in (fragment.identify, fragment.group):
        if single is not None:
            single["@origin"] = origin


def _not_a_plan(root: yaml.Node | None) -> str | None:
    """Why a parsed file is not a plan at all (rather than a plan with mistakes), or None.

    Such a file is reported without quoting it: an `include:` may name any file.
    """
    if root is None or is_null(root):
        return None
    if not isinstance(root, yaml.MappingNode):
        return f"its top level is {kind(root)}, not a mapping of plan keys (plan, events, ...)"
    keys = [k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)]
    if root.value and not any(k in ROOT_KEYS or did_you_mean(k, ROOT_KEYS) for k in keys):
        return f"none of its top-level keys is a plan key ({', '.join(ROOT_KEYS)})"
    return None


def _exists(path: Path) -> bool:
    """False only when nothing is there; other errors (a name too long) are left to the read,
    which reports them."""
    try:
        return path.exists() or path.is_symlink()
    except OSError:
        return True


def _display_path(path: Path) -> str:
    """Paths relative to the working directory when below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # not below it, a name too long, a link loop
        return str(path)
