"""The cache of loaded plans, lint results and validator tables (tracking_plan.cache): the same
results with and without it, invalidated by any change to what an entry was derived from,
never trusted when damaged, and safe when several runs share it."""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO_ROOT, Run, run_tp

from tracking_plan.cache import Cache, Dependency
from tracking_plan.cache.store import FOLDER_MARK, MAGIC, STALE_AFTER

SHOP = REPO_ROOT / "plans" / "shop" / "plan.yaml"
SLACK_BOT = REPO_ROOT / "plans" / "slack-bot" / "plan.yaml"
SAMPLE = REPO_ROOT / "plans" / "shop" / "sample-events.jsonl"

CORE = """\
events:
  Order Completed:
    description: An order was placed.
    properties:
      order_id: {type: string, required: true}
      total: {type: number}
"""
PLAN = """\
plan: cached
include:
  - core.yaml
events:
  Product Viewed:
    description: A product page was shown.
    properties:
      product_id: {type: string, required: true, pattern: "^p-[0-9]+$"}
"""
EVENTS = (
    '{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1",'
    '"timestamp":"2024-01-01T00:00:00Z","properties":{"order_id":"o1","total":"12"}}\n'
    '{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m2",'
    '"timestamp":"2024-01-01T00:00:01Z","properties":{"product_id":"p-12"}}\n'
)


def tp_in(cache: Path | None) -> Callable[..., Run]:
    """`tp` with its cache in `cache`; None: with --no-cache semantics through TP_NO_CACHE."""

    def run(*args: str | Path, cwd: Path | None = None) -> Run:
        env = {"TP_NO_CACHE": "1"} if cache is None else {"TP_CACHE_DIR": str(cache)}
        return run_tp(*args, cwd=cwd, env=env)

    return run


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob("*/*") if p.is_file() and p.name != FOLDER_MARK)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "core.yaml").write_text(CORE, encoding="utf-8")
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (folder / "events.jsonl").write_text(EVENTS, encoding="utf-8")
    return folder


def same(first: Run, second: Run) -> None:
    assert (first.code, first.stdout, first.stderr) == (second.code, second.stdout, second.stderr)


# -- the same results ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("lint", SHOP),
        ("lint", SLACK_BOT),
        ("lint", SHOP, "--format", "json"),
        ("lint", SLACK_BOT, "--select", "TP2", "--format", "sarif"),
        ("lint", REPO_ROOT / "plans" / "bad" / "naming-drift.yaml"),
        ("lint", REPO_ROOT / "plans" / "bad" / "unresolved-include.yaml"),
        ("validate", SHOP, SAMPLE, "--format", "json"),
        ("validate", SHOP, SAMPLE),
        ("compile", SHOP, "--format", "segment"),
        ("compile", SLACK_BOT, "--format", "segment"),
    ],
    ids=lambda args: "-".join(a if isinstance(a, str) else a.name for a in args),
)
def test_results_are_the_same_with_and_without_the_cache(
    tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    cache = tmp_path / "cache"
    uncached = tp_in(None)(*args, cwd=REPO_ROOT)
    cold = tp_in(cache)(*args, cwd=REPO_ROOT)
    warm = tp_in(cache)(*args, cwd=REPO_ROOT)
    no_cache_flag = run_tp(*args[:1], "--no-cache", *args[1:], cwd=REPO_ROOT)
    assert entries(cache) or "unresolved" in str(args[1])  # a plan that does not load is not kept
    same(uncached, cold)
    same(uncached, warm)
    same(uncached, no_cache_flag)


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"TP_CACHE_DIR": str(cache)}
    run_tp("lint", "--no-cache", SHOP, env=env)
    run_tp("validate", "--no-cache", SHOP, SAMPLE, env=env)
    run_tp("lint", SHOP, env={**env, "TP_NO_CACHE": "1"})
    assert not cache.exists()


