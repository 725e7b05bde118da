"""tp diff's verdicts against the compiled JSON Schemas: for generated plan pairs (one or several
mutations of a property) and events valid under the old plan, "safe for producers" must mean
that the new plan accepts every one of them, and every witness must be valid under the old
plan and invalid under the new one."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml
from conftest import scaled
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tracking_plan.compiler import compile_plan
from tracking_plan.diff.impact import Impact
from tracking_plan.diff.run import run_diff
from tracking_plan.diff.witness import _ABSENT, _candidates, smallest_message
from tracking_plan.loader import read_plan
from tracking_plan.model import Plan

TYPES = ("string", "integer", "number", "boolean")
PROPERTY = st.fixed_dictionaries(
    {"type": st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True)},
    optional={
        "required": st.booleans(),
        "nullable": st.booleans(),
        "enum": st.lists(
            st.sampled_from(["a", "b", "c", 1, 2]), min_size=1, max_size=3, unique=True
        ),
        "pattern": st.sampled_from(["^a", "^[ab]+$", "b"]),
        "minimum": st.integers(-2, 2),
        "maximum": st.integers(3, 6),
        "max_length": st.integers(1, 4),
    },
)
EVENT = st.fixed_dictionaries(
    {"properties": st.dictionaries(st.sampled_from(["p", "q", "r"]), PROPERTY, max_size=3)},
    optional={"unplanned_properties": st.sampled_from(["allow", "warn", "forbid"])},
)


def mutations(event: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The event with a property changed, added or removed, or its policy changed."""

    def change(new_props: dict[str, Any]) -> dict[str, Any]:
        return {**event, "properties": new_props}

    props = event["properties"]
    options: list[st.SearchStrategy[dict[str, Any]]] = [
        st.builds(
            lambda name, prop: change({**props, name: prop}),
            st.sampled_from(["p", "q", "r", "s"]),
            PROPERTY,
        ),
        st.sampled_from(["allow", "warn", "forbid"]).map(
            lambda p: {**event, "unplanned_properties": p}
        ),
    ]
    if props:
        options.append(
            st.sampled_from(sorted(props)).map(
                lambda n: change({k: v for k, v in props.items() if k != n})
            )
        )
    return st.one_of(options)


def load(tmp: Path, name: str, event: dict[str, Any]) -> Plan | None:
    text = yaml.safe_dump({"plan": "p", "events": {"Thing Done": event}})
    (tmp / name).write_text(text, encoding="utf-8")
    return read_plan(tmp / name).plan


def validator(plan: Plan) -> Draft202012Validator:
    return Draft202012Validator(
        compile_plan(plan).bundle, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def old_events(plan: Plan, data: st.DataObject) -> list[dict[str, Any]]:
    """Events the old plan accepts: its smallest one, with candidate values drawn for every
    property (those the plan rejects are dropped)."""
    definition = plan.events[0]
    base = smallest_message(definition)
    if base is None:
        return []
    check = validator(plan)
    found = [base]
    for _ in range(6):
        message = {**base, "properties": dict(base.get("properties", {}))}
        for prop in definition.properties:
            choices = list(itertools.islice(_candidates(prop), 40))
            value = data.draw(st.sampled_from(choices))
            if value is _ABSENT:
                message["properties"].pop(prop.name, None)
            else:
                message["properties"][prop.name] = value
        extra = data.draw(st.sampled_from([None, ("s", "a"), ("s", 1)]))
        if extra is not None:
            message["properties"][extra[0]] = extra[1]
        if check.is_valid(message):
            found.append(message)
    return found


@settings(
    max_examples=scaled(120),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(event=EVENT, data=st.data())
def test_safe_for_producers_means_every_old_event_still_passes(
    tmp_path: Path, event: dict[str, Any], data: st.DataObject
) -> None:
    changed = data.draw(mutations(event))
    changed = data.draw(st.one_of(st.just(changed), mutations(changed)))  # sometimes two
    old, new = load(tmp_path, "old.yaml", event), load(tmp_path, "new.yaml", changed)
    if old is None or new is None:
        note("a plan the loader refuses")
        return  # a combination the loader refuses (e.g. an enum no type admits)
    result = run_diff(old, new)
    before, after = validator(old), validator(new)
    for d in result.diagnostics:
        witness = d.data.get("witness")
        if witness is not None:
            note("a witness checked")
            assert before.is_valid(witness) and not after.is_valid(witness), d.message
    changes = [d for d in result.diagnostics if "producers" in d.data]
    if all(d.data["producers"] == Impact.SAFE.name.lower() for d in changes):
        note("safe for producers" if changes else "no change")
        for message in old_events(old, data):
            assert after.is_valid(message), (message, [d.message for d in changes])
