"""Reliability of the inbox watcher, with real processes and real files, no mocks.

- Batch: 20 recordings dropped at once, 3 of them bad (corrupt, no audio stream, no
  consent): 17 are processed and delivered, 3 quarantined with reasons, none lost.
- Duplicate: the same content dropped twice is processed once.
- Partial file: a file that is still being written is not picked up early.
- Crash: ``kill -9`` during processing, then a new run finishes the work, with no
  duplicate or half-written outputs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from mediafactory import truncated_copy, write_media
from orchestration_helpers import (
    FAST_CONFIG,
    KIJKWIJZER,
    PROJECT,
    all_files,
    cli,
    clip,
    consent,
    flow_run_states,
    leftovers,
)

from pipeline.ingest.audit import read_audit
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta

pytestmark = pytest.mark.slow
GOOD = 17


def _settle() -> None:
    time.sleep(1.2)  # fast.yaml: a file is complete after 1 s without writes


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataRoot, subprocess.CompletedProcess, int]:
    """Drop 20 files at once into a fresh inbox and run ``watch --once``."""
    root = DataRoot(tmp_path_factory.mktemp("batch") / "data").ensure()
    for index in range(GOOD):
        consent(clip(root.inbox / f"gesprek-{index:02d}.flac", index), number=index)
    good = clip(root.inbox / "kapot.flac", GOOD)
    consent(good, number=90)
    truncated_copy(good, root.inbox / "kapot.tmp-copy")
    os.replace(root.inbox / "kapot.tmp-copy", good)  # corrupt: cut off halfway
    write_media(root.inbox / "geen-geluid.mp4", None)  # a video without an audio stream
    consent(root.inbox / "geen-geluid.mp4", number=91)
    clip(root.inbox / "zonder-toestemming.flac", GOOD + 1)  # no consent sidecar
    dropped = len(os.listdir(root.inbox))
    _settle()
    result = cli("watch", "--once", "--root", str(root.path))
    return root, result, dropped


def test_batch_of_twenty_with_three_bad(batch) -> None:
    root, result, dropped = batch
    assert result.returncode == 0, result.stderr[-3000:]
    assert dropped == 2 * GOOD + 5  # 17 recordings + sidecars, 3 bad files, 2 sidecars
    recordings = root.recordings()
    assert len(recordings) == GOOD
    assert all(load_meta(paths).status == "done" for paths in recordings)
    sheets = list(root.outbox.glob("a-de-vries/*/sheet.html"))
    assert len(sheets) == GOOD
    items = sorted(root.quarantine.iterdir())
    reasons = sorted((item / "reason.txt").read_text().splitlines()[0] for item in items)
    assert reasons == ["reason: media_error", "reason: media_error", "reason: no_consent"]
    details = " ".join((item / "reason.txt").read_text() for item in items)
    assert "no audio stream" in details and "corrupt or truncated" in details
    # Nothing lost: every dropped file is in the archive or in quarantine, unchanged in number.
    kept = [p for paths in recordings for p in (paths.find_media(), paths.consent)]
    quarantined = [p for item in items for p in item.iterdir() if p.name != "reason.txt"]
    assert len(kept) + len(quarantined) == dropped
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    assert leftovers(root.path) == []
    assert f"processed: {GOOD}" in result.stdout and "quarantined: 3" in result.stdout


def test_batch_outputs_are_complete_and_private(batch) -> None:
    root, _result, _dropped = batch
    expected = {
        "transcript.json", "transcript.vtt", "transcript.srt", "transcript.eaf", "diarization.rttm",
        "analysis.json", "events.csv", "metrics.csv", "metrics.parquet", "sheet.html", "sheet.md",
        "fragments.json",
    }  # fmt: skip
    for paths in root.recordings():
        assert expected <= {p.name for p in paths.out.iterdir()}
        json.loads((paths.out / "analysis.json").read_text())
    for path in all_files(root.path):
        assert path.stat().st_mode & 0o077 == 0, path


def test_audit_log_covers_every_input_without_names(batch) -> None:
    root, _result, _dropped = batch
    entries = read_audit(root.audit_log)
    actions = [entry["action"] for entry in entries]
    assert actions.count("processed") == GOOD
    assert actions.count("quarantined") == 3
    text = root.audit_log.read_text()
    for personal in ("Vries", "gesprek", "kapot", "toestemming", "C-00"):
        assert personal not in text


def test_duplicate_is_processed_once(batch) -> None:
    root, _result, _dropped = batch
    before = {p.recording_id for p in root.recordings()}
    # The same content twice in one drop, plus once more under a new name later.
    for name in ("opnieuw.flac", "nogmaals.flac"):
        consent(clip(root.inbox / name, 3), number=3)
    _settle()
    first = cli("watch", "--once", "--root", str(root.path))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "duplicates set aside: 2" in first.stdout and "processed: 0" in first.stdout
    consent(clip(root.inbox / "derde-keer.flac", 3), number=3)
    _settle()
    second = cli("watch", "--once", "--root", str(root.path))
    assert "duplicates set aside: 1" in second.stdout
    assert {p.recording_id for p in root.recordings()} == before
    duplicates = [e for e in read_audit(root.audit_log) if e["action"] == "duplicate"]
    assert len(duplicates) == 3 and len({e["recording_id"] for e in duplicates}) == 1
    kept = root.recording(duplicates[0]["recording_id"]).duplicates
    assert len(list(kept.iterdir())) == 3  # the copies are kept aside, never deleted silently


def test_status_lists_ids_and_reasons(batch) -> None:
    root, _result, _dropped = batch
    result = cli("status", "--root", str(root.path), config=None)
    assert result.returncode == 0, result.stderr
    assert f"archive: {GOOD} done" in result.stdout
    assert "quarantine: 3" in result.stdout and "no_consent" in result.stdout


def test_unchanged_archive_reprocess_is_cheap(batch) -> None:
    root, _result, _dropped = batch
    began = time.monotonic()
    result = cli("reprocess", "--root", str(root.path))
    wall = time.monotonic() - began
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"unchanged (all cached): {GOOD}" in result.stdout and "processed: 0" in result.stdout
    per_recording = float(re.search(r"\(([\d.]+) s per recording\)", result.stdout).group(1))
    print(f"warm re-run of {GOOD} recordings: {wall:.1f} s as a command, {per_recording:.2f} s per recording")
    assert per_recording <= 1.0


def test_partial_file_is_not_picked_up_early(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    source = clip(tmp_path / "bron.flac", 5)
    data = source.read_bytes()
    target = root.inbox / "groeiend.flac"
    consent(target, number=5)
    (root.inbox / "upload.flac.part").write_bytes(data)
    stop = threading.Event()

    def write_slowly() -> None:
        with open(target, "wb") as handle:
            for offset in range(0, len(data), max(1, len(data) // 12)):
                handle.write(data[offset : offset + max(1, len(data) // 12)])
                handle.flush()
                if stop.wait(0.4):
                    return

    writer = threading.Thread(target=write_slowly)
    writer.start()
    try:
        time.sleep(1.5)  # the sidecar has settled, the recording is still growing
        result = cli("watch", "--once", "--root", str(root.path))
    finally:
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "nothing complete" in result.stdout
    assert target.read_bytes() == data  # untouched, fully written by its writer
    assert root.recordings() == [] and os.listdir(root.work) == []
    assert (root.inbox / "upload.flac.part").exists()
    from pipeline.ingest.inbox import scan_inbox
    from pipeline.settings import load_settings

    settings = load_settings(FAST_CONFIG).orchestration
    _settle()
    assert scan_inbox(root, settings)[0] == ["groeiend.flac"]  # complete now: it will be picked up


def test_kill_during_processing_then_rerun_completes(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    consent(clip(root.inbox / "gesprek.flac", 7), number=7)
    _settle()
    argv = [str(KIJKWIJZER), "--config", str(FAST_CONFIG), "watch", "--once", "--root", str(root.path)]
    process = subprocess.Popen(argv, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    killed_after = None
    while time.monotonic() < deadline and process.poll() is None:
        stored = root.archive.glob("rec-*/cache/*")
        stage_dirs = [p for p in stored if p.is_dir() and not p.name.startswith(".")]
        if stage_dirs:  # the first stage result is stored; later stages are running
            os.kill(process.pid, signal.SIGKILL)
            killed_after = sorted(p.name.split("-")[0] for p in stage_dirs)
            break
        time.sleep(0.05)
    process.wait(timeout=60)
    assert killed_after, "the run finished before it could be interrupted"
    [paths] = root.recordings()
    assert load_meta(paths).status == "ingested"  # not finished, and known to be unfinished
    first_result = {p.name for p in paths.cache.iterdir() if p.is_dir() and not p.name.startswith(".")}
    result = cli("watch", "--once", "--root", str(root.path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "processed: 1" in result.stdout
    assert load_meta(paths).status == "done"
    stored = {p.name for p in paths.cache.iterdir() if p.is_dir()}
    assert first_result <= stored  # finished work was reused, not redone
    assert len(root.recordings()) == 1
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == 1
    assert leftovers(root.path) == []
    for path in all_files(root.path):
        if path.suffix == ".json":
            json.loads(path.read_text())  # every JSON output is complete
    actions = [e["action"] for e in read_audit(root.audit_log)]
    assert actions.count("ingested") == 1 and actions.count("processed") == 1
    # The Prefect UI shows the killed run as Crashed, not as Running forever.
    states = flow_run_states(Path(os.environ["PREFECT_HOME"]))  # the test session's server
    assert states[process.pid] == "CRASHED"
    assert "RUNNING" not in states.values()
