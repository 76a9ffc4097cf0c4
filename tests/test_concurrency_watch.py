"""Two watchers on one data root, and a service stop (SIGTERM) in the middle of processing.

- A service ``watch`` and a cron ``watch --once`` started together on one inbox, with
  ``status`` polled meanwhile: every recording is ingested once, processed once and
  delivered once; no duplicates, no second outbox folder.
- SIGTERM (what ``systemctl stop`` sends) while a stage runs: the command stops, leaves
  nothing half-written, and the next start finishes the recording.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from orchestration_helpers import FAST_CONFIG, KIJKWIJZER, PROJECT, all_files, cli, clip, consent, leftovers

from pipeline.ingest.audit import read_audit
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import try_load_meta

pytestmark = pytest.mark.slow
RECORDINGS = 3


def _start_watch(root: DataRoot, *extra: str) -> subprocess.Popen:
    argv = [str(KIJKWIJZER), "--config", str(FAST_CONFIG), "watch", *extra, "--root", str(root.path)]
    return subprocess.Popen(argv, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _done(root: DataRoot) -> int:
    metas = [try_load_meta(paths) for paths in root.recordings()]
    return sum(1 for meta in metas if meta is not None and meta.status == "done")


def test_service_watch_and_cron_watch_process_each_recording_once(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    for index in range(RECORDINGS):
        consent(clip(root.inbox / f"gesprek-{index}.flac", 20 + index), number=20 + index)
    time.sleep(1.2)  # fast.yaml: complete after 1 s
    service, cron = _start_watch(root), _start_watch(root, "--once")
    statuses = []
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and (cron.poll() is None or _done(root) < RECORDINGS):
            statuses.append(cli("status", "--root", str(root.path), config=None))
        cron_out, cron_err = cron.communicate(timeout=60)
    finally:
        service.send_signal(signal.SIGTERM)
        service_out, service_err = service.communicate(timeout=600)
    assert cron.returncode == 0, cron_err[-3000:]
    assert service.returncode == 0, service_err[-3000:]
    assert all(s.returncode == 0 and not s.stderr for s in statuses), [s.stderr for s in statuses][-3:]
    assert _done(root) == RECORDINGS
    entries = read_audit(root.audit_log)
    ingested = Counter(e["recording_id"] for e in entries if e["action"] == "ingested")
    written = Counter(
        e["recording_id"] for e in entries if e["action"] == "processed" and e["outcome"] == "outputs_written"
    )
    assert len(ingested) == RECORDINGS and set(ingested.values()) == {1}
    assert written == ingested  # each processed exactly once, by one of the two watchers
    assert not [e for e in entries if e["action"] in ("duplicate", "quarantined", "failed")]
    assert len(list(root.outbox.glob("*/*"))) == RECORDINGS
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == RECORDINGS
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    assert leftovers(root.path) == []
    print(f"status ran {len(statuses)} times during the two watchers")
    del cron_out, service_out


def test_sigterm_during_processing_then_the_next_start_finishes(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    consent(clip(root.inbox / "gesprek.flac", 30), number=30)
    time.sleep(1.2)
    service = _start_watch(root)
    stopped_after = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and service.poll() is None:
        stored = [p for p in root.archive.glob("rec-*/cache/*") if p.is_dir() and not p.name.startswith(".")]
        if stored:  # the first stage result is stored; later stages are running
            service.send_signal(signal.SIGTERM)
            stopped_after = sorted(p.name.split("-")[0] for p in stored)
            break
        time.sleep(0.05)
    _out, err = service.communicate(timeout=600)
    assert stopped_after, "the run finished before it could be stopped"
    assert service.returncode == 0 and "stopped" in err, err[-3000:]
    assert "internal error" not in err
    assert leftovers(root.path) == []
    [paths] = root.recordings()
    meta = try_load_meta(paths)
    assert meta is not None and meta.status in ("ingested", "done")
    result = cli("watch", "--once", "--root", str(root.path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert try_load_meta(paths).status == "done"
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == 1
    assert leftovers(root.path) == []
    for path in all_files(root.path):
        if path.suffix == ".json":
            json.loads(path.read_text())
    actions = [e["action"] for e in read_audit(root.audit_log)]
    assert actions.count("ingested") == 1 and actions.count("processed") == 1
