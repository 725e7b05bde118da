"""What bench/validate.py prints of its measures: one table of the engines (records, invalid,
time, records/s, each engine's rate over tp's and tp's over each, peak RSS) and the target lines
with PASS/FAIL."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(slots=True)
class Measure:
    """One engine's run on one file, as its child process reported it."""

    label: str
    records: int = 0
    invalid: int = 0
    seconds: float = 0.0
    rss_kb: int = 0
    children_rss_kb: int = 0
    setup_seconds: float | None = None
    note: str = ""
    unavailable: str | None = None
    extrapolated_to: int | None = None  # records the rate was extrapolated to

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def shown_seconds(self) -> float:
        if self.extrapolated_to is None:
            return self.seconds
        return self.extrapolated_to / self.rate

    @property
    def ok(self) -> bool:
        return self.unavailable is None and self.records > 0


def megabytes(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def ratio(numerator: Measure | None, denominator: Measure | None) -> float | None:
    """The numerator's records/s over the denominator's; None unless both ran."""
    if numerator is None or denominator is None or not numerator.ok or not denominator.ok:
        return None
    return numerator.rate / denominator.rate


def print_table(rows: list[Measure], tp: Measure | None) -> None:
    """The engines' table, their rates against `tp`'s, then why any did not run."""
    header = ("engine", "records", "invalid", "time", "records/s", "x tp", "tp x", "peak RSS")
    table = [header]
    for row in rows:
        if not row.ok:
            table.append((row.label, "", "", "", "", "", "", ""))
            continue
        star = "*" if row.extrapolated_to is not None else ""
        versus = ratio(row, tp)
        inverse = ratio(tp, row)
        rss = megabytes(row.rss_kb)
        if row.children_rss_kb:
            rss += f" (+ workers {megabytes(row.children_rss_kb)})"
        table.append(
            (
                row.label,
                f"{row.records:,}",
                f"{row.invalid:,}" if row.label != "parse floor" else "-",
                f"{row.shown_seconds:.2f} s{star}",
                f"{row.rate:,.0f}",
                f"{versus:.2f}" if versus is not None else "-",
                f"{inverse:.2f}" if inverse is not None else "-",
                rss,
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for number, line in enumerate(table):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ]
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))
    for row in rows:
        if row.unavailable is not None:
            print(f"{row.label}: {row.unavailable}")


def target(label: str, value: float | None, goal: float, higher: bool = True) -> str:
    """A target line: the value, and PASS when it is at least (or, not `higher`, at most) `goal`."""
    if value is None:
        return f"  {label:<40} n/a"
    passed = value >= goal if higher else value <= goal
    return f"  {label:<40} {value:6.2f}x  {'PASS' if passed else 'FAIL'}"
