"""The output_files library: a batch of outputs commits whole or leaves no trace, and a manifest
names only files inside its folder. The commands that use it are tested in test_outputs.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracking_plan.output_files import MANIFEST_NAME, OutputBatch
from tracking_plan.output_files.manifest import is_inside


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_batch_that_fails_leaves_no_trace(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("old\n")
    with pytest.raises(RuntimeError), OutputBatch(force=True) as batch:
        batch.put(tmp_path / "old.txt", b"new\n", label="-o", owner="test")
        staged = batch.stage(tmp_path / "made" / "deep" / "new.txt", label="-o", owner="test")
        staged.write_bytes(b"partial")
        raise RuntimeError("the command failed half-way")
    assert snapshot(tmp_path) == {"old.txt": b"old\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]  # no folder, no manifest


def test_the_old_file_is_readable_until_the_batch_commits(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with OutputBatch(force=True) as batch:
        target.write_text("old\n")
        staged = batch.stage(target, label="--invalid-out", owner="test")
        staged.write_text("new\n")
        assert target.read_text() == "old\n"
    assert target.read_text() == "new\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tp-tmp")]


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("bundle.schema.json", True),
        ("track/order_completed.schema.json", True),
        ("../plan.yaml", False),
        ("track/../../plan.yaml", False),
        ("/etc/passwd", False),
        ("./bundle.schema.json", False),
        ("track//x.json", False),
        ("track\\..\\x.json", False),
        ("x\x1b[2J.json", False),
        (".", False),
        ("", False),
        (MANIFEST_NAME, False),
    ],
)
def test_a_manifest_names_only_files_inside_its_folder(name: str, inside: bool) -> None:
    assert is_inside(name) is inside
