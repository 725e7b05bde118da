"""Every file `tp` writes follows one rule (README "Output files"): an output is never an input,
the plan or another output; it replaces an existing file only when tp wrote that file and nobody
changed it since (the folder's `.tp-outputs.json` manifest proves it), else only with --force;
it is written to a temporary file in the same folder and renamed, so a failed write leaves the
old file as it was; and a generated folder loses only the files its own producer wrote there.

The commands run as subprocesses on real files, the way users run them.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS, REPO_ROOT, SLACK_PLAN, Run, run_tp, tp_executable

from tracking_plan.output_files import MANIFEST_NAME
from tracking_plan.serve.store import CaptureStore

SHOP = PLANS / "shop"
Completed = subprocess.CompletedProcess[str]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A copy of the shop plan (plan.yaml includes core.yaml) and its sample events."""
    folder = tmp_path / "shop"
    shutil.copytree(SHOP, folder)
    return folder


def tp(*args: str | Path, cwd: Path) -> Run:
    run = run_tp(*args, cwd=cwd, timeout=120)
    assert "Traceback" not in run.output, run.output
    assert "internal error" not in run.output, run.output
    return run


def run(command: Sequence[str | Path], *, cwd: Path | None = None, **options: Any) -> Completed:
    """Run a command line (tp, or tp in a wrapper) with what `run_tp` does not offer: a
    standard input, a `preexec_fn`."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def manifest(folder: Path) -> dict[str, dict[str, object]]:
    files: dict[str, dict[str, object]] = json.loads((folder / MANIFEST_NAME).read_text())["files"]
    return files


# -- 1. an output is never an input, the plan or the other output ---------------------------------


@pytest.mark.parametrize(
    "outputs",
    [
        ["--invalid-out", "d.jsonl"],
        ["--valid-out", "d.jsonl"],
        ["--invalid-out", "plan.yaml"],
        ["--valid-out", "core.yaml"],  # included by plan.yaml
        ["--invalid-out", "link.jsonl"],  # a symbolic link to the input
        ["--invalid-out", "hard.jsonl"],  # a hard link to the input
    ],
    ids=["invalid-out", "valid-out", "plan", "included-plan-file", "symlink", "hard-link"],
)
def test_validate_refuses_an_output_that_is_an_input(shop: Path, outputs: list[str]) -> None:
    (shop / "d.jsonl").write_bytes((shop / "sample-events.jsonl").read_bytes())
    (shop / "link.jsonl").symlink_to("d.jsonl")
    os.link(shop / "d.jsonl", shop / "hard.jsonl")
    before = snapshot(shop)
    run = tp("validate", "plan.yaml", "d.jsonl", *outputs, cwd=shop)
    assert run.code == 2, run.output
    assert outputs[1] in run.stderr and "input" in run.stderr, run.stderr
    assert snapshot(shop) == before


def test_validate_refuses_the_same_file_for_both_outputs(shop: Path) -> None:
    run = tp(
        "validate", "plan.yaml", "sample-events.jsonl", "--valid-out", "x.jsonl",
        "--invalid-out", "./x.jsonl", cwd=shop,
    )  # fmt: skip
    assert run.code == 2, run.output
    assert "--valid-out" in run.stderr and "--invalid-out" in run.stderr
    assert not (shop / "x.jsonl").exists()


def test_validate_refuses_an_output_that_is_standard_input(shop: Path) -> None:
    events = shop / "sample-events.jsonl"
    before = events.read_bytes()
    with events.open("rb") as stdin:
        command = [tp_executable(), "validate", "plan.yaml", "-", "--invalid-out", events.name]
        completed = run(command, cwd=shop, stdin=stdin)
    assert completed.returncode == 2, completed.stderr
    assert "standard input" in completed.stderr
    assert events.read_bytes() == before


def test_validate_outputs_are_untouched_when_the_plan_does_not_load(shop: Path) -> None:
    (shop / "invalid.jsonl").write_text("kept\n")
    (shop / "broken.yaml").write_text("plan: x\nevents: [a\n")
    args = ("sample-events.jsonl", "--invalid-out", "invalid.jsonl")
    run = tp("validate", "broken.yaml", *args, cwd=shop)
    assert run.code == 2, run.output
    assert "TP001" in run.stderr, run.stderr  # the plan, not the output, is the problem
    assert (shop / "invalid.jsonl").read_text() == "kept\n"


def test_validate_writes_its_outputs_and_rewrites_them_without_force(shop: Path) -> None:
    args = ("validate", "plan.yaml", "sample-events.jsonl", "--valid-out", "out/valid.jsonl")
    first = tp(*args, "--invalid-out", "out/invalid.jsonl", cwd=shop)
    assert first.code == 1, first.output  # the sample has violations
    lines = (shop / "sample-events.jsonl").read_bytes().splitlines()
    valid = (shop / "out/valid.jsonl").read_bytes().splitlines()
    invalid = (shop / "out/invalid.jsonl").read_bytes().splitlines()
    assert sorted(valid + invalid) == sorted(lines)
    assert set(manifest(shop / "out")) == {"valid.jsonl", "invalid.jsonl"}
    again = tp(*args, "--invalid-out", "out/invalid.jsonl", "--jobs", "2", cwd=shop)
    assert again.code == 1, again.output
    assert (shop / "out/invalid.jsonl").read_bytes().splitlines() == invalid


@pytest.mark.parametrize(
    "option", ["--valid-out", "--invalid-out"], ids=["valid-out", "invalid-out"]
)
def test_validate_standard_output_is_not_an_out_file(shop: Path, option: str) -> None:
    run = tp("validate", "plan.yaml", "sample-events.jsonl", option, "-", cwd=shop)
    assert run.code == 2, run.output
    assert option in run.stderr and "standard output" in run.stderr


# -- 4. never overwrite an input; replace only tp's own unchanged files, else --force -------------


@pytest.mark.parametrize(
    "command",
    [
        ["compile", "plan.yaml", "--format", "segment", "-o", "plan.yaml"],
        ["compile", "plan.yaml", "--format", "segment", "-o", "core.yaml", "--force"],
        ["lint", "plan.yaml", "--format", "sarif", "-o", "plan.yaml", "--force"],
        ["lint", "plan.yaml", "--format", "sarif", "-o", "core.yaml"],
        ["import", "segment", "segment.json", "-o", "segment.json", "--force"],
        ["captures", "export", "--db", "captures.sqlite", "-o", "captures.sqlite", "--force"],
    ],
    ids=["compile", "compile-include", "lint", "lint-include", "import", "captures-export"],
)
def test_an_input_is_never_overwritten_even_with_force(shop: Path, command: list[str]) -> None:
    _segment_export(shop)
    (shop / "captures.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    before = snapshot(shop)
    run = tp(*command, cwd=shop)
    assert run.code == 2, run.output
    assert "input" in run.stderr or "plan" in run.stderr, run.stderr
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "command",
    [
        ["compile", "plan.yaml", "--format", "segment", "-o", "notes.txt"],
        ["lint", "plan.yaml", "--format", "sarif", "-o", "notes.txt"],
        ["validate", "plan.yaml", "sample-events.jsonl", "--invalid-out", "notes.txt"],
        ["import", "segment", "segment.json", "-o", "notes.txt"],
        ["init", "notes.txt"],
        ["captures", "export", "--db", "empty.sqlite", "-o", "notes.txt"],
    ],
    ids=["compile-segment", "lint", "validate", "import", "init", "captures-export"],
)
def test_a_file_tp_did_not_write_is_replaced_only_with_force(
    shop: Path, command: list[str]
) -> None:
    _segment_export(shop)
    _empty_capture_store(shop / "empty.sqlite")
    (shop / "notes.txt").write_text("hand-written\n")
    refused = tp(*command, cwd=shop)
    assert refused.code == 2, refused.output
    assert "notes.txt" in refused.stderr and "--force" in refused.stderr, refused.stderr
    assert (shop / "notes.txt").read_text() == "hand-written\n"

    forced = tp(*command, "--force", cwd=shop)
    assert forced.code in (0, 1), forced.output
    written = (shop / "notes.txt").read_bytes()
    assert written != b"hand-written\n"
    # Now tp wrote it, unchanged since: writing it again needs no --force.
    again = tp(*command, cwd=shop)
    assert again.code == forced.code, again.output
    # A person edits it: it is theirs again.
    (shop / "notes.txt").write_bytes(written + b"edited\n")
    assert tp(*command, cwd=shop).code == 2
    assert (shop / "notes.txt").read_bytes() == written + b"edited\n"


def _segment_export(shop: Path) -> None:
    """segment.json: the shop plan as a Segment Protocols export, for tp import segment."""
    assert (
        tp("compile", "plan.yaml", "--format", "segment", "-o", "segment.json", cwd=shop).code == 0
    )


def _empty_capture_store(db: Path) -> None:
    CaptureStore(db).close()  # as tp serve leaves it before the first event


def test_lint_report_is_written_even_when_the_plan_does_not_load(shop: Path) -> None:
    (shop / "broken.yaml").write_text("plan: x\nevents: [a\n")
    run = tp("lint", "broken.yaml", "--format", "json", "-o", "report.json", cwd=shop)
    assert run.code == 2, run.output
    assert "TP001" in (shop / "report.json").read_text()


def test_compile_leaves_the_folder_alone_when_the_plan_does_not_load(shop: Path) -> None:
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    before = snapshot(shop / "schemas")
    (shop / "broken.yaml").write_text("plan: x\nevents: [a\n")
    assert tp("compile", "broken.yaml", "-o", "schemas", "--force", cwd=shop).code == 2
    assert snapshot(shop / "schemas") == before


def test_standard_output_where_an_output_file_is_optional(shop: Path) -> None:
    lint = tp("lint", "plan.yaml", "--format", "json", "-o", "-", cwd=shop)
    assert lint.code == 0, lint.output
    json.loads(lint.stdout)
    segment = tp("compile", "plan.yaml", "--format", "segment", "-o", "-", cwd=shop)
    assert segment.code == 0, segment.output
    assert json.loads(segment.stdout)["rules"]
    starter = tp("init", "-", "--name", "acme", cwd=shop)
    assert starter.code == 0, starter.output
    assert "plan: acme" in starter.stdout and "tp compile tracking-plan.yaml" in starter.stdout
    assert not (shop / "-").exists()


def test_an_output_that_is_a_folder_or_under_a_file(shop: Path) -> None:
    (shop / "reports").mkdir()
    folder = tp("lint", "plan.yaml", "-o", "reports", "--force", cwd=shop)
    assert folder.code == 2, folder.output
    assert "reports" in folder.stderr and "folder" in folder.stderr
    under_a_file = tp("lint", "plan.yaml", "-o", "plan.yaml/report.txt", cwd=shop)
    assert under_a_file.code == 2, under_a_file.output
    assert "plan.yaml" in under_a_file.stderr and "not a folder" in under_a_file.stderr
    made = tp("lint", "plan.yaml", "-o", "new/folders/report.txt", cwd=shop)
    assert made.code == 0, made.output
    assert (shop / "new/folders/report.txt").is_file()


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["lint", "plan.yaml", "-o", "plan.yaml/out"], "plan.yaml/out"),
        (["compile", "plan.yaml", "-o", "plan.yaml/out"], "plan.yaml/out/bundle.schema.json"),
        (["compile", "plan.yaml", "--format", "segment", "-o", "plan.yaml/out"], "plan.yaml/out"),
        (["import", "segment", "segment.json", "-o", "plan.yaml/out"], "plan.yaml/out"),
        (
            ["codegen", "plan.yaml", "--lang", "python", "-o", "plan.yaml/out"],
            "plan.yaml/out/__init__.py",
        ),
        (["validate", "plan.yaml", "sample-events.jsonl", "--invalid-out", "plan.yaml/out"], None),
        (["validate", "plan.yaml", "sample-events.jsonl", "--valid-out", "plan.yaml/out"], None),
        (["captures", "export", "--db", "captures.sqlite", "-o", "plan.yaml/out"], None),
        (["init", "plan.yaml/out", "--name", "shop"], None),
    ],
    ids=[
        "lint",
        "compile",
        "compile-segment",
        "import-segment",
        "codegen",
        "validate-invalid-out",
        "validate-valid-out",
        "captures-export",
        "init",
    ],
)
def test_an_output_that_cannot_be_written_is_an_error_not_a_bug(
    shop: Path, command: list[str], written: str | None
) -> None:
    """Its parent is a regular file, which no user, root included, can create a file under."""
    assert (
        tp("compile", "plan.yaml", "--format", "segment", "-o", "segment.json", cwd=shop).code == 0
    )
    CaptureStore(shop / "captures.sqlite").close()
    run = tp(*command, cwd=shop)
    assert run.code == 2, run.output
    assert run.stderr.startswith(
        f"error: cannot write {written or 'plan.yaml/out'}: plan.yaml is not a folder\n"
    ), run.stderr
    assert not (shop / "plan.yaml").is_dir()


def test_a_device_is_written_to_directly(shop: Path) -> None:
    run = tp("lint", "plan.yaml", "--format", "sarif", "-o", "/dev/null", cwd=shop)
    assert run.code == 0, run.output
    assert Path("/dev/null").is_char_device()


def test_a_replaced_file_keeps_its_permissions(shop: Path) -> None:
    assert tp("lint", "plan.yaml", "-o", "report.txt", cwd=shop).code == 0
    (shop / "report.txt").chmod(0o640)
    (shop / "plan.yaml").write_text((shop / "plan.yaml").read_text().replace("2.3.0", "2.4.0"))
    assert tp("lint", "plan.yaml", "--format", "json", "-o", "report.txt", cwd=shop).code == 0
    assert (shop / "report.txt").stat().st_mode & 0o777 == 0o640
    json.loads((shop / "report.txt").read_text())


def test_an_output_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    report = folder / "report.txt"
    assert run_tp("lint", SLACK_PLAN, "-o", report).code == 0
    old = report.read_bytes()
    command = [tp_executable(), "lint", str(SLACK_PLAN), "--format", "json", "-o", str(report)]
    if os.geteuid() == 0:
        # Root may write into any folder: make this one a read-only mount instead, in a mount
        # namespace of its own that ends with the process.
        unshare = shutil.which("unshare")
        if unshare is None:
            pytest.skip("needs unshare(1) to make a read-only folder as root")
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        command = [unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                   str(folder), *command]  # fmt: skip
        reason = "Read-only file system"
    else:
        folder.chmod(0o555)
        reason = "Permission denied"
    completed = run(command)
    folder.chmod(0o755)
    if "mount:" in completed.stderr or "unshare:" in completed.stderr:
        pytest.skip(f"cannot make a read-only mount here: {completed.stderr.strip()}")
    assert completed.returncode == 2, completed.stderr
    assert "internal error" not in completed.stderr and "Traceback" not in completed.stderr
    assert str(report) in completed.stderr and reason in completed.stderr, completed.stderr
    assert report.read_bytes() == old


# -- 3. a failed write leaves the old file intact ------------------------------------------------


def _limited(*args: str | Path, cwd: Path, max_bytes: int) -> Completed:
    """Run tp with the file size limit at `max_bytes`; SIGXFSZ ignored, so a longer write fails
    with EFBIG (as on a full disk) instead of killing the process."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return run([tp_executable(), *args], cwd=cwd, preexec_fn=limit)