def imported(cache: Path, args: list[str | Path], modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a `tp ARGS` run in this process imports (it must not fail)."""
    probe = (
        "import sys\nmodules, *args = sys.argv[1:]\nsys.argv = ['tp', *args]\n"
        "from tracking_plan.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted(m for m in modules.split(',') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, ",".join(modules), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "TP_CACHE_DIR": str(cache)},
        check=True,
    )
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


def test_warm_lint_reads_no_plan(tmp_path: Path, project: Path) -> None:
    """A warm run is served from the cache: it neither parses YAML nor imports the rules."""
    cache = tmp_path / "cache"
    tp_in(cache)("lint", project / "plan.yaml")
    heavy = ("yaml", "tracking_plan.lint.registry", "ruamel.yaml")
    assert imported(cache, ["lint", project / "plan.yaml"], heavy) == []


def test_warm_validate_of_valid_records_does_not_import_jsonschema(
    tmp_path: Path, project: Path
) -> None:
    cache = tmp_path / "cache"
    valid = project / "valid.jsonl"
    valid.write_text(EVENTS.splitlines(keepends=True)[1], encoding="utf-8")
    assert tp_in(cache)("validate", project / "plan.yaml", valid).code == 0
    args = ["validate", project / "plan.yaml", valid, "--format", "json"]
    heavy = ("jsonschema", "yaml", "rapidfuzz", "rich")
    assert imported(cache, args, heavy) == []


# -- invalidation ----------------------------------------------------------------------------


def test_a_changed_include_invalidates_lint_and_validate(tmp_path: Path, project: Path) -> None:
    tp = tp_in(tmp_path / "cache")
    plan, events = project / "plan.yaml", project / "events.jsonl"
    assert tp("lint", plan).code == 0
    before = tp("validate", plan, events, "--format", "json")
    assert '"EV' in before.stdout  # total is a string
    # the include changes: an event name breaks the convention and `total` becomes a string
    (project / "core.yaml").write_text(
        CORE.replace("Order Completed", "order_completed").replace("number", "string"),
        encoding="utf-8",
    )
    lint = tp("lint", plan)
    assert "TP101" in lint.stdout, lint.output
    after = tp("validate", plan, events, "--format", "json")
    assert after.stdout != before.stdout
    same(after, tp_in(None)("validate", plan, events, "--format", "json"))


def test_a_changed_configuration_invalidates_lint(tmp_path: Path, project: Path) -> None:
    tp = tp_in(tmp_path / "cache")
    (project / "core.yaml").write_text(
        CORE.replace("Order Completed", "order_completed"), encoding="utf-8"
    )
    plan = project / "plan.yaml"
    assert "TP101" in tp("lint", plan).stdout
    (project / ".tracking-plan.yaml").write_text("ignore: [TP101]\n", encoding="utf-8")
    assert "TP101" not in tp("lint", plan).stdout  # a new configuration file
    (project / ".tracking-plan.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    (project / "base.yaml").write_text("extends: recommended\nignore: [TP101]\n", encoding="utf-8")
    assert "TP101" not in tp("lint", plan).stdout
    (project / "base.yaml").write_text("extends: recommended\n", encoding="utf-8")  # extended
    assert "TP101" in tp("lint", plan).stdout


def test_a_symbolic_link_pointed_elsewhere_invalidates(tmp_path: Path, project: Path) -> None:
    tp = tp_in(tmp_path / "cache")
    (project / "core-a.yaml").write_text(CORE, encoding="utf-8")
    (project / "core-b.yaml").write_text(
        CORE.replace("Order Completed", "order_completed"), encoding="utf-8"
    )
    (project / "core.yaml").unlink()
    (project / "core.yaml").symlink_to("core-a.yaml")
    assert "TP101" not in tp("lint", project / "plan.yaml").stdout
    (project / "core.yaml").unlink()
    (project / "core.yaml").symlink_to("core-b.yaml")
    assert "TP101" in tp("lint", project / "plan.yaml").stdout


def test_a_missing_include_is_looked_for_again(tmp_path: Path, project: Path) -> None:
    tp = tp_in(tmp_path / "cache")
    (project / "core.yaml").unlink()
    assert tp("lint", project / "plan.yaml").code == 2
    (project / "core.yaml").write_text(CORE, encoding="utf-8")
    assert tp("lint", project / "plan.yaml").code == 0


def test_another_working_folder_gets_its_own_paths(tmp_path: Path, project: Path) -> None:
    """Messages quote paths as given, relative to where tp runs."""
    tp = tp_in(tmp_path / "cache")
    (project / "core.yaml").write_text(
        CORE.replace("Order Completed", "order_completed"), encoding="utf-8"
    )
    here = tp("lint", "plan.yaml", cwd=project)
    above = tp("lint", "project/plan.yaml", cwd=project.parent)
    assert "project/core.yaml" not in here.stdout and "core.yaml" in here.stdout
    assert "project/core.yaml" in above.stdout


# -- damaged entries -------------------------------------------------------------------------


def damage(entry: Path, how: str) -> None:
    data = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif how == "foreign-pickle":  # intact, but not what tp wrote: a pickle of something else
        import hashlib
        import pickle

        body = pickle.dumps(("another key", (), {"not": "a plan"}))
        entry.write_bytes(MAGIC + hashlib.sha256(body).digest() + body)
    elif how == "directory":
        entry.unlink()
        entry.mkdir()


@pytest.mark.parametrize(
    "how", ["truncated", "flipped", "empty", "garbage", "foreign-pickle", "directory"]
)
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path: Path, project: Path, how: str) -> None:
    cache = tmp_path / "cache"
    tp = tp_in(cache)
    plan, events = project / "plan.yaml", project / "events.jsonl"
    (project / "core.yaml").write_text(
        CORE.replace("Order Completed", "order_completed"), encoding="utf-8"
    )
    expected = [tp_in(None)("lint", plan), tp_in(None)("validate", plan, events)]
    tp("lint", plan)
    tp("validate", plan, events)
    kept = entries(cache)
    assert {p.name.split("-")[0] for p in kept} == {"lint", "plan", "tables"}
    for entry in kept:
        damage(entry, how)
    same(tp("lint", plan), expected[0])
    same(tp("validate", plan, events), expected[1])
    if how != "directory":  # a folder in an entry's place is left alone
        for entry in kept:
            assert Cache(cache).load(entry.name) is not None, entry.name  # rebuilt, intact
    same(tp("lint", plan), expected[0])


def test_entries_in_a_folder_others_may_write_are_not_trusted(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = Cache(cache)
    store.save("plan-x", (), {"payload": 1})
    assert store.load("plan-x") == {"payload": 1}
    cache.chmod(0o777)
    assert store.load("plan-x") is None
    cache.chmod(0o700)
    folder = store.folder
    assert folder is not None
    folder.chmod(0o775)
    assert store.load("plan-x") is None
    folder.chmod(0o700)
    assert store.load("plan-x") == {"payload": 1}


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, project: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the folder should be", encoding="utf-8")
    run = tp_in(cache)("lint", project / "plan.yaml")
    same(run, tp_in(None)("lint", project / "plan.yaml"))


# -- the store -------------------------------------------------------------------------------


def test_a_dependency_holds_while_its_bytes_and_target_do(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text("a", encoding="utf-8")
    dependency = Dependency.of(file)
    assert dependency is not None and dependency.holds()
    mtime = file.stat().st_mtime_ns
    file.write_text("b", encoding="utf-8")
    os.utime(file, ns=(mtime, mtime))  # same time and size: the content still tells
    assert not dependency.holds()
    file.write_text("a", encoding="utf-8")
    assert dependency.holds()
    file.unlink()
    assert not dependency.holds()
    assert Dependency.of(file) is None


def test_an_entry_is_found_by_its_key_only(tmp_path: Path) -> None:
    store = Cache(tmp_path / "cache")
    first, second = store.key("plan", "a", ("b",)), store.key("plan", "a", ("c",))
    assert first != second and first.startswith("plan-")
    store.save(first, (), [1, 2])
    assert store.load(first) == [1, 2]
    assert store.load(second) is None
    (store.folder / second).write_bytes((store.folder / first).read_bytes())  # type: ignore[operator]
    assert store.load(second) is None  # the entry names its own key
    assert Cache(None).load(first) is None


def test_folders_of_other_tps_are_pruned_when_stale(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    old, recent, foreign = cache / ("0" * 24), cache / "recent", cache / "not-ours"
    for folder in (old, recent):
        folder.mkdir()
        (folder / FOLDER_MARK).touch()
    foreign.mkdir()
    (foreign / "keep.txt").write_text("someone else's", encoding="utf-8")
    long_ago = time.time() - STALE_AFTER - 60
    for folder in (old, foreign):
        os.utime(folder, (long_ago, long_ago))
    Cache(cache).save("plan-x", (), 1)
    assert not old.exists()
    assert recent.exists() and foreign.exists()
    assert not (cache / "CACHEDIR.TAG").exists()  # tp did not make this folder: not tagged


def test_a_cache_folder_tp_made_is_tagged_for_backup_tools(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Cache(cache).save("plan-x", (), 1)
    assert (cache / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172")


def test_an_unpicklable_payload_is_not_kept(tmp_path: Path) -> None:
    store = Cache(tmp_path / "cache")
    store.save("plan-x", (), lambda: None)
    assert store.load("plan-x") is None


def test_concurrent_writers_and_readers_never_see_a_torn_entry(tmp_path: Path) -> None:
    store = Cache(tmp_path / "cache")
    key = store.key("plan", "shared")
    payloads = [list(range(n, n + 20_000)) for n in range(8)]
    seen: list[object] = []

    def write(payload: list[int]) -> None:
        for _ in range(10):
            store.save(key, (), payload)

    def read(_: int) -> None:
        for _ in range(40):
            seen.append(store.load(key))

    with ThreadPoolExecutor(max_workers=12) as pool:
        jobs = [pool.submit(write, p) for p in payloads] + [pool.submit(read, n) for n in range(4)]
        for job in jobs:
            job.result()
    assert all(value is None or value in payloads for value in seen)
    assert store.load(key) in payloads
    leftovers = [p for p in store.folder.iterdir() if p.name.startswith(".")]  # type: ignore[union-attr]
    assert leftovers == [store.folder / FOLDER_MARK]  # type: ignore[operator]


def test_concurrent_runs_share_a_cold_cache(tmp_path: Path, project: Path) -> None:
    cache = tmp_path / "cache"
    (project / "core.yaml").write_text(
        CORE.replace("Order Completed", "order_completed"), encoding="utf-8"
    )
    plan, events = project / "plan.yaml", project / "events.jsonl"
    expected = {
        "lint": tp_in(None)("lint", plan),
        "validate": tp_in(None)("validate", plan, events, "--format", "json"),
    }
    env = {**os.environ, "TP_CACHE_DIR": str(cache), "NO_COLOR": "1", "COLUMNS": "200"}
    commands = [
        ["lint", str(plan)] if n % 2 else ["validate", str(plan), str(events), "--format", "json"]
        for n in range(8)
    ]
    runs = [
        subprocess.Popen(
            [shutil.which("tp") or str(Path(sys.executable).parent / "tp"), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for command, process in zip(commands, runs, strict=True):
        stdout, stderr = process.communicate(timeout=120)
        want = expected[command[0]]
        assert (process.returncode, stdout, stderr) == (want.code, want.stdout, want.stderr)
    for entry in entries(cache):
        assert Cache(cache).load(entry.name) is not None, entry.name
    same(tp_in(cache)("lint", plan), expected["lint"])


def test_the_cache_folder_is_private(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Cache(cache).save("plan-x", (), 1)
    for folder in (cache, *[p for p in cache.iterdir() if p.is_dir()]):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder
    entry = next(iter(entries(cache)))
    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0


def test_readme_documents_the_cache() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "--no-cache" in readme and "TP_CACHE_DIR" in readme
    assert textwrap.dedent("## Cache") in readme
