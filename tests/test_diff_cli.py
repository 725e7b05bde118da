"""`tp diff` as a user runs it: two plans, a plan against a git ref (a real repository made in
the test, includes changed between commits), the ignore file, the formats, bad inputs."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import Run, run_tp

CORE = """\
events:
  Order Completed:
    description: An order was placed.
    properties:
      order_id: {type: string, required: true}
      total: {type: number, minimum: 0}
"""
PLAN = """\
plan: shop
version: 1.0.0
include:
  - core.yaml
events:
  Product Viewed:
    description: A product page was shown.
    properties:
      product_id: {type: string, required: true}
"""


LONE = PLAN.replace("include:\n  - core.yaml\n", "")
"""The plan without its include."""
PRODUCT_ID = "      product_id: {type: string, required: true}"
PRICED = LONE.replace(PRODUCT_ID, PRODUCT_ID + "\n      price: {type: number, required: true}")
"""The plan with a new required property, and a major version bump."""
PRICED = PRICED.replace("1.0.0", "2.0.0")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    write(folder, "plans/core.yaml", CORE)
    write(folder, "plans/plan.yaml", PLAN)
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "first")
    git(folder, "tag", "v1")
    return folder


def test_two_plans(tmp_path: Path) -> None:
    old = write(tmp_path, "old/plan.yaml", LONE)
    new = write(
        tmp_path,
        "new/plan.yaml",
        PRICED,
    )
    run = run_tp("diff", old, new)
    assert run.code == 1, run.output
    assert "TP611 property-added-required price: added, required" in run.stdout
    assert "valid before, invalid now:" in run.stdout
    assert "major bump" in run.stdout and "TP690" not in run.stdout  # 2.0.0 is enough
    same = run_tp("diff", old, old)
    assert same.code == 0 and "0 change(s)" in same.stdout


def test_against_a_ref_reads_the_includes_as_they_were(repo: Path) -> None:
    # the include changes in the work tree (not committed): total becomes an integer
    write(repo, "plans/core.yaml", CORE.replace("type: number", "type: integer"))
    run = run_tp("diff", "plans/plan.yaml", "--against", "v1", cwd=repo)
    assert run.code == 1, run.output
    assert "TP620 type-narrowed total" in run.stdout
    assert "v1:plans/plan.yaml -> plans/plan.yaml" in run.stdout
    assert (repo / "plans/core.yaml").read_text().count("integer") == 1  # work tree untouched
    git(repo, "commit", "-q", "-am", "integer totals")
    assert run_tp("diff", "plans/plan.yaml", "--against", "HEAD", cwd=repo).code == 0
    again = run_tp("diff", "plans/plan.yaml", "--against", "HEAD~1", cwd=repo)
    assert "TP620" in again.stdout


def test_moving_a_definition_between_files_is_no_change(repo: Path) -> None:
    moved = LONE + textwrap.indent(CORE.split("events:\n", 1)[1], "")
    write(repo, "plans/plan.yaml", moved)
    (repo / "plans/core.yaml").unlink()
    run = run_tp("diff", "plans/plan.yaml", "--against", "v1", cwd=repo)
    assert run.code == 0, run.output
    assert "0 change(s)" in run.stdout


def test_a_plan_new_since_the_ref_is_all_new(repo: Path) -> None:
    write(repo, "plans/other.yaml", LONE)
    run = run_tp("diff", "plans/other.yaml", "--against", "v1", cwd=repo)
    assert run.code == 0, run.output
    assert "(absent)" in run.stdout and "TP600 definition-added" in run.stdout


def test_an_unknown_ref_is_a_usage_error(repo: Path) -> None:
    run = run_tp("diff", "plans/plan.yaml", "--against", "no-such-ref", cwd=repo)
    assert run.code == 2
    assert "unknown git ref 'no-such-ref'" in run.stderr
    assert "Traceback" not in run.output


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    plan = write(tmp_path, "plan.yaml", LONE)
    run = run_tp("diff", plan, "--against", "main", cwd=tmp_path)
    assert run.code == 2 and "git repository" in run.stderr


def test_a_plan_that_does_not_load_at_the_ref_names_the_ref(repo: Path) -> None:
    write(repo, "plans/core.yaml", "events:\n  Order Completed: [not, a, mapping\n")
    git(repo, "commit", "-q", "-am", "broken")
    write(repo, "plans/core.yaml", CORE)
    run = run_tp("diff", "plans/plan.yaml", "--against", "HEAD", cwd=repo)
    assert run.code == 2, run.output
    assert "HEAD:plans/core.yaml:3:1: TP001" in run.stderr
    assert "cannot load plan HEAD:plans/plan.yaml" in run.stderr


def test_usage_errors(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", LONE)
    for args in (
        (plan,),
        (plan, plan, "--against", "HEAD"),
        (plan, plan, "--policy", "everyone"),
        (plan, plan, "--fail-on", "never"),
        (plan, plan, "--format", "pdf"),
        (plan, tmp_path / "missing.yaml"),
    ):
        run = run_tp("diff", *args)
        assert run.code == 2, (args, run.output)
        assert "Traceback" not in run.output


def test_policy_and_fail_on(tmp_path: Path) -> None:
    old = write(tmp_path, "old.yaml", LONE)
    widened = LONE.replace(
        "product_id: {type: string, required: true}",
        "product_id: {type: [string, integer], required: true}",
    ).replace("1.0.0", "1.1.0")  # enough for producers, not for consumers
    new = write(tmp_path, "new.yaml", widened)
    assert run_tp("diff", old, new).code == 1  # breaks consumers
    assert run_tp("diff", old, new, "--policy", "producers").code == 0
    assert run_tp("diff", old, new, "--policy", "consumers").code == 1
    documented = write(
        tmp_path,
        "doc.yaml",
        LONE.replace("A product page was shown.", "A product page was opened."),
    )
    assert run_tp("diff", old, documented).code == 0
    assert run_tp("diff", old, documented, "--fail-on", "any").code == 1


def ignore_file(folder: Path, expires: datetime.date) -> Path:
    return write(
        folder,
        ".tp-diff-ignore.yaml",
        f"""\
        - change: property-added-required
          definition: Product Viewed
          path: price
          reason: every app version before 4.12 is retired
          expires: {expires.isoformat()}
        """,
    )


def test_the_ignore_file_accepts_a_change_until_it_expires(tmp_path: Path) -> None:
    old = write(tmp_path, "old/plan.yaml", LONE)
    new_text = PRICED
    new = write(tmp_path, "new/plan.yaml", new_text)
    ignore_file(new.parent, datetime.date.today() + datetime.timedelta(days=30))
    accepted = run_tp("diff", old, new)  # found beside the new plan
    assert accepted.code == 0, accepted.output
    assert "TP611" not in accepted.stdout
    ignore_file(new.parent, datetime.date.today() - datetime.timedelta(days=1))
    expired = run_tp("diff", old, new)
    assert expired.code == 1
    assert "TP691 diff-ignore-expired" in expired.stdout and "TP611" in expired.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not: a list\n", "expected a list"),
        ("- change: TP611\n  definition: X\n  reason: r\n", "needs expires"),
        ("- change: TP999\n  definition: X\n  reason: r\n  expires: 2030-01-01\n", "not a TP6xx"),
        ("- change: TP611\n  definition: X\n  reason: r\n  expires: soon\n", "must be a date"),
        (
            "- change: TP611\n  definition: X\n  reason: r\n  expires: 2030-01-01\n  colour: red\n",
            "unknown key",
        ),
        ("- [unclosed\n", "not YAML"),
    ],
)
def test_a_bad_ignore_file_is_located(tmp_path: Path, text: str, message: str) -> None:
    plan = write(tmp_path, "plan.yaml", LONE)
    ignores = write(tmp_path, "ignores.yaml", text)
    run = run_tp("diff", plan, plan, "--ignore-file", ignores)
    assert run.code == 2, run.output
    assert message in run.stderr and "ignores.yaml" in run.stderr


@pytest.mark.parametrize("output_format", ["json", "jsonl", "sarif", "github", "junit", "markdown"])
def test_formats(tmp_path: Path, output_format: str) -> None:
    old = write(tmp_path, "old.yaml", LONE)
    new = write(
        tmp_path,
        "new.yaml",
        LONE.replace(
            "product_id: {type: string, required: true}",
            "product_id: {type: integer, required: true}",
        ).replace("1.0.0", "2.0.0"),
    )
    run: Run = run_tp("diff", old, new, "--format", output_format)
    assert run.code == 1, run.output
    if output_format == "json":
        document = json.loads(run.stdout)
        (change,) = [d for d in document["diagnostics"] if d["code"] == "TP622"]
        assert change["data"]["witness"]["properties"]["product_id"] == "a"
        assert change["location"]["file"].endswith("new.yaml")
    elif output_format == "sarif":
        assert json.loads(run.stdout)["runs"][0]["results"][0]["ruleId"] == "TP622"
    elif output_format == "markdown":
        assert "| breaking | TP622 `type-changed` | Product Viewed | product\\_id |" in run.stdout
    else:
        assert "TP622" in run.stdout


def test_hostile_names_stay_text_in_markdown(tmp_path: Path) -> None:
    hostile = "Order | <script>alert(1)</script> [x](http://e)"
    old = write(tmp_path, "old.yaml", "plan: x\nunplanned_events: allow\nevents: {}\n")
    new = write(
        tmp_path,
        "new.yaml",
        f"plan: x\nunplanned_events: allow\nevents:\n  {json.dumps(hostile)}: {{}}\n",
    )
    run = run_tp("diff", old, new, "--format", "markdown", "--fail-on", "any")
    assert "<script>" not in run.stdout and "](http" not in run.stdout
    assert "\\<script\\>" in run.stdout


def test_what_was_removed_is_located_at_the_ref(repo: Path) -> None:
    write(repo, "plans/core.yaml", "events: {}\n")
    run = run_tp("diff", "plans/plan.yaml", "--against", "v1", "--format", "json", cwd=repo)
    (removed,) = [d for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "TP601"]
    assert removed["location"]["file"] == "v1:plans/core.yaml"
    assert removed["location"]["line"] == 2