def _bigger_plan(shop: Path) -> None:
    """Every generated file of the shop plan gets longer."""
    plan = shop / "plan.yaml"
    text = plan.read_text().replace("owner: data-platform", "owner: data-platform-" + "x" * 300)
    plan.write_text(text.replace("version: 2.3.0", "version: 2.3.1"))


@pytest.mark.parametrize(
    ("command", "written", "limit"),
    [
        (["compile", "plan.yaml", "-o", "out"], "out/bundle.schema.json", 20_000),
        (["codegen", "plan.yaml", "--lang", "typescript", "-o", "out"], "out/index.ts", 20_000),
        (["lint", "plan.yaml", "--format", "sarif", "-o", "out/tp.sarif"], "out/tp.sarif", 200),
        (
            ["validate", "plan.yaml", "sample-events.jsonl", "--valid-out", "out/valid.jsonl"],
            "out/valid.jsonl",
            20_000,
        ),
    ],
    ids=["compile", "codegen", "lint", "validate"],
)
def test_a_failed_write_leaves_the_old_files_intact(
    shop: Path, command: list[str], written: str, limit: int
) -> None:
    first = tp(*command, cwd=shop)
    assert first.code in (0, 1, 2), first.output
    before = snapshot(shop / "out")
    assert len(before[written.removeprefix("out/")]) > limit, "the limit must be below the size"
    _bigger_plan(shop)
    if command[0] == "lint":  # a finding makes the report longer
        (shop / "plan.yaml").write_text((shop / "plan.yaml").read_text() + "\nbad_key: 1\n")
    if command[0] == "validate":
        (shop / "sample-events.jsonl").write_bytes((shop / "sample-events.jsonl").read_bytes() * 2)
    failed = _limited(*command, cwd=shop, max_bytes=limit)
    assert failed.returncode == 2, failed.stderr
    assert "internal error" not in failed.stderr and "Traceback" not in failed.stderr
    assert "cannot write" in failed.stderr and "File too large" in failed.stderr, failed.stderr
    assert Path(written).name in failed.stderr, failed.stderr
    assert snapshot(shop / "out") == before  # nothing half-written, no temporary file left


