"""Retention (``purge``) and erasure (``forget``) on a real data root."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest

from pipeline.deliver.outbox import outbox_folder
from pipeline.errors import KijkwijzerError
from pipeline.ingest.archive import ingest_claim
from pipeline.ingest.audit import read_audit
from pipeline.ingest.inbox import claim
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.quarantine import quarantine
from pipeline.ingest.records import load_meta
from pipeline.intentions import load_history, record_metrics
from pipeline.retention import forget, purge
from pipeline.settings import load_settings

SETTINGS = load_settings(environ={})
RECORDED_ON = dt.date.today() - dt.timedelta(days=40)  # with 30 days retention: due now
SIDECAR = """\
klantmanager: "A. de Vries"
client: "C-0142"
recorded_on: {recorded_on}
consent: {{recording: true, analysis: true, research_use: {research}}}
retention_days: 30
form_reference: "TF-2026-0142"
"""


def _archived(root: DataRoot, name: str, research: bool) -> str:
    (root.inbox / name).write_bytes(b"fLaC" + os.urandom(64))
    sidecar = SIDECAR.format(research=str(research).lower(), recorded_on=RECORDED_ON.isoformat())
    (root.inbox / f"{name}.consent.yaml").write_text(sidecar)
    outcome = ingest_claim(root, claim(root, name, SETTINGS.orchestration), SETTINGS.orchestration, "test")
    paths = outcome.paths
    for folder in (paths.out, paths.research, paths.cache / "analysis-k"):
        folder.mkdir(parents=True)
        (folder / "transcript.json").write_text("{}")
    meta = load_meta(paths)
    delivered = outbox_folder(root.outbox, "A. de Vries", paths.recording_id, meta.consent.recorded_on)
    delivered.mkdir(parents=True)
    (delivered / "sheet.html").write_text("<html></html>")
    recorded = meta.consent.recorded_on
    record_metrics(root.path, "A. de Vries", paths.recording_id, recorded, {"summaries": 1}, 60.0, SETTINGS)
    return paths.recording_id


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    return DataRoot(tmp_path / "data").ensure()


def _history_ids(root: DataRoot) -> list[str]:
    return [r.recording_id for r in load_history(root.path, "A. de Vries", SETTINGS).records]


def test_purge_follows_retention_and_research_consent(root: DataRoot) -> None:
    private = _archived(root, "a.flac", research=False)
    research = _archived(root, "b.flac", research=True)
    old_item = quarantine(root, [], "no_consent", "x", "test")
    ancient = time.time() - 90 * 86400
    os.utime(old_item, (ancient, ancient))
    early = purge(root, SETTINGS, today=RECORDED_ON + dt.timedelta(days=29))
    assert early.removed == [] and early.research_kept == []  # within the retention period
    report = purge(root, SETTINGS)
    assert report.removed == [private] and report.research_kept == [research]
    assert not root.recording(private).dir.exists()
    kept = root.recording(research)
    assert sorted(p.name for p in kept.dir.iterdir()) == ["recording.json", "research"]
    meta = load_meta(kept)
    assert meta.status == "purged" and meta.consent.client == "(purged)" and meta.original_name == "(purged)"
    assert list(root.outbox.rglob("sheet.html")) == []
    assert _history_ids(root) == []
    assert early.quarantine_removed + report.quarantine_removed == [old_item.name.split("_")[0]]
    assert not old_item.exists()
    outcomes = sorted(e["outcome"] for e in read_audit(root.audit_log) if e["action"] == "purged")
    assert outcomes == ["quarantine_expired", "removed", "research_kept"]
    assert purge(root, SETTINGS).research_kept == []  # only once


def test_forget_removes_everything_and_logs_it(root: DataRoot) -> None:
    keep = _archived(root, "keep.flac", research=False)
    gone = _archived(root, "gone.flac", research=True)
    item = quarantine(root, [], "media_error", "x", "test", recording_id=gone)
    removed = forget(root, gone, SETTINGS)
    assert root.recording(gone).dir in removed and item in removed
    assert not root.recording(gone).dir.exists() and not item.exists()
    assert [p.name for p in root.outbox.glob("*/*")] == [f"{RECORDED_ON.isoformat()}_{keep}"]
    assert _history_ids(root) == [keep]
    entry = read_audit(root.audit_log)[-1]
    assert entry["action"] == "forgotten" and entry["recording_id"] == gone and entry["outcome"] == "removed"
    with pytest.raises(KijkwijzerError):
        forget(root, gone, SETTINGS)  # already gone: says so, and logs the request
    assert read_audit(root.audit_log)[-1]["outcome"] == "not_found"
    assert "Vries" not in root.audit_log.read_text() and "gone.flac" not in root.audit_log.read_text()


@pytest.mark.parametrize("bad", ["../archive", "rec-../../x", "/etc", "rec-0123", "rec-0123456789ABCDEF"])
def test_forget_refuses_anything_but_an_id(root: DataRoot, bad: str) -> None:
    before = json.dumps(sorted(str(p) for p in root.path.rglob("*")))
    with pytest.raises(KijkwijzerError):
        forget(root, bad, SETTINGS)
    assert json.dumps(sorted(str(p) for p in root.path.rglob("*"))) == before
