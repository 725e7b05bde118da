"""The loader against hostile plans: what it reads, how much, and values no later stage could
handle. Every case must end in located diagnostics, never an exception, a hang or a huge
allocation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import WritePlan, assert_clean, describe, errors, find, load

from tracking_plan import read_plan
from tracking_plan.loader.build import MAX_PROPERTY_DEPTH
from tracking_plan.loader.source_file import MAX_PLAN_BYTES

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")


def property_plan(spec: str) -> str:
    """A plan whose one property (line 5, column 7) is `spec`, a flow mapping."""
    return f"plan: shop\nevents:\n  Order Completed:\n    properties:\n      total: {spec}\n"


def only_error(result_path: Path | str) -> str:
    """The message of the one error a plan has (with its location, for assertions)."""
    result = load(result_path)
    assert result.plan is None
    found = errors(result)
    assert len(found) == 1, describe(result.diagnostics)
    return f"{found[0].location}: {found[0].code} {found[0].message}"


# -- includes stay inside the plan's folder -------------------------------------------------------


def test_include_of_an_absolute_path_outside_the_folder(write_plan: WritePlan) -> None:
    path = write_plan("plan: shop\ninclude: [/etc/passwd]\n")
    result = load(path)
    assert result.plan is None
    found = find(result, "TP004", 2, 11, "'/etc/passwd' is outside the plan's folder")
    assert "--include-root" in found.message
    assert {d.location.file for d in result.diagnostics} == {"plan.yaml"}


def test_include_climbing_out_with_dot_dot(write_plan: WritePlan, plan_dir: Path) -> None:
    write_plan("events:\n  Order Completed: {}\n", "shared.yaml")
    path = write_plan("plan: shop\ninclude: [../shared.yaml]\n", "plans/plan.yaml")
    result = load(path)
    find(result, "TP004", 2, 11, "'../shared.yaml' is outside the plan's folder")
    assert {d.location.file for d in result.diagnostics} == {"plans/plan.yaml"}


def test_include_through_a_symbolic_link_pointing_outside(
    write_plan: WritePlan, plan_dir: Path
) -> None:
    secret = write_plan("token: s3cr3t\n", "secrets.yaml")
    (plan_dir / "plans").mkdir()
    (plan_dir / "plans" / "core.yaml").symlink_to(plan_dir / secret)
    path = write_plan("plan: shop\ninclude: [./core.yaml]\n", "plans/plan.yaml")
    message = only_error(path)
    assert "plans/plan.yaml:2:11: TP004 included file './core.yaml' is outside" in message
    assert "s3cr3t" not in message


def test_include_root_allows_another_folder(write_plan: WritePlan, plan_dir: Path) -> None:
    write_plan("events:\n  Order Completed: {}\n", "shared/core.yaml")
    path = write_plan("plan: shop\ninclude: [../shared/core.yaml]\n", "plans/plan.yaml")
    assert load(path).plan is None
    result = read_plan(path, include_roots=[plan_dir / "shared"])
    assert_clean(result)
    assert result.plan is not None and result.plan.events[0].name == "Order Completed"


def test_absolute_include_inside_the_folder_is_fine(write_plan: WritePlan, plan_dir: Path) -> None:
    write_plan("events:\n  Order Completed: {}\n", "core.yaml")
    path = write_plan(f"plan: shop\ninclude: ['{plan_dir / 'core.yaml'}']\n")
    assert_clean(load(path))


def test_included_file_that_is_not_a_plan_is_not_quoted(write_plan: WritePlan) -> None:
    write_plan("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/sh\n", "notes.yaml")
    write_plan("AWS_SECRET_ACCESS_KEY: abc123\nREGION: eu\n", "env.yaml")
    path = write_plan("plan: shop\ninclude: [./notes.yaml, ./env.yaml]\n")
    result = load(path)
    assert result.plan is None
    find(result, "TP002", 2, 11, "notes.yaml is not a plan: its top level is a string")
    find(result, "TP002", 2, 25, "env.yaml is not a plan: none of its top-level keys")
    # Reported at the include entries: nothing located in those files, no key or value quoted.
    assert {d.location.file for d in result.diagnostics} == {"plan.yaml"}
    text = describe(result.diagnostics)
    assert "root:x" not in text and "AWS" not in text and "abc123" not in text


def test_included_plan_with_a_typo_in_its_only_key_is_still_a_plan(write_plan: WritePlan) -> None:
    write_plan("evnts:\n  Order Completed: {}\n", "core.yaml")
    path = write_plan("plan: shop\ninclude: [./core.yaml]\n")
    find(
        load(path), "TP002", 1, 1, "unknown key 'evnts'", "did you mean 'events'?", file="core.yaml"
    )


@posix_only
def test_devices_pipes_and_folders_are_not_read(write_plan: WritePlan, plan_dir: Path) -> None:
    os.mkfifo(plan_dir / "pipe.yaml")
    (plan_dir / "folder.yaml").mkdir()
    path = write_plan("plan: shop\ninclude: [./pipe.yaml, ./folder.yaml, /dev/zero]\n")
    result = read_plan(path, include_roots=["/dev"])
    find(result, "TP004", 2, 11, "cannot read plan file pipe.yaml: it is a named pipe (FIFO)")
    find(result, "TP004", 2, 24, "cannot read plan file folder.yaml: it is a folder")
    find(result, "TP004", 2, 39, "cannot read plan file /dev/zero: it is a character device")


@posix_only
def test_a_pipe_or_device_given_as_the_plan(plan_dir: Path) -> None:
    os.mkfifo(plan_dir / "plan.yaml")
    assert "plan.yaml: TP004 cannot read plan file plan.yaml: it is a named pipe" in only_error(
        "plan.yaml"
    )
    assert "it is a character device, not a file" in only_error("/dev/zero")


def test_link_loops_and_names_too_long_are_reported(write_plan: WritePlan, plan_dir: Path) -> None:
    (plan_dir / "a.yaml").symlink_to("b.yaml")
    (plan_dir / "b.yaml").symlink_to("a.yaml")
    long = "x" * 5000
    path = write_plan(f"plan: shop\ninclude: [./a.yaml, ./{long}.yaml]\n")
    result = load(path)
    find(result, "TP004", 2, 11, "cannot read plan file a.yaml: its symbolic links form a loop")
    find(result, "TP004", 2, 21, "File name too long")
    assert "its symbolic links form a loop" in only_error("a.yaml")


def test_a_file_over_the_size_limit_is_not_read(plan_dir: Path) -> None:
    with open(plan_dir / "plan.yaml", "wb") as stream:
        stream.truncate(MAX_PLAN_BYTES + 1)  # sparse: nothing is written
    message = only_error("plan.yaml")
    assert "plan.yaml: TP004 cannot read plan file plan.yaml: it is larger than 8 MiB" in message


# -- encodings and characters ---------------------------------------------------------------------

PLAN_TEXT = "plan: café\nconventions: {events: any}\nevents:\n  Commande Validée: {}\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_name_the_encoding(plan_dir: Path, encoding: str) -> None:
    data = PLAN_TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (plan_dir / "plan.yaml").write_bytes(data)
    result = load("plan.yaml")
    assert_clean(result)
    assert result.plan is not None and result.plan.name == "café"


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("plan: shop\n", "1:2", "control character U+0000 at line 1, column 2"),
        (PLAN_TEXT, "1:19", "not UTF-8 text: byte 0xe9 at line 1, column 19"),
    ],
)
def test_utf16_without_a_byte_order_mark(
    plan_dir: Path, text: str, where: str, fragment: str
) -> None:
    (plan_dir / "plan.yaml").write_bytes(text.encode("utf-16-le"))
    message = only_error("plan.yaml")
    assert message.startswith(f"plan.yaml:{where}: TP001 "), message
    assert fragment in message, message
    assert "looks like UTF-16 or UTF-32 without a byte order mark: save it as UTF-8" in message


def test_control_characters_are_located(plan_dir: Path) -> None:
    (plan_dir / "plan.yaml").write_bytes(b"plan: shop\ndescription: a\x00b\n")
    message = only_error("plan.yaml")
    assert message.startswith("plan.yaml:2:15: TP001 "), message
    assert "control character U+0000 at line 2, column 15" in message


def test_bad_utf16_after_its_byte_order_mark(plan_dir: Path) -> None:
    (plan_dir / "plan.yaml").write_bytes(
        b"\xff\xfe" + "plan: x\n".encode("utf-16-le") + b"\x00\xd8"
    )
    message = only_error("plan.yaml")
    assert "plan.yaml:2:1: TP001 the file is not UTF-16 text" in message


# -- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "at", "fragment"),
    [
        ("{type: number, minimum: .nan}", ".nan", "'minimum' must be a finite number, not .nan"),
        ("{type: number, maximum: -.inf}", "-", "'maximum' must be a finite number, not -.inf"),
        ("{type: number, maximum: 1e400}", "1", "'1e400', which is too large for a 64-bit float"),
        ("{type: number, minimum: !!int 0x" + "f" * 300 + "}", "!", "which is too large for a"),
        ("{type: number, maximum: " + "9" * 5000 + "}", "9", "an integer of 5,000 digits, too"),
        ("{type: number, multiple_of: 0}", "0", "'multiple_of' must be greater than 0, not 0;"),
        ("{type: number, multiple_of: -2}", "-", "greater than 0, not -2;"),
        ("{type: number, multiple_of: 1e-400}", "1", "not 1e-400 (it rounds to 0 in a 64-bit"),
        ("{type: string, max_length: 1.5}", "1", "'max_length' must be an integer >= 0, not the"),
        ("{type: string, max_length: -1}", "-", "an integer >= 0, not the integer -1"),
        ("{type: string, max_length: abc}", "abc", "an integer >= 0, not the string 'abc'"),
        ("{type: number, minimum: true}", "true", "must be a number, not the boolean true"),
        ("{type: number, enum: [1, .nan]}", ".nan", "numbers in 'enum' must be finite, not .nan"),
        ("{type: number, const: .inf}", ".inf", "numbers in 'const' must be finite, not .inf"),
        ("{type: number, examples: [[1e999]]}", "1e9", "numbers in 'examples' must be finite"),
        ("{type: object, example: {a: .nan}}", ".nan", "numbers in 'example' must be finite"),
        ("{type: object, example: {[a]: 1}}", "[a]", "keys of a mapping in 'example' must be"),
    ],
)
def test_numbers_no_later_stage_can_hold(
    write_plan: WritePlan, spec: str, at: str, fragment: str
) -> None:
    path = write_plan(property_plan(spec))
    message = only_error(path)
    assert message.startswith(f"plan.yaml:5:{column_of(spec, at)}: TP002 "), message
    assert fragment in message, message


def column_of(spec: str, text: str) -> int:
    """The column of `text` in `spec` written as `property_plan` writes it."""
    return len("      total: ") + spec.index(text) + 1


def test_precise_message_for_a_float_where_an_integer_belongs(write_plan: WritePlan) -> None:
    path = write_plan(property_plan("{type: string, max_length: 1.5}"))
    message = only_error(path)
    assert message.endswith("'max_length' must be an integer >= 0, not the number 1.5")


def test_large_but_finite_numbers_load(write_plan: WritePlan) -> None:
    path = write_plan(property_plan("{type: number, maximum: 1e308, enum: [" + "9" * 300 + "]}"))
    result = load(path)
    assert result.plan is not None, describe(result.diagnostics)
    assert result.plan.events[0].properties[0].enum == (int("9" * 300),)


# -- YAML tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "at", "fragment"),
    [
        ("{type: string, max_length: !!int 1.5}", "!", "!!int '1.5' is not an integer"),
        ("{type: string, required: !!bool maybe}", "!", "!!bool 'maybe' is not true or false"),
        ("{type: number, minimum: !!float abc}", "!", "!!float 'abc' is not a number"),
        ("{type: string, description: !!null x}", "!", "!!null 'x' is not null"),
        ("{type: string, const: !!binary aGVsbG8=}", "!", "unsupported YAML tag !!binary"),
        ("{type: string, examples: [!!timestamp 2024-01-01]}", "!", "unsupported YAML tag !!ti"),
        ("{type: string, enum: !!set {a, b}}", "!", "unsupported YAML tag !!set"),
        ("{type: array, examples: !!omap [a: 1]}", "!", "unsupported YAML tag !!omap"),
        ("{type: string, description: !secret x}", "!", "unsupported YAML tag !secret"),
    ],
)
def test_tags_outside_the_core_schema(
    write_plan: WritePlan, spec: str, at: str, fragment: str
) -> None:
    message = only_error(write_plan(property_plan(spec)))
    assert message.startswith(f"plan.yaml:5:{column_of(spec, at)}: TP001 "), message
    assert fragment in message, message


def test_core_tags_that_fit_their_value_load(write_plan: WritePlan) -> None:
    spec = "{type: string, max_length: !!int 0x10, required: !!bool true, description: !!str 5}"
    result = load(write_plan(property_plan(spec)))
    assert result.plan is not None, describe(result.diagnostics)
    prop = result.plan.events[0].properties[0]
    assert (prop.max_length, prop.required, prop.description) == (16, True, "5")


def test_event_version_tagged_as_an_integer_that_is_not(write_plan: WritePlan) -> None:
    path = write_plan("plan: shop\nevents:\n  Order Completed:\n    version: !!int abc\n")
    assert only_error(path).startswith("plan.yaml:4:14: TP001 YAML error: !!int 'abc'")


# -- aliases and nesting --------------------------------------------------------------------------


def laughs(use: str) -> str:
    """A billion-laughs plan: `use` places the alias `*a9` (10**9 strings when expanded)."""
    lines = ["plan: shop", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join([*lines, "events:", "  Order Completed:", "    properties:", use]) + "\n"


@pytest.mark.parametrize(
    "use",
    [
        "      kind: {type: string, enum: *a9}",
        "      kind: {type: array, examples: [*a9]}",
        "      kind: {type: array, const: *a9}",
        "      kind: {<<: {type: array, examples: *a9}}",
    ],
)
def test_alias_expansion_is_capped(write_plan: WritePlan, use: str) -> None:
    message = only_error(write_plan(laughs(use)))
    # x4 is the first value over the budget: 10**5 nodes from 44 written ones.
    assert message.startswith("plan.yaml:6:5: TP001 YAML error: aliases expand this value to")


def test_merge_key_bomb_is_capped(write_plan: WritePlan) -> None:
    lines = ["plan: shop", "d0: &d0 {a: 1, b: 2}"]
    lines += [f"d{i}: &d{i} {{<<: [*d{i - 1}], x: [*d{i - 1}, *d{i - 1}]}}" for i in range(1, 40)]
    message = only_error(write_plan("\n".join(lines) + "\n"))
    assert "TP001 YAML error: aliases expand this value to more than 100,000 nodes" in message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("plan: shop\nevents:\n  A B:\n    properties:\n      x: {enum: &r [1, *r]}\n", "5:17"),
        ("plan: shop\nx: &m {a: 1, <<: *m}\n", "2:4"),
        ("plan: shop\nx: &m {a: [{b: *m}]}\n", "2:12"),
    ],
)
def test_recursive_aliases(write_plan: WritePlan, text: str, where: str) -> None:
    message = only_error(write_plan(text))
    assert message.startswith(f"plan.yaml:{where}: TP001 YAML error: an alias refers to a node")


def test_flow_nesting_past_the_parser_limit(write_plan: WritePlan) -> None:
    path = write_plan(property_plan("{const: " + "[" * 5000 + "]" * 5000 + "}"))
    assert "TP001 YAML syntax error: exceeded maximum nesting depth" in only_error(path)


def test_block_nesting_past_the_limit(write_plan: WritePlan) -> None:
    lines = [f"{'  ' * level}k{level}:" for level in range(150)]
    message = only_error(write_plan("plan: shop\nx:\n" + "\n".join("  " + ln for ln in lines)))
    assert "plan.yaml:101:" in message and "nested more than 100 levels deep" in message


def test_nesting_through_aliases_is_counted(write_plan: WritePlan) -> None:
    deep = "[" * 60 + "]" * 60
    text = f"plan: shop\na: &a {deep}\nb: &b [{'[' * 59}*a{']' * 59}]\n"
    assert "nested more than 100 levels deep" in only_error(write_plan(text))


def nested_properties(levels: int) -> str:
    lines = ["plan: shop", "events:", "  Order Completed:", "    properties:"]
    for level in range(levels):
        indent = "      " + "    " * level
        lines += [f"{indent}p{level}:", f"{indent}  properties:"]
    lines.append("      " + "    " * levels + "leaf: string")
    return "\n".join(lines) + "\n"


def test_properties_nested_too_deep(write_plan: WritePlan) -> None:
    deepest = MAX_PROPERTY_DEPTH  # p0 is level 1, so p32 is level 33
    message = only_error(write_plan(nested_properties(deepest + 1)))
    line, column = 5 + 2 * deepest, 7 + 4 * deepest
    assert message.startswith(f"plan.yaml:{line}:{column}: TP002 property 'p32' is nested 33"), (
        message
    )


def test_properties_at_the_depth_limit_load(write_plan: WritePlan) -> None:
    assert load(write_plan(nested_properties(MAX_PROPERTY_DEPTH - 1))).plan is not None


def test_refs_cannot_build_nesting_past_the_limit(write_plan: WritePlan) -> None:
    shared = [f"  s{i}: {{type: object, properties: {{c: {{ref: s{i + 1}}}}}}}" for i in range(40)]
    uses = ["events:", "  Order Completed:", "    properties:", "      root: {ref: s0}"]
    text = "\n".join(["plan: shop", "properties:", *shared, "  s40: string", *uses])
    result = load(write_plan(text + "\n"))
    assert result.plan is None
    # s0 reaches level 33 at the property of s31; every shared s_i is checked on its own too.
    find(result, "TP002", 3 + 31, 36, "property 'c' is nested 33 levels deep (refs included)")


@pytest.mark.parametrize("via", ["properties: {parent: {ref: node}}", "items: {ref: node}"])
def test_ref_cycles_through_nesting(write_plan: WritePlan, via: str) -> None:
    kind = "object" if via.startswith("properties") else "array"
    text = (
        f"plan: shop\nproperties:\n  node: {{type: {kind}, {via}}}\n"
        "events:\n  Order Completed:\n    properties:\n      tree: {ref: node}\n"
    )
    result = load(write_plan(text))
    assert result.plan is None
    found = [d for d in errors(result) if "used inside its own definition" in d.message]
    assert len(found) == 1, describe(result.diagnostics)  # once, not at every use
    assert (found[0].code, found[0].location.line) == ("TP004", 3)


# -- other values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("{type: string, pattern: 'a{99999999999}'}", "the repetition number is too large"),
        ("{type: string, pattern: '" + "(" * 5000 + ")" * 5000 + "'}", "nested too deeply"),
    ],
)
def test_patterns_python_cannot_compile(write_plan: WritePlan, spec: str, fragment: str) -> None:
    message = only_error(write_plan(property_plan(spec)))
    assert message.startswith(f"plan.yaml:5:{column_of(spec, chr(39))}: TP002 invalid regular"), (
        message
    )
    assert fragment in message


def test_an_empty_type_list_is_an_error(write_plan: WritePlan) -> None:
    message = only_error(write_plan(property_plan("{type: []}")))
    assert message.startswith("plan.yaml:5:21: TP002 type must name at least one type")


@pytest.mark.parametrize(
    "version", ["1", "1.2.3", "2024.11.1", "v2", "1.0.0-beta.1", "1.10", "3+b.7"]
)
def test_plain_plan_versions(write_plan: WritePlan, version: str) -> None:
    result = load(write_plan(f"plan: shop\nversion: {version}\n"))
    assert result.plan is not None and result.plan.version == version


@pytest.mark.parametrize(
    "version",
    ['"1\\n*/ import os"', "'1.0 beta'", '"1\'"', "x" * 10, "1..2", "'1.0-'", "1" * 65],
)
def test_versions_that_are_not_plain(write_plan: WritePlan, version: str) -> None:
    message = only_error(write_plan(f"plan: shop\nversion: {version}\n"))
    assert message.startswith("plan.yaml:2:10: TP002 version must be a plain version"), message


def test_names_longer_than_the_limit(write_plan: WritePlan) -> None:
    event, prop = "E" * 201, "p" * 5000
    text = f"plan: shop\nevents:\n  ? {event}\n  : {{}}\n  A B:\n    properties:\n      ? {prop}\n"
    result = load(write_plan(text + "      : string\n"))
    find(result, "TP002", 3, 5, "a name in events is 201 characters long")
    find(result, "TP002", 7, 9, "a property name is 5,000 characters long")
    assert prop not in describe(result.diagnostics)  # the name is cut short in the message


def test_names_in_any_script_load(write_plan: WritePlan) -> None:
    """Names are sent as typed, in any script; even control characters load (every output
    escapes them, and `tp lint` reports them as TP106)."""
    text = "plan: shop\nevents:\n  Commande Terminée:\n    properties:\n      注文番号: string\n"
    text += "  تم الطلب:\n    properties:\n      \U0001f469\u200d\U0001f4bb: string\n"
    text += '  "Line\\nBreak \\x00 \\u202e": {}\n'
    assert_clean(load(write_plan(text + "conventions: {events: any, properties: any}\n")))