# -- 2. a generated folder loses only its own producer's files -----------------------------------


_EXTRA_EVENT = "  Coupon Scanned:\n    description: The shopper scanned a coupon in the shop.\n"


def _add_extra_event(shop: Path) -> None:
    plan = shop / "plan.yaml"
    plan.write_text(plan.read_text().replace("\nevents:\n", "\nevents:\n" + _EXTRA_EVENT, 1))


def _drop_extra_event(shop: Path) -> None:
    """The plan no longer has the event: its schema is no longer generated."""
    plan = shop / "plan.yaml"
    plan.write_text(plan.read_text().replace(_EXTRA_EVENT, ""))


def test_compile_prunes_only_what_this_plan_wrote(shop: Path) -> None:
    _add_extra_event(shop)
    schemas = shop / "schemas"
    schemas.mkdir()
    (schemas / "mine.schema.json").write_text("{}\n")
    (schemas / "track").mkdir()
    (schemas / "track" / "custom.schema.json").write_text("{}\n")
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    other = shop / "other.yaml"
    other.write_text("plan: other\nevents:\n  Robot Waved: {}\n")
    # The second plan replaces the shared bundle.schema.json (tp wrote it, unchanged).
    assert tp("compile", "other.yaml", "-o", "schemas", cwd=shop).code == 0
    assert (schemas / "track" / "robot_waved.schema.json").is_file()
    # The shop plan drops an event: its schema goes, nothing else does.
    _drop_extra_event(shop)
    run = tp("compile", "plan.yaml", "-o", "schemas", cwd=shop)
    assert run.code == 0, run.output
    assert not (schemas / "track" / "coupon_scanned.schema.json").exists()
    assert (schemas / "track" / "robot_waved.schema.json").is_file()
    assert (schemas / "mine.schema.json").read_text() == "{}\n"
    assert (schemas / "track" / "custom.schema.json").read_text() == "{}\n"
    assert "track/coupon_scanned.schema.json" not in manifest(schemas)
    assert tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop).code == 0
    # The other plan's schemas stay its own: its next run removes nothing of the shop's.
    assert tp("compile", "other.yaml", "-o", "schemas", cwd=shop).code == 0
    assert (schemas / "track" / "order_completed.schema.json").is_file()


