"""What bench/startup.py prints at the end: one table (each command's median and fastest run,
its ratio over the `python -c pass` floor and over its peer, its target with PASS/FAIL), the
large comparison's counts and speed-up, and what failed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from startup_timing import COLD, WARM, Result

if TYPE_CHECKING:
    from startup_million import Million

FLOOR = "python -c pass"
YAMLLINT = "yamllint -d default"
CHECK_JSONSCHEMA = "check-jsonschema"
# Targets, in seconds: (command prefix, cache mode) -> the median must stay under it.
TARGETS = {
    ("tp --version", ""): 0.060,
    ("tp --help", ""): 0.060,
    ("tp lint", "cold"): 0.250,
    ("tp lint", "warm"): 0.100,
    ("tp validate", "cold"): 0.250,
    ("tp validate", "warm"): 0.100,
}
TARGET_SPEEDUP = 2.0  # tp over jsonschema-rs on the large dump, whole processes
HEADER = ("command", "cache", "exit", "median", "min", "x python", "x peer", "target", "")
RIGHT_ALIGNED = {2, 3, 4, 5, 6}


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else "PASS" if passed else "FAIL"


def time_ratio(result: Result, other: Result | None) -> float | None:
    """`result`'s median time over `other`'s; None unless both ran."""
    if not result.ok or other is None or not other.ok:
        return None
    return result.median / other.median


def peer_of(result: Result, by_label: dict[str, Result]) -> Result | None:
    """yamllint of the same plan for `tp lint`, check-jsonschema for `tp validate`."""
    words = result.label.split()
    if words[:2] == ["tp", "lint"]:
        return by_label.get(f"{YAMLLINT} {words[2]}")
    if words[:2] == ["tp", "validate"]:
        return next(
            (r for label, r in by_label.items() if label.startswith(CHECK_JSONSCHEMA)), None
        )
    return None


def target_of(result: Result) -> float | None:
    for (prefix, mode), limit in TARGETS.items():
        if result.label.startswith(prefix) and result.mode == mode:
            return limit
    return None


def row(
    result: Result, floor: Result | None, peer: Result | None, target: str, passed: bool | None
) -> tuple[str, ...]:
    return (
        result.label,
        result.mode,
        "" if result.exit_code is None else str(result.exit_code),
        fmt_time(result.median) if result.ok else "FAILED",
        fmt_time(result.best) if result.ok else "",
        fmt_ratio(time_ratio(result, floor)),
        fmt_ratio(time_ratio(result, peer)),
        target,
        verdict(passed) if target else "",
    )


def startup_rows(results: list[Result]) -> list[tuple[str, ...]]:
    by_label = {result.label: result for result in results if not result.mode}
    floor = by_label.get(FLOOR)
    rows = []
    for result in results:
        limit = target_of(result)
        passed = result.median < limit if limit is not None and result.ok else None
        target = "" if limit is None else f"< {limit * 1000:.0f} ms"
        rows.append(row(result, floor, peer_of(result, by_label), target, passed))
    return rows


def million_rows(million: Million) -> list[tuple[str, ...]]:
    speedup = million.speedup
    passed = None if speedup is None else speedup >= TARGET_SPEEDUP
    return [
        row(million.tp, None, million.rust, f">= {TARGET_SPEEDUP:.0f}x faster", passed),
        row(million.rust, None, None, "", None),
    ]


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(cells[i]) for cells in [HEADER, *rows]) for i in range(len(HEADER))]
    for cells in [HEADER, *rows]:
        aligned = [
            cell.rjust(width) if i in RIGHT_ALIGNED else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        print("  ".join(aligned).rstrip())
    print(
        "x python: median over `python -c pass`'s; x peer: over yamllint's (lint),"
        " check-jsonschema's (validate), jsonschema-rs's (the large dump)"
    )


def print_million(million: Million) -> None:
    for name, result, counts in (
        ("tp", million.tp, million.tp_counts),
        ("jsonschema-rs", million.rust, million.rust_counts),
    ):
        rate = million.rate(result)
        shown = "output unreadable" if counts is None else f"{counts[0]:,} records"
        shown += "" if counts is None else f", {counts[1]:,} invalid"
        print(f"{name}: {shown}" + ("" if rate is None else f", {rate:,.0f} records/s"))
    tp, rust = million.tp_counts, million.rust_counts
    same = "n/a" if tp is None or rust is None else "yes" if tp[0] == rust[0] else "NO"
    print(f"same number of records counted: {same}; planted invalid: {million.planted:,}")
    speedup = million.speedup
    passed = None if speedup is None else speedup >= TARGET_SPEEDUP
    print(
        f"tp over jsonschema-rs, whole processes: {fmt_ratio(speedup) or 'n/a'}"
        f" (target {TARGET_SPEEDUP:.0f}x) {verdict(passed)}"
    )


def tp_counts(output: str) -> tuple[int, int] | None:
    """Records and invalid records in the report of `tp validate --format json`."""
    try:
        summary = json.loads(output)["summary"]
        return int(summary["records"]), int(summary["invalid"])
    except (ValueError, KeyError, TypeError):
        return None


def check_jsonschema_invalid(output: str) -> int | None:
    """Instance files with an error in the report of `check-jsonschema -o json`."""
    try:
        document = json.loads(output)
        kinds = ("errors", "parse_errors")
        return len({item["filename"] for kind in kinds for item in document[kind]})
    except (ValueError, KeyError, TypeError):
        return None


def print_dump_verdicts(results: list[Result]) -> None:
    """Invalid records among the small dump's, as tp and check-jsonschema found them in their
    untimed runs."""
    tp = next((r for r in results if r.label.startswith("tp validate") and r.mode == COLD), None)
    peer = next((r for r in results if r.label.startswith(CHECK_JSONSCHEMA)), None)
    tp_found = None if tp is None else tp_counts(tp.output)
    peer_found = None if peer is None else check_jsonschema_invalid(peer.output)
    same = "n/a" if tp_found is None or peer_found is None else "MISMATCH"
    same = "MATCH" if tp_found is not None and tp_found[1] == peer_found else same
    shown = "n/a" if tp_found is None else f"{tp_found[1]} of {tp_found[0]}"
    print(f"invalid records in the small dump: tp {shown}, check-jsonschema {peer_found}  {same}")


def print_notes(results: list[Result]) -> None:
    """What tp left in its warm caches, then every failure with its standard error."""
    warm = [result for result in results if result.mode == WARM and result.cache_files is not None]
    for result in warm:
        print(f"TP_CACHE_DIR after the untimed run of {result.label}: {result.cache_files} files")
    if warm and not any(result.cache_files for result in warm):
        print("(tp wrote nothing to TP_CACHE_DIR: cold and warm measure the same thing)")
    for result in results:
        if result.error:
            mode = f" ({result.mode})" if result.mode else ""
            print(f"FAILED {result.label}{mode}:")
            print("    " + result.error.replace("\n", "\n    "))
