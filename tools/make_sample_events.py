#!/usr/bin/env python3
"""Write plans/shop/sample-events.jsonl: Segment messages for the acme-shop plan.

The messages are what the Acme web shop, iOS and Android apps, order backend and
email bridge would send to Segment over two days: track, identify, page, screen
and group calls, one JSON object per line, in timestamp order. About 90% of them
are valid against plans/shop/plan.yaml; the rest carry the problems real
implementations have (see PROBLEM_KINDS in tools/sample_events/problems.py), so
that `tp validate` has something to find. The generator is the package
tools/sample_events/; this script is its command line.

The output depends only on the seed: the same seed gives byte-identical output.
Only the standard library is used.

    python3 tools/make_sample_events.py            # rewrite the file
    python3 tools/make_sample_events.py --check    # exit 1 if the file is stale
    python3 tools/make_sample_events.py --summary  # which lines carry which problem
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sample_events.problems import PROBLEM_KINDS
from sample_events.render import render

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "plans" / "shop" / "sample-events.jsonl"
DEFAULT_SEED = 20241104
DEFAULT_COUNT = 300


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    ap.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        help=f"about how many messages to write (default {DEFAULT_COUNT})",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output file (default plans/shop/sample-events.jsonl)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if --out differs from the generated output",
    )
    ap.add_argument(
        "--summary",
        action="store_true",
        help="print the line numbers of the messages with deliberate problems, as JSON",
    )
    args = ap.parse_args(argv)

    text, summary = render(args.seed, args.count)
    if args.summary:
        print(
            json.dumps(
                {
                    "messages": text.count("\n"),
                    "problems": {
                        k: {"lines": v, "what": PROBLEM_KINDS[k]} for k, v in summary.items()
                    },
                },
                indent=2,
            )
        )
    if args.check:
        try:
            current = args.out.read_bytes()
        except OSError as exc:
            print(
                f"{args.out}: cannot read ({exc.strerror}); run tools/make_sample_events.py",
                file=sys.stderr,
            )
            return 1
        if current != text.encode("utf-8"):
            print(f"{args.out} is out of date; run tools/make_sample_events.py", file=sys.stderr)
            return 1
        return 0
    if not args.summary:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(text.encode("utf-8"))
        print(f"wrote {text.count(chr(10))} messages to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
