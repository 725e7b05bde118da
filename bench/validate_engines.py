"""The child side of bench/validate.py: one engine (the parse floor, a JSON Schema peer, tp, or
inflating a gzip file alone) measured on one file, in the process that runs it."""

from __future__ import annotations

import dataclasses
import importlib
import json
import resource
import time
from collections.abc import Callable
from typing import Any

ROUTE_FIELD: dict[Any, str] = {"track": "event", "page": "name", "screen": "name"}

Schema = dict[str, Any]
Route = tuple[str, str | None]
Check = Callable[[Any], bool]


def route_schemas(plan_path: str) -> tuple[dict[Route, Schema], Schema, bool]:
    """Per-definition message schemas with the envelope merged in, keyed by (type, event or
    name); the envelope alone (for messages no definition plans); and whether a track event
    the plan does not list is invalid."""
    from tracking_plan.compiler.jsonschema import compile_plan, definition_paths, envelope_schema
    from tracking_plan.loader import load_plan
    from tracking_plan.model import Policy

    plan = load_plan(plan_path)
    compiled = compile_plan(plan)
    paths = definition_paths(plan)
    envelope = envelope_schema()
    routes: dict[Route, Schema] = {}
    for definition in plan.definitions():
        document = compiled.schemas[paths[definition.call, definition.name]]
        call = definition.call.value
        schema = dict(document)
        schema["properties"] = {**envelope["properties"], **document["properties"]}
        schema["required"] = [*envelope["required"], *document.get("required", ())]
        if call == "group":
            schema["required"].append("groupId")
        schema["anyOf"] = envelope["anyOf"]
        routes[call, definition.name if call in ROUTE_FIELD else None] = schema
    return routes, envelope, plan.unplanned_events is Policy.FORBID


def routed_loop(
    path: str,
    loads: Callable[[bytes], Any],
    checks: dict[Any, Check],
    fallback: Check,
    forbid_unplanned: bool,
) -> tuple[int, int]:
    """Records and invalid records of `path`, each message checked by its route's check."""
    records = invalid = 0
    route_field = ROUTE_FIELD
    with open(path, "rb") as lines:
        for line in lines:
            records += 1
            message = loads(line)
            if not isinstance(message, dict):
                invalid += 1
                continue
            kind = message.get("type")
            name_field = route_field.get(kind)
            check = checks.get((kind, message.get(name_field) if name_field else None))
            if check is None:
                if kind == "track" and forbid_unplanned:
                    invalid += 1
                    continue
                check = fallback
            if not check(message):
                invalid += 1
    return records, invalid


def _floor(path: str) -> tuple[int, int]:
    import msgspec

    decode = msgspec.json.Decoder().decode
    records = 0
    with open(path, "rb") as lines:
        for line in lines:
            decode(line)
            records += 1
    return records, 0


def _jsonschema_checks(schemas: list[Schema]) -> list[Check]:
    from jsonschema import (  # type: ignore[import-untyped,unused-ignore]
        Draft202012Validator,
    )

    checker = Draft202012Validator.FORMAT_CHECKER
    if "date-time" not in checker.checkers:
        print("warning: jsonschema cannot check date-time (pip install rfc3339-validator)")
    return [Draft202012Validator(s, format_checker=checker).is_valid for s in schemas]


def _fastjsonschema_checks(schemas: list[Schema]) -> list[Check]:
    import fastjsonschema

    error = fastjsonschema.JsonSchemaValueException

    def wrap(function: Callable[[Any], Any]) -> Check:
        def check(message: Any) -> bool:
            try:
                function(message)
            except error:
                return False
            return True

        return check

    # detailed_exceptions=False would be a little faster on invalid records, but fastjsonschema
    # 2.22 fails to compile `const` with it (KeyError: 'definition_rule').
    return [wrap(fastjsonschema.compile(s)) for s in schemas]


def _jsonschema_rs_checks(schemas: list[Schema]) -> list[Check]:
    import jsonschema_rs

    return [jsonschema_rs.validator_for(s, validate_formats=True).is_valid for s in schemas]


# Engine: (module, compile the checks, parser).
PEERS: dict[str, tuple[str, Callable[[list[Schema]], list[Check]], str]] = {
    "jsonschema": ("jsonschema", _jsonschema_checks, "json"),
    "fastjsonschema": ("fastjsonschema", _fastjsonschema_checks, "orjson"),
    "jsonschema-rs": ("jsonschema_rs", _jsonschema_rs_checks, "orjson"),
}


def _loads(name: str) -> Callable[[bytes], Any]:
    if name == "orjson":
        import orjson

        return orjson.loads
    return json.loads


def _tp_options(module: Any) -> tuple[Any, str]:
    """`ValidateOptions` with drift statistics on, and what was set."""
    options = module.ValidateOptions()
    if "drift" in {f.name for f in dataclasses.fields(options)}:
        return dataclasses.replace(options, drift=True), "ValidateOptions(drift=True)"
    return options, "ValidateOptions() (it has no `drift` field)"


def _gunzip(path: str) -> tuple[int, int]:
    """Inflate a gzip file and drop the bytes, as tp's reader inflates it (zlib, 256 KB of
    input, up to a megabyte out, a call): what decompressing alone costs."""
    import zlib

    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb", buffering=0) as source:
        pending = b""
        while True:
            pending = pending or source.read(256 * 1024)
            if not pending or inflate.eof:
                break
            inflate.decompress(pending, 1 << 20)
            pending = inflate.unconsumed_tail
    return 0, 0


def run_child(engine: str, plan_path: str, input_path: str, jobs: int) -> dict[str, Any]:
    """Measure one engine on one file, in this process."""
    result: dict[str, Any] = {}
    if engine == "gunzip":
        start = time.perf_counter()
        records, invalid = _gunzip(input_path)
    elif engine == "floor":
        start = time.perf_counter()
        records, invalid = _floor(input_path)
    elif engine in PEERS:
        module_name, make_checks, parser = PEERS[engine]
        loads = _loads(parser)
        importlib.import_module(module_name)
        setup = time.perf_counter()
        routes, envelope, forbid_unplanned = route_schemas(plan_path)
        compiled = make_checks([*routes.values(), envelope])
        checks = dict(zip(routes, compiled, strict=False))
        result["setup_seconds"] = time.perf_counter() - setup
        start = time.perf_counter()
        records, invalid = routed_loop(input_path, loads, checks, compiled[-1], forbid_unplanned)
    elif engine == "tp":
        try:
            module = importlib.import_module("tracking_plan.validate")
            validate_files = module.validate_files
        except (ImportError, AttributeError) as error:
            return {"unavailable": f"{type(error).__name__}: {error}"}
        from tracking_plan.loader import load_plan

        plan = load_plan(plan_path)
        options, result["note"] = _tp_options(module)
        start = time.perf_counter()
        report = validate_files(plan, [input_path], jobs=jobs, options=options)
        records, invalid = int(report.records), int(report.invalid)
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    result["seconds"] = time.perf_counter() - start
    result["records"] = records
    result["invalid"] = invalid
    result["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["children_rss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result