def test_compile_keeps_a_schema_a_person_edited_and_says_so(shop: Path) -> None:
    _add_extra_event(shop)
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    edited = shop / "schemas" / "track" / "coupon_scanned.schema.json"
    edited.write_text(edited.read_text().replace("coupon", "voucher"))
    _drop_extra_event(shop)
    check = tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop)
    assert check.code == 1, check.output
    assert "coupon_scanned.schema.json" in check.stdout and "changed" in check.stdout
    run = tp("compile", "plan.yaml", "-o", "schemas", cwd=shop)
    assert run.code == 0, run.output
    assert "voucher" in edited.read_text()
    assert "coupon_scanned.schema.json" in run.output and "kept" in run.output
    assert tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop).code == 0


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_compile_without_a_sound_manifest_prunes_nothing(shop: Path, damage: str) -> None:
    _add_extra_event(shop)
    schemas = shop / "schemas"
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    text = (schemas / MANIFEST_NAME).read_text()
    if damage == "missing":
        (schemas / MANIFEST_NAME).unlink()
    else:
        (schemas / MANIFEST_NAME).write_text(text[: len(text) // 2])
    _drop_extra_event(shop)
    # Nothing proves the old files are tp's: replacing the changed ones takes --force.
    refused = tp("compile", "plan.yaml", "-o", "schemas", cwd=shop)
    assert refused.code == 2 and "--force" in refused.stderr, refused.output
    run = tp("compile", "plan.yaml", "-o", "schemas", "--force", cwd=shop)
    assert run.code == 0, run.output
    assert (schemas / "track" / "coupon_scanned.schema.json").is_file()
    if damage == "corrupt":
        assert MANIFEST_NAME in run.stderr, run.output
    assert tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop).code == 0


def test_compile_never_prunes_what_a_manifest_names_outside_its_folder(shop: Path) -> None:
    schemas = shop / "schemas"
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    document = json.loads((schemas / MANIFEST_NAME).read_text())
    owner = next(iter(document["files"].values()))["owner"]
    (schemas / "track" / "link.schema.json").symlink_to(shop / "core.yaml")
    for name, target in [
        ("../plan.yaml", "plan.yaml"),
        (str(shop / "plan.yaml"), "plan.yaml"),
        ("track/../../core.yaml", "core.yaml"),
        ("track/link.schema.json", "core.yaml"),
    ]:
        data = (shop / target).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        document["files"][name] = {"owner": owner, "sha256": digest, "size": len(data)}
    (schemas / MANIFEST_NAME).write_text(json.dumps(document))
    run = tp("compile", "plan.yaml", "-o", "schemas", cwd=shop)
    assert run.code == 0, run.output
    assert (shop / "plan.yaml").is_file() and (shop / "core.yaml").is_file()
    assert (schemas / "track" / "link.schema.json").is_symlink()
    assert set(manifest(schemas)) == {
        p.relative_to(schemas).as_posix()
        for p in schemas.rglob("*.schema.json")
        if not p.is_symlink()
    }


def test_compile_replaces_a_hand_written_schema_only_with_force(shop: Path) -> None:
    schemas = shop / "schemas"
    schemas.mkdir()
    (schemas / "bundle.schema.json").write_text('{"mine": true}\n')
    refused = tp("compile", "plan.yaml", "-o", "schemas", cwd=shop)
    assert refused.code == 2, refused.output
    assert "bundle.schema.json" in refused.stderr and "--force" in refused.stderr
    assert snapshot(schemas) == {"bundle.schema.json": b'{"mine": true}\n'}
    check = tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop)
    assert check.code == 1 and "--force" in check.stdout, check.output
    assert tp("compile", "plan.yaml", "-o", "schemas", "--force", cwd=shop).code == 0
    assert json.loads((schemas / "bundle.schema.json").read_text()) != {"mine": True}


