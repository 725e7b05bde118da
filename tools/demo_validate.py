"""Check an event dump against a compiled bundle schema with the stock `jsonschema` library.

Used by `make demo` to show that `tp compile` output works in any JSON Schema validator:
    python tools/demo_validate.py out/shop-schemas/bundle.schema.json plans/shop/sample-events.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from jsonschema import Draft202012Validator
from rich.console import Console
from rich.table import Table


def main(bundle_path: str, dump_path: str) -> int:
    bundle = json.loads(Path(bundle_path).read_text(encoding="utf-8"))
    validator = Draft202012Validator(bundle, format_checker=Draft202012Validator.FORMAT_CHECKER)
    totals: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for number, line in enumerate(Path(dump_path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            reasons[f"line {number}: not JSON ({error.msg})"] += 1
            continue
        name = str(message.get("event") or message.get("name") or message.get("type"))
        totals[name] += 1
        errors = list(validator.iter_errors(message))
        if errors:
            invalid[name] += 1
            leaf = min(errors, key=lambda e: len(list(e.context or ())))
            path = "/".join(str(p) for p in leaf.absolute_path) or "(message)"
            reasons[f"{path}: {leaf.message[:80]}"] += 1
    table = Table("event", "records", "invalid", title=f"{dump_path} against {bundle_path}")
    for name, count in totals.most_common():
        table.add_row(name, str(count), str(invalid[name]) if invalid[name] else "")
    console = Console()
    console.print(table)
    console.print("Most common problems:")
    for reason, count in reasons.most_common(8):
        console.print(f"  {count:>4}  {reason}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
