"""Validate JSON Lines with the native scanner (`_scan.c`), which passes over valid records
and hands the others back: `EventValidator` checks those, and what the scanner counted itself
is folded into the validator's statistics."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .engine import Checked, EventValidator, RecordSink
from .inputs import Block, Elements, InputProblem, Record, batch_elements, checked_line
from .native import RouteCounts
from .outcomes import Outcome
from .scan_specs import KINDS
from .stats import RunStats

MAX_OUTCOMES = 100_000  # signatures whose reports are remembered


class NativeRun:
    """Runs a validator's native scanner over input blocks. One per validator: `finish` folds
    what the scanner has counted since it last did."""

    def __init__(self, validator: EventValidator) -> None:
        if validator.native is None:
            raise RuntimeError("the native scanner is not available")
        self.validator = validator
        self.native = validator.native
        self.stats = validator.stats
        self.lines_read: int | None = None  # by run_blocks: the number of the last line read
        self._max_samples = validator.options.max_samples
        self._outcomes: dict[bytes, Outcome] = {}
        self._settled_first: dict[bytes, tuple[str, int]] = {}
        self._settled_folded: dict[bytes, int] = {}
        self._folded: dict[int, RouteCounts] = {}

    def run_blocks(
        self,
        blocks: Iterable[Block | Elements | InputProblem],
        name: str,
        *,
        index_is_line: bool,
        progress: Callable[[int], None] | None = None,
        sink: RecordSink | None = None,
    ) -> RunStats:
        """Validate JSON Lines given in blocks of whole lines (see `inputs.Input.blocks`), and
        records a reader parsed itself (`Elements`), with the native scanner, which passes over
        valid records; the rest go through `EventValidator.check`.

        Records are numbered as `read_input` (`index_is_line` False) or `read_range` (True) do.
        `sink` sees every record except the valid ones the scanner passed over: use
        `EventValidator.run` to see those too."""
        scan = self.native.scan
        check = self.validator.check
        only = self.validator.options.only
        index = 0
        for block in blocks:
            if isinstance(block, InputProblem):
                self.validator.problem(block, sink)
                continue
            parsed: Elements | None = None
            if isinstance(block, Elements):
                parsed, buffer, line = block, block.data, 0
                index = index if block.index_before is None else block.index_before
            else:
                buffer, line = block
            pos = 0
            size = len(buffer)
            before = index
            while pos < size:
                pos, lines, records, start, end, signature = scan(buffer, pos)
                line += lines
                index += records
                if start < 0:
                    break
                if parsed is not None:  # no batch to expand, no bytes to check: a record
                    record = parsed.record(line - 1, buffer[start:end], name, index, index_is_line)
                    if signature is None:
                        result = check(record)
                    elif sink is None:
                        self._explained(signature, record)
                        continue
                    else:
                        result = self._checked_again(record, signature)[0]
                    if sink is not None and (only is None or result[2] in only):
                        sink(record, *result)
                    continue
                if signature is not None:
                    record = Record(buffer[start:end], name, line, line if index_is_line else index)
                    if sink is None:
                        self._explained(signature, record)
                        continue
                    result = self._checked_again(record, signature)[0]
                    if only is None or result[2] in only:
                        sink(record, *result)
                    continue
                batch = batch_elements(buffer[start:end], line, index)
                if batch is not None:  # its items, for the scanner
                    self.run_blocks((batch,), name, index_is_line=index_is_line, sink=sink)
                    index += len(batch.lines) - 1
                    continue
                last = index
                for item in checked_line(
                    buffer[start:end],
                    name,
                    line,
                    line if index_is_line else index,
                    same_index=index_is_line,
                ):
                    if isinstance(item, InputProblem):
                        self.validator.problem(item, sink)
                        continue
                    valid, findings, definition_label = check(item)
                    last = max(last, item.index)
                    if sink is not None and (only is None or definition_label in only):
                        sink(item, valid, findings, definition_label)
                if not index_is_line:
                    index = last
            if progress is not None:
                progress(index - before)
            if parsed is None:
                self.lines_read = line
        return self.stats

    def _explained(self, signature: bytes, record: Record) -> None:
        """A record the scanner explained: the same report as every record with its signature.
        The first few of a signature (until its findings have their samples) are explained in
        full; then the scanner counts that signature's records itself."""
        outcome = self._outcomes.get(signature)
        if outcome is not None and not outcome.wants_samples(self.stats, self._max_samples):
            outcome.replay(self.stats, record.file, record.line)
            if self.native.settle(signature):  # the scanner counts the next ones itself
                self._settled_first.setdefault(signature, (record.file, record.line))
            return
        (valid, findings, definition_label), observed = self._checked_again(record, signature)
        if outcome is None and len(self._outcomes) < MAX_OUTCOMES:
            event = ""
            if signature.startswith(b"U"):
                event = signature[2:].decode("utf-8", "surrogatepass")
            # The payload's unplanned properties' kinds, which only the schema path counts.
            types = self.native.unplanned_payload_keys(signature) if observed else []
            outcome = Outcome.of(definition_label, valid, findings, event, tuple(types))
            self._outcomes[signature] = outcome
        if outcome is not None:
            outcome.count_types(self.stats)

    def _checked_again(self, record: Record, signature: bytes) -> tuple[Checked, bool]:
        breaks_schema = self.native.breaks_schema(signature)
        return self.validator.check_scanned(record, breaks_schema=breaks_schema)

    def finish(self) -> RunStats:
        """`EventValidator.finish`, then fold what the scanner counted: records it accepted,
        the presence and kinds of their properties, and the records of settled signatures.
        Safe to call again."""
        stats = self.validator.finish()
        for number, counts in enumerate(self.native.counts()):
            self._fold(counts, self._folded.get(number))
            self._folded[number] = counts
        for signature, count in self.native.settled():
            added = count - self._settled_folded.get(signature, 0)
            if added:
                self._settled_folded[signature] = count
                file, line = self._settled_first[signature]
                self._outcomes[signature].replay(stats, file, line, added)
        return stats

    def _fold(self, now: RouteCounts, before: RouteCounts | None) -> None:
        """Add what the scanner counted for a route since `before`: records it accepted, and
        for those and the ones it explained, which properties they had and of which kinds."""
        accepted = now.accepted - (before.accepted if before else 0)
        explained = now.explained - (before.explained if before else 0)
        if not accepted and not explained:
            return

        def since(values: tuple[int, ...], old: tuple[int, ...] | None) -> list[int]:
            return [v - (old[i] if old else 0) for i, v in enumerate(values)]

        present = since(now.present, before.present if before else None)
        explained_present = since(
            now.explained_present, before.explained_present if before else None
        )
        kinds = since(now.kinds, before.kinds if before else None)
        explained_kinds = since(now.explained_kinds, before.explained_kinds if before else None)
        width = len(KINDS)
        stats = self.stats.definition(self.validator.label_for(now.route.key))
        stats.records += accepted
        self.stats.records += accepted
        stats.observed += accepted + explained
        for index, name in enumerate(now.route.fields):
            stats.missing[index] += accepted - present[index] + explained - explained_present[index]
            for offset, kind in enumerate(KINDS):
                count = kinds[index * width + offset] + explained_kinds[index * width + offset]
                if count:
                    stats.types[name, kind] += count