def test_check_reports_a_folder_written_before_the_manifest(shop: Path) -> None:
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0
    (shop / "schemas" / MANIFEST_NAME).unlink()
    check = tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop)
    assert check.code == 1, check.output
    assert MANIFEST_NAME in check.stdout
    assert tp("compile", "plan.yaml", "-o", "schemas", cwd=shop).code == 0  # no --force needed
    assert tp("compile", "plan.yaml", "-o", "schemas", "--check", cwd=shop).code == 0


def test_codegen_prunes_only_this_language_and_plan(shop: Path) -> None:
    out = shop / "client"
    for language in ("typescript", "python"):
        assert tp("codegen", "plan.yaml", "--lang", language, "-o", "client", cwd=shop).code == 0
    # Look-alikes of generated files that tp codegen did not write here.
    (out / "sub").mkdir()
    (out / "sub" / "old.ts").write_text("// Generated by tp codegen from the tracking plan 'x'\n")
    (out / "vendored.py").write_text("# Generated by tp codegen from the tracking plan 'y'\n")
    before = snapshot(out)
    index = out / "index.ts"
    # A plan that generates no python file of the same name: the typescript run prunes nothing
    # of python's and none of the look-alikes.
    assert tp("codegen", "plan.yaml", "--lang", "typescript", "-o", "client", cwd=shop).code == 0
    assert snapshot(out) == before
    # The typescript client moves away: the python run must not touch index.ts.
    plan = shop / "plan.yaml"
    plan.write_text(plan.read_text().replace("version: 2.3.0", "version: 2.3.1"))
    assert tp("codegen", "plan.yaml", "--lang", "python", "-o", "client", cwd=shop).code == 0
    assert index.read_bytes() == before["index.ts"]
    assert (out / "sub" / "old.ts").is_file() and (out / "vendored.py").is_file()
    stale = tp("codegen", "plan.yaml", "--lang", "typescript", "-o", "client", "--check", cwd=shop)
    assert stale.code == 1 and "index.ts" in stale.stdout, stale.output
    owners = {entry["owner"] for entry in manifest(out).values()}
    assert owners == {"tp codegen typescript acme-shop", "tp codegen python acme-shop"}


