"""The jsonschema-rs whole process of bench/startup.py, run by the start-up venv's python:

    python bench/startup_child.py ROUTES.json DUMP.jsonl

From a cold start it imports orjson and jsonschema_rs, reads the routed schemas that
bench/startup_million.py wrote (compiled from the plan beforehand, untimed), builds one
validator per route and checks the dump with bench/validate_engines.py's routed loop, as its
jsonschema-rs engine does. It prints {"records": N, "invalid": N} as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from validate_engines import _jsonschema_rs_checks, _loads, routed_loop


def main() -> None:
    routes_path, dump = sys.argv[1:3]
    loads = _loads("orjson")
    document = loads(Path(routes_path).read_bytes())
    keys = [(call, name) for call, name, _ in document["routes"]]
    schemas = [schema for _, _, schema in document["routes"]]
    compiled = _jsonschema_rs_checks([*schemas, document["envelope"]])
    checks = dict(zip(keys, compiled[:-1], strict=True))
    records, invalid = routed_loop(dump, loads, checks, compiled[-1], document["forbid_unplanned"])
    print(json.dumps({"records": records, "invalid": invalid}))


if __name__ == "__main__":
    main()
