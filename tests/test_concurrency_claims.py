"""Claims racing the other commands, in threads (fast) and in real processes.

The bug this guards against: ``status`` tidied ``work/`` while a watcher moved recordings
into new claim folders, and deleted 1-4 originals out of 400 in 6 of 8 runs. Each test
claims several hundred recordings while the other side reads or changes the data root,
then checks that every original is stored exactly once and nothing raised.

Size: ``KIJKWIJZER_STRESS_REPEAT`` repetitions (default 5) of ``KIJKWIJZER_STRESS_CLAIMS``
claims (default 200), which fits CI; raise them for a local soak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from concurrency_helpers import SETTINGS, claim_every_ready, days_ago, drop, lost, watch_pass
from orchestration_helpers import KIJKWIJZER, PROJECT

from kijkwijzer.cli.archive_cmd import _archive_rows
from pipeline.ingest.inbox import claims_in_work, pending_claims, scan_inbox
from pipeline.ingest.intake import claim_all, ingest_one
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.locks import root_lock
from pipeline.ingest.quarantine import quarantined_items
from pipeline.retention import forget, purge
from pipeline.settings import load_settings

REPEAT = int(os.environ.get("KIJKWIJZER_STRESS_REPEAT", "5"))
CLAIMS = int(os.environ.get("KIJKWIJZER_STRESS_CLAIMS", "200"))
FULL = load_settings(environ={})
LATER = time.time() + 10_000


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    return DataRoot(tmp_path / "data").ensure()


def _archive_expired(root: DataRoot, count: int, recorded_on: str = "2020-01-01") -> list[str]:
    """Archive ``count`` recordings, by default with their retention passed (purge removes them)."""
    drop(root, count, recorded_on=recorded_on, prefix=f"oud-{recorded_on}")
    ready, _ = scan_inbox(root, SETTINGS, now=LATER)
    intake = claim_all(root, ready, SETTINGS, "test")
    ids = [ingest_one(root, c, SETTINGS, "test").paths.recording_id for c in intake.claims]
    assert len(ids) == count and not os.listdir(root.inbox)
    return ids


def _race(main: Callable[[], object], *others: Callable[[], object]) -> list[str]:
    """Run ``main`` once while each of ``others`` runs in a loop; returns every exception raised."""
    errors: list[str] = []
    done = threading.Event()

    def guarded(call: Callable[[], object], loop: bool) -> None:
        while True:
            try:
                call()
            except Exception as exc:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                errors.append(f"{getattr(call, '__name__', call)}: {type(exc).__name__}: {exc} "
                              f"({where.filename}:{where.lineno})")  # fmt: skip
            if not loop or done.is_set():
                return

    threads = [threading.Thread(target=guarded, args=(other, True)) for other in others]
    for thread in threads:
        thread.start()
    try:
        guarded(main, False)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    return errors


@pytest.mark.parametrize("repetition", range(REPEAT))
def test_claims_against_status_purge_forget_and_a_second_watcher(root: DataRoot, repetition: int) -> None:
    del repetition
    old_ids = _archive_expired(root, 6)
    originals = drop(root, CLAIMS)

    def status() -> None:  # everything `kijkwijzer status` reads
        scan_inbox(root, SETTINGS)
        claims_in_work(root)
        _archive_rows(root)
        quarantined_items(root)

    def tidy() -> None:  # the step that used to delete claims, now under the root lock
        with root_lock(root):
            pending_claims(root, SETTINGS)

    def purge_and_forget() -> None:
        with root_lock(root):
            purge(root, FULL)
        for rid in old_ids:
            with root_lock(root):
                if root.recording(rid).dir.exists():
                    forget(root, rid, FULL)

    def second_watcher() -> None:
        watch_pass(root)

    errors = _race(lambda: claim_every_ready(root), status, tidy, purge_and_forget, second_watcher)
    assert errors == []
    watch_pass(root)  # what the next watch run finishes
    assert lost(originals, root) == []
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    archived = {paths.recording_id for paths in root.recordings()}
    assert len(archived) == CLAIMS and not archived & set(old_ids)


def test_orphaned_staging_folder_of_a_killed_claimer_is_adopted(root: DataRoot) -> None:
    """A claimer killed between moving the media and finishing its claim loses nothing."""
    originals = drop(root, 1)
    [name] = originals.values()
    staging = root.work / ".new-claim-1-dead"
    staging.mkdir(mode=0o700)
    record = {"original_name": name, "sidecar_name": f"{name}.consent.yaml"}
    (staging / "claim.json").write_text(json.dumps(record), encoding="utf-8")
    os.rename(root.inbox / name, staging / "media.flac")
    empty = root.work / ".new-claim-2-dead"  # killed before its file moved: removed, file still in inbox
    empty.mkdir(mode=0o700)
    with root_lock(root):
        [adopted] = pending_claims(root, SETTINGS)
    assert adopted.sidecar is not None and adopted.dir.name == "claim-1-dead"
    assert not empty.exists()
    assert ingest_one(root, adopted, SETTINGS, "test").outcome == "ingested"
    assert lost(originals, root) == [] and os.listdir(root.work) == []


def _helper(role: str, root: DataRoot) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "tests")])}
    argv = [sys.executable, str(PROJECT / "tests" / "concurrency_helpers.py"), role, str(root.path)]
    pipe = subprocess.PIPE
    return subprocess.Popen(argv, env=env, cwd=PROJECT, stdout=pipe, stderr=pipe, text=True)


def _command(*args: str) -> subprocess.Popen:
    argv = [str(KIJKWIJZER), *args]
    pipe = subprocess.PIPE
    return subprocess.Popen(argv, cwd=PROJECT, stdout=pipe, stderr=pipe, text=True)


@pytest.mark.slow  # starts Prefect for reprocess
@pytest.mark.parametrize("repetition", range(max(1, REPEAT // 5)))
def test_claims_in_processes_against_the_real_commands(root: DataRoot, repetition: int) -> None:
    """A claiming process and a second watcher process, while `reprocess`, `status`, `forget`
    and `purge` run as real commands on the same root."""
    del repetition
    expired = _archive_expired(root, 1)  # for purge
    forgotten = _archive_expired(root, 2, recorded_on=days_ago(5))  # for reprocess and forget
    old_ids = expired + forgotten
    originals = drop(root, CLAIMS)  # recorded 10 days ago
    where = ("--root", str(root.path))
    helpers = [_helper("claim", root), _helper("watch", root)]
    # Only the two: their media is not real, so reprocess reports them failed (exit code 1).
    commands = [_command("reprocess", "--since", days_ago(5), *where)]
    statuses = []
    while any(p.poll() is None for p in helpers + commands) or len(statuses) < 2:
        statuses.append(_command("status", *where))
        statuses[-1].wait(timeout=300)
        if len(statuses) == 1:
            commands += [_command("forget", rid, *where) for rid in forgotten]
            commands.append(_command("purge", *where))  # removes the expired one
    for process in helpers + commands + statuses:
        out, err = process.communicate(timeout=600)
        assert "internal error" not in err and "Traceback" not in err, (process.args, err[-2000:])
        allowed = (0, 1) if "reprocess" in process.args else (0,)  # 1: the fake recordings failed
        assert process.returncode in allowed, (process.args, out[-1000:], err[-2000:])
    watch_pass(root)
    assert lost(originals, root) == []
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    assert [p.recording_id for p in root.recordings() if p.recording_id in old_ids] == []
