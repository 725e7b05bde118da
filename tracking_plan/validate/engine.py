"""Validate records against a plan: the fast path for what is valid, the schema path for the
rest, plus the checks no schema can express (size, duplicates, clock skew, deprecation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from operator import is_
from typing import Any

import msgspec

from ..diagnostics import Severity
from ..jsonkinds import drift_kind
from ..model import CallType, Definition, Plan, Policy
from .duplicates import IsDuplicate, RecentIds, ScannerIds, never_seen
from .envelope import envelope_warnings, surely_no_skew
from .explain import Finding, SchemaPath
from .fastpath import (
    TIMESTAMP,
    Envelope,
    FastPath,
    Route,
    envelope_ok,
    has_identity,
    route_key,
    track_ok,
)
from .formats import conforms_to_one
from .inputs import InputProblem, Record
from .native import NativeScanner
from .native import available as native_available
from .scan_specs import MAX_MESSAGE_BYTES
from .stats import DefinitionStats, RunStats
from .syntax import json_error, position

_is_unset = partial(is_, msgspec.UNSET)
_MISSING: Any = object()
_KEYS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_GENERIC = msgspec.json.Decoder()
_TIMESTAMP_MATCH = TIMESTAMP.match
_astuple = msgspec.structs.astuple


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidateOptions:
    """How a run reports. `only` keeps the records of these event (or page/screen) names;
    `ignore` drops findings with these codes (or code prefixes); duplicate messageIds are found
    among the last `dedupe_window` messages (memory stays bounded however long the input)."""

    max_samples: int = 3
    only: frozenset[str] | None = None
    ignore: tuple[str, ...] = ()
    dedupe_window: int = 100_000
    drift: bool = True


INPUT_LABEL = "(input)"
"""The definition label of parts of an input that are not records at all."""

Checked = tuple[bool, list[Finding], str]
"""What checking a record gives: (valid, findings, definition label)."""

RecordSink = Callable[[Record, bool, list[Finding], str], None]
"""Called for every record: (record, valid, findings, definition label)."""


def label(definition: Definition | None, kind: str, name: str) -> str:
    """How a definition is named in reports: the event name, `identify`, `page Home`, ..."""
    if definition is not None:
        if definition.call is CallType.TRACK:
            return definition.name
        if definition.call in (CallType.IDENTIFY, CallType.GROUP):
            return definition.call.value
        return f"{definition.call.value} {definition.name}"
    if kind == "track":
        return name or "(no event)"
    if kind in ("page", "screen"):
        return f"{kind} {name}".rstrip()
    return kind or "(no type)"


class EventValidator:
    """Validates one record at a time and accumulates `RunStats`."""

    def __init__(self, plan: Plan, options: ValidateOptions | None = None) -> None:
        self.plan = plan
        self.options = options or ValidateOptions()
        self.fast = FastPath(plan)
        self.schema = SchemaPath(plan)
        self.stats = RunStats()
        self.native = (
            NativeScanner(plan, self.options.dedupe_window) if native_available() else None
        )
        self.message_ids = (
            RecentIds(self.options.dedupe_window)
            if self.native is None
            else ScannerIds(self.native)
        )
        self._is_duplicate = self.message_ids.seen
        self._warn_unplanned_events = plan.unplanned_events is Policy.WARN
        self._labels: dict[tuple[str, str], str] = {}
        self._route_stats: dict[tuple[str, str], DefinitionStats] = {}
        self._decode_envelope = self.fast.envelope.decode
        self._track = self.fast.track.decode if self.fast.track is not None else None
        self._track_routes = self.fast.track_routes
        self._drift = self.options.drift
        for key, route in self.fast.routes.items():
            definition = route.definition if route is not None else None
            if definition is None:
                definition = self.schema.definitions.get(key)
            self._labels[key] = label(definition, *key)

    # -- one record -------------------------------------------------------------------------

    def check(self, record: Record) -> Checked:
        """(valid, findings, definition label) for one record; also updates the statistics.

        This is the hot loop of `tp validate`: the common case (a valid record the fast path
        accepts, nothing to warn about) is kept to a handful of operations.
        """
        data = record.data
        if self._track is not None and b'"track"' in data:
            clean = self._clean_track(data, self._is_duplicate, self._drift)
            if clean is not None:
                return True, [], clean
        return self._check_carefully(record, self._is_duplicate, self._drift)[0]

    def check_scanned(self, record: Record, *, breaks_schema: bool) -> tuple[Checked, bool]:
        """`check` for a record the native scanner explained, which has looked up its
        messageId and made the presence and kind counts of drift already: neither is done
        again. A record that breaks the schema for sure goes straight to the schema path, where
        `check` would end up. Also says whether the schema path observed its payload for drift
        (the kinds of its unplanned keys, which the scanner does not count, are then due)."""
        if breaks_schema:
            findings: list[Finding] = []
            name, key, observed = self._slow(record.data, record, findings, never_seen, drift=False)
            return self._account(record, key, name, findings), observed
        data = record.data
        if self._track is not None and b'"track"' in data:
            clean = self._clean_track(data, never_seen, drift=False)
            if clean is not None:
                return (True, [], clean), False
        return self._check_carefully(record, never_seen, drift=False)

    def _check_carefully(
        self, record: Record, is_duplicate: IsDuplicate, drift: bool
    ) -> tuple[Checked, bool]:
        """`check` past the clean track records: the fast path with warnings, else the schema
        path. `drift`: make the drift counts here. Also whether the payload was observed for
        drift on the schema path (or would have been, with `drift` False)."""
        data = record.data
        findings: list[Finding] = []
        accepted = self._accept(data, findings, drift)
        if accepted is not None:
            key, envelope = accepted
            envelope_warnings(
                envelope.messageId,
                envelope.timestamp,
                envelope.sentAt,
                envelope.receivedAt,
                findings,
                is_duplicate,
            )
            if findings or len(data) > MAX_MESSAGE_BYTES:
                return self._account(record, key, key[1], findings), False
            stats = self._route_stats.get(key)
            if stats is None:
                stats = self._route_stats[key] = self.stats.definition(
                    self._labels.get(key) or label(None, *key)
                )
            stats.records += 1
            self.stats.records += 1
            return (True, findings, self._labels.get(key) or label(None, *key)), False
        findings.clear()  # what the fast path noted before it gave up is said again below
        name, key, observed = self._slow(data, record, findings, is_duplicate, drift)
        return self._account(record, key, name, findings), observed

    def _clean_track(self, data: bytes, is_duplicate: IsDuplicate, drift: bool) -> str | None:
        """The label of a track record that is valid with nothing to report, else None.

        Everything inline, with local names: this decides most records of a typical dump, and
        each Python-level step costs about as much as parsing a few dozen bytes."""
        try:
            message = self._track(data)  # type: ignore[misc]
        except (msgspec.DecodeError, RecursionError):  # the schema path reports it
            return None
        known = self._track_routes.get(type(message))
        if known is None:
            return None
        unset = msgspec.UNSET
        if not has_identity(message):
            return None
        match = _TIMESTAMP_MATCH
        timestamp = message.timestamp
        sent_at = message.sentAt
        if timestamp is not unset:
            if match(timestamp) is None or timestamp[-1] not in "Zz":
                return None
            if sent_at is not unset and not surely_no_skew(timestamp, sent_at):
                return None  # possible clock skew: let the careful path judge it
        if sent_at is not unset and match(sent_at) is None:
            return None
        if message.originalTimestamp is not unset or message.receivedAt is not unset:
            return None
        key, route = known
        if route.format_checks or route.definition.deprecated or len(data) > MAX_MESSAGE_BYTES:
            return None
        if is_duplicate(message.messageId):
            return None
        stats = self._route_stats.get(key)
        if stats is None:
            stats = self._route_stats[key] = self.stats.definition(self._labels[key])
        if drift:
            payload = message.properties
            if payload is unset:
                stats.presence_fast[(True,) * len(route.fields)] += 1
            else:
                stats.presence_fast[tuple(map(_is_unset, _astuple(payload)))] += 1
                if route.live_kinds:
                    _count_live_kinds(stats, route, payload)
        stats.records += 1
        self.stats.records += 1
        return self._labels[key]

    def _accept(
        self, data: bytes, findings: list[Finding], drift: bool
    ) -> tuple[tuple[str, str], Any] | None:
        """The route key and decoded message when the fast path accepts the record."""
        if self._track is not None and b'"track"' in data:
            try:
                message = self._track(data)
            except (msgspec.DecodeError, RecursionError):
                message = None
            known = self._track_routes.get(type(message)) if message is not None else None
            if known is not None and track_ok(message):
                key, route = known
                if self._track_payload(key, route, message.properties, findings, drift):
                    return key, message
        try:
            envelope: Envelope | None = self._decode_envelope(data)
        except (msgspec.DecodeError, RecursionError):
            return None
        if envelope is None or not envelope_ok(envelope):
            return None
        key = route_key(envelope)
        return (key, envelope) if self._fast(key, envelope, findings, drift) else None

    def _track_payload(
        self,
        key: tuple[str, str],
        route: Route,
        payload: Any,
        findings: list[Finding],
        drift: bool,
    ) -> bool:
        """The parts of a decoded track payload that the structs cannot check themselves."""
        if payload is msgspec.UNSET:
            pattern = (True,) * len(route.fields)
        else:
            for index, formats in route.format_checks:
                value = getattr(payload, f"f{index}")
                if isinstance(value, str) and not conforms_to_one(value, formats):
                    return False
            pattern = tuple(map(_is_unset, msgspec.structs.astuple(payload)))
        if drift:
            self._count_presence(key, route, pattern, payload)
        if route.definition.deprecated:
            findings.append(_deprecated(route.definition))
        return True

    def _account(
        self, record: Record, key: tuple[str, str], name: str, findings: list[Finding]
    ) -> Checked:
        """Count a record that has findings (or came through the schema path)."""
        if len(record.data) > MAX_MESSAGE_BYTES:
            findings.append(
                Finding.of(
                    "EN201",
                    f"the message is {len(record.data):,} bytes; Segment rejects messages over "
                    "32 KB",
                )
            )
        definition_label = self._labels.get(key) or label(None, key[0], name)
        stats = self.stats
        stats.records += 1
        per_definition = stats.definition(definition_label)
        per_definition.records += 1
        if self.options.ignore:
            findings = [f for f in findings if not f.code.startswith(self.options.ignore)]
        valid = not any(f.severity is Severity.ERROR for f in findings)
        if not valid:
            stats.invalid += 1
            per_definition.invalid += 1
        elif findings:
            per_definition.warned += 1
        for finding in findings:
            stats.add(
                finding,
                definition=definition_label,
                file=record.file,
                line=record.line,
                max_samples=self.options.max_samples,
            )
            if finding.code == "EV100":
                stats.note_unplanned_event(name, record.file, record.line)
            elif finding.code in ("EV102", "EV113"):
                stats.note_unplanned_property(
                    definition_label, finding.pointer, record.file, record.line
                )
        return valid, findings, definition_label

    def _fast(
        self, key: tuple[str, str], envelope: Envelope, findings: list[Finding], drift: bool
    ) -> bool:
        route = self.fast.routes.get(key, _MISSING)
        if route is _MISSING:
            if key[0] == "track":
                if self.fast.forbid_unplanned_events:
                    return False
                if self._warn_unplanned_events:
                    findings.append(self.schema.unplanned_finding(key[1]))
            return True
        if route is None:
            return False
        if not self._decode(route, key, envelope, findings, drift):
            return False
        if route.definition.deprecated:
            findings.append(_deprecated(route.definition))
        return True

    def _decode(
        self,
        route: Route,
        key: tuple[str, str],
        envelope: Envelope,
        findings: list[Finding],
        drift: bool,
    ) -> bool:
        traits = route.definition.call in (CallType.IDENTIFY, CallType.GROUP)
        raw = envelope.traits if traits else envelope.properties
        pattern: tuple[bool, ...] | None = None
        payload: Any = msgspec.UNSET
        try:
            if route.payload is not None:
                if raw:
                    try:
                        payload = route.payload.decode(raw)
                    except msgspec.ValidationError as error:
                        payload = self._with_unplanned(route, raw, error, traits, findings)
                        if payload is None:
                            return False
                    for index, formats in route.format_checks:
                        value = getattr(payload, f"f{index}")
                        if isinstance(value, str) and not conforms_to_one(value, formats):
                            return False
                    pattern = tuple(map(_is_unset, msgspec.structs.astuple(payload)))
                elif route.payload_required:
                    return False
                else:
                    pattern = (True,) * len(route.fields)
            if route.context is not None:
                if envelope.context:
                    route.context.decode(envelope.context)
                elif route.context_required:
                    return False
        except (msgspec.DecodeError, RecursionError):
            return False
        if pattern is not None and drift:
            self._count_presence(key, route, pattern, payload)
        return True

    def _count_presence(
        self, key: tuple[str, str], route: Route, pattern: tuple[bool, ...], payload: Any
    ) -> None:
        """What a fast path counts of an accepted payload for drift: which planned properties
        it lacked, and the kinds of those without one planned kind."""
        stats = self._route_stats.get(key)
        if stats is None:
            stats = self._route_stats[key] = self.stats.definition(self._labels[key])
        stats.presence_fast[pattern] += 1
        if route.live_kinds and payload is not msgspec.UNSET:
            _count_live_kinds(stats, route, payload)

    @staticmethod
    def _with_unplanned(
        route: Route,
        raw: msgspec.Raw,
        error: msgspec.ValidationError,
        traits: bool,
        findings: list[Finding],
    ) -> Any:
        """Under `unplanned_properties: warn`, a payload whose only fault is unplanned top-level
        keys is valid: decode it leniently and warn about each of those keys."""
        text = str(error)
        if (
            route.lenient is None
            or not text.startswith("Object contains unknown field")
            or "- at `$." in text
        ):
            return None
        payload = route.lenient.decode(raw)
        planned = set(route.fields)
        field = "traits" if traits else "properties"
        code = "EV113" if traits else "EV102"
        for name in _KEYS.decode(raw):
            if name not in planned:
                findings.append(
                    Finding.of(code, f"/{field}/{name} is not in the plan", f"/{field}/{name}")
                )
        return payload

    def _slow(
        self,
        data: bytes,
        record: Record,
        findings: list[Finding],
        is_duplicate: IsDuplicate,
        drift: bool,
    ) -> tuple[str, tuple[str, str], bool]:
        """The schema path: the record's name and route key, and whether its payload is one
        drift observes (observed here when `drift`)."""
        try:
            message = _GENERIC.decode(data)
        except msgspec.DecodeError as error:
            findings.append(Finding.of("EN200", _not_json(data, error)))
            return "", ("", ""), False
        except RecursionError:
            findings.append(_too_deep())
            return "", ("", ""), False
        try:
            schema_findings = self.schema.explain(message)
        except (ValueError, RecursionError):  # jsonschema-rs: "Recursion limit reached"
            findings.append(_too_deep())
            return "", ("", ""), False
        findings.extend(schema_findings)
        if not isinstance(message, dict):
            return "", ("", ""), False
        kind = message.get("type")
        kind = kind if isinstance(kind, str) else ""
        name_field = "event" if kind == "track" else "name" if kind in ("page", "screen") else None
        name = message.get(name_field) if name_field else ""
        name = name if isinstance(name, str) else ""
        key = (kind, name if name_field else "")
        definition = self.schema.definitions.get(key)
        if definition is not None:
            findings.extend(self.schema.warnings(message, definition))
            if definition.deprecated:
                findings.append(_deprecated(definition))
            if drift:
                self._observe(definition, key, message)
        elif (
            kind == "track"
            and name
            and not self.fast.forbid_unplanned_events
            and self._warn_unplanned_events
        ):
            findings.append(self.schema.unplanned_finding(name))
        envelope_warnings(
            message.get("messageId"),
            message.get("timestamp"),
            message.get("sentAt"),
            message.get("receivedAt"),
            findings,
            is_duplicate,
        )
        return name, key, self.options.drift and definition is not None

    def _observe(
        self, definition: Definition, key: tuple[str, str], message: dict[str, Any]
    ) -> None:
        payload = message.get(definition.call.payload_field)
        if not isinstance(payload, dict):
            payload = {}
        stats = self.stats.definition(self._labels.get(key) or label(definition, *key))
        stats.observed += 1
        for index, prop in enumerate(definition.properties):
            if prop.name not in payload:
                stats.missing[index] += 1
        for name, value in payload.items():
            stats.types[name, drift_kind(value)] += 1

    # -- many records -----------------------------------------------------------------------

    def run(
        self, items: Iterable[Record | InputProblem], sink: RecordSink | None = None
    ) -> RunStats:
        only = self.options.only
        for item in items:
            if isinstance(item, InputProblem):
                self.problem(item, sink)
                continue
            valid, findings, definition_label = self.check(item)
            if only is not None and definition_label not in only:
                continue
            if sink is not None:
                sink(item, valid, findings, definition_label)
        return self.stats

    def problem(self, item: InputProblem, sink: RecordSink | None = None) -> None:
        """Count a part of an input that is not a record (and show it to `sink`)."""
        self.stats.problems += 1
        finding = Finding.of("EN200", item.message)
        self.stats.add(
            finding,
            definition=INPUT_LABEL,
            file=item.file,
            line=item.line,
            max_samples=self.options.max_samples,
        )
        if sink is not None:
            record = Record(item.data, item.file, item.line or 0, item.index or 0)
            sink(record, False, [finding], INPUT_LABEL)

    def label_of(self, message: dict[str, Any]) -> str:
        """The report label of a parsed message's definition (or of its unplanned name)."""
        kind = message.get("type")
        kind = kind if isinstance(kind, str) else ""
        field = "event" if kind == "track" else "name" if kind in ("page", "screen") else None
        name = message.get(field) if field else ""
        name = name if isinstance(name, str) else ""
        return self.label_for((kind, name))

    def label_for(self, key: tuple[str, str]) -> str:
        """The report label of the definition of a route key (or of its unplanned name)."""
        return self._labels.get(key) or label(None, *key)

    def finish(self) -> RunStats:
        """Fold what the fast paths counted into the statistics: records, and per property how
        often it was missing and (its one planned kind) present. Safe to call again. (What the
        native scanner counted, `NativeRun.finish` folds.)"""
        for key, route in self.fast.routes.items():
            stats = self.stats.definitions.get(self._labels[key]) if route is not None else None
            if route is None or stats is None or not stats.presence_fast:
                continue
            present = [0] * len(route.fields)
            for pattern, count in stats.presence_fast.items():
                stats.observed += count
                for index, absent in enumerate(pattern):
                    if absent:
                        stats.missing[index] += count
                    else:
                        present[index] += count
            stats.presence_fast.clear()
            self._count_types(key, route.fields, present)
        return self.stats

    def _count_types(
        self, key: tuple[str, str], fields: tuple[str, ...], present: list[int]
    ) -> None:
        """A property the fast path accepted has the property's one planned kind, if it has one
        (the others' kinds were counted as they came)."""
        route = self.fast.routes[key]
        assert route is not None
        stats = self.stats.definition(self._labels[key])
        for index, kind in enumerate(route.kinds):
            if kind is not None and present[index]:
                stats.types[fields[index], kind] += present[index]


def _not_json(data: bytes, error: msgspec.DecodeError) -> str:
    """Why a record is not JSON, and where, as `syntax.json_error` finds it for every layout;
    msgspec's own words where it refuses valid JSON (an integer beyond 64 bits, a lone
    surrogate escape, text after the value)."""
    text = data.decode("utf-8", "surrogateescape")
    found = json_error(text)
    if found is None:
        return f"not valid JSON: {error}"
    return f"not valid JSON: {found.reason} at {position(text, found.pos)}"


def _too_deep() -> Finding:
    return Finding.of(
        "EN200",
        "the record is nested too deeply to check (hundreds of levels); no analytics message "
        "needs that: fix the code that builds it",
    )


def _deprecated(definition: Definition) -> Finding:
    return Finding.of(
        "EV114",
        f"{definition.name!r} is deprecated in the plan but still sent",
        "/event" if definition.call is CallType.TRACK else "/name",
    )


def _count_live_kinds(stats: DefinitionStats, route: Route, payload: Any) -> None:
    for index in route.live_kinds:
        value = getattr(payload, f"f{index}")
        if value is not msgspec.UNSET:
            stats.types[route.fields[index], drift_kind(value)] += 1