def test_codegen_removes_its_own_file_the_plan_no_longer_produces(shop: Path) -> None:
    out = shop / "client"
    assert tp("codegen", "plan.yaml", "--lang", "python", "-o", "client", cwd=shop).code == 0
    document = json.loads((out / MANIFEST_NAME).read_text())
    # As if an earlier version of the generator had also written helpers.py.
    (out / "helpers.py").write_text("# helpers\n")
    document["files"]["helpers.py"] = {
        **document["files"]["py.typed"],
        "sha256": hashlib.sha256(b"# helpers\n").hexdigest(),
        "size": len(b"# helpers\n"),
    }
    (out / MANIFEST_NAME).write_text(json.dumps(document))
    check = tp("codegen", "plan.yaml", "--lang", "python", "-o", "client", "--check", cwd=shop)
    assert check.code == 1 and "helpers.py" in check.stdout, check.output
    assert tp("codegen", "plan.yaml", "--lang", "python", "-o", "client", cwd=shop).code == 0
    assert not (out / "helpers.py").exists()
    assert "helpers.py" not in manifest(out)


def test_help_documents_the_rule() -> None:
    commands = [
        ["compile"], ["codegen"], ["lint"], ["validate"], ["init"],
        ["captures", "export"], ["import", "segment"],
    ]  # fmt: skip
    for command in commands:
        run = run_tp(*command, "--help", cwd=REPO_ROOT)
        assert run.code == 0, run.output
        assert "--force" in run.stdout, command
        assert "tp did not write" in " ".join(run.stdout.split()), (command, run.stdout)


def test_check_names_the_command_that_updates_the_files(shop: Path) -> None:
    """The rerun hint of `--check` is a command line to paste: quoted, with every flag that
    changes the output and the include roots the plan needs."""
    shared = shop.parent / "shared plans"
    shared.mkdir()
    shutil.move(shop / "core.yaml", shared / "core.yaml")
    plan = shop / "plan.yaml"
    plan.write_text(plan.read_text().replace("core.yaml", "../shared plans/core.yaml"))
    check = tp(
        *("compile", "plan.yaml", "--draft", "7", "-o", "my schemas", "--check"),
        *("--include-root", shared),
        cwd=shop,
    )
    assert check.code == 1, check.output
    rerun = f"tp compile plan.yaml --draft 7 -o 'my schemas' --include-root '{shared}'"
    assert check.stdout.rstrip().endswith(f"run: {rerun}"), check.output
    assert run(["bash", "-c", f"{tp_executable()} {rerun[3:]}"], cwd=shop).returncode == 0
    assert tp(*shlex.split(rerun)[1:], "--check", cwd=shop).code == 0
