"""Inbox scanning, atomic claims, archiving, duplicates, quarantine and crash recovery.

Real files in a temporary data root; "time passing" is simulated by scanning with a
later ``now`` instead of sleeping.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from pipeline.ingest.archive import ingest_claim
from pipeline.ingest.audit import read_audit
from pipeline.ingest.inbox import claim, mark_archiving, pending_claims, scan_inbox
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.settings import load_settings

SETTINGS = load_settings(environ={}).orchestration
LATER = 10_000.0
CONSENT = """\
klantmanager: "A. de Vries"
client: "C-0142"
recorded_on: 2025-11-20
consent: {recording: true, analysis: true, research_use: false}
retention_days: 90
form_reference: "TF-2025-0142"
"""


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    return DataRoot(tmp_path / "data").ensure()


def drop(root: DataRoot, name: str, content: bytes | None = None, consent: str | None = CONSENT) -> Path:
    path = root.inbox / name
    path.write_bytes(content if content is not None else b"fLaC" + os.urandom(64))
    if consent is not None:
        (root.inbox / (name + ".consent.yaml")).write_text(consent)
    return path


def ingest_all(root: DataRoot, now: float) -> list:
    ready, _waiting = scan_inbox(root, SETTINGS, now=now)
    outcomes = []
    for name in ready:
        claimed = claim(root, name, SETTINGS)
        if claimed is not None:
            outcomes.append(ingest_claim(root, claimed, SETTINGS, actor="test"))
    return outcomes


def everything_under(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


def test_partial_and_temporary_files_are_not_picked_up(root: DataRoot) -> None:
    drop(root, "fresh.flac")
    drop(root, "upload.flac.part", consent=None)
    (root.inbox / ".rsync-tmp.flac").write_bytes(b"fLaC")
    ready, waiting = scan_inbox(root, SETTINGS, now=time.time())
    assert ready == []
    assert {w.name for w in waiting} >= {"fresh.flac", "upload.flac.part", ".rsync-tmp.flac"}
    ready, _ = scan_inbox(root, SETTINGS, now=time.time() + LATER)
    assert ready == ["fresh.flac"]


def test_media_waits_for_its_sidecar_until_the_grace_period(root: DataRoot) -> None:
    drop(root, "nosidecar.flac", consent=None)
    settled = time.time() + SETTINGS.watch.settle_s + 1
    assert scan_inbox(root, SETTINGS, now=settled)[0] == []
    assert scan_inbox(root, SETTINGS, now=time.time() + LATER)[0] == ["nosidecar.flac"]


def test_accepted_recording_is_archived_untouched_with_metadata(root: DataRoot) -> None:
    content = b"fLaC" + os.urandom(256)
    drop(root, "gesprek.flac", content)
    [outcome] = ingest_all(root, time.time() + LATER)
    assert outcome.outcome == "ingested"
    paths = outcome.paths
    assert (paths.dir / "original.flac").read_bytes() == content
    assert paths.consent.read_text() == CONSENT
    meta = load_meta(paths)
    assert meta.original_name == "gesprek.flac" and meta.consent.klantmanager == "A. de Vries"
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    assert oct(paths.dir.stat().st_mode & 0o777) == "0o700"
    assert [e["action"] for e in read_audit(root.audit_log)] == ["ingested"]


def test_same_content_twice_is_a_duplicate_kept_aside(root: DataRoot) -> None:
    content = b"fLaC" + os.urandom(256)
    drop(root, "first.flac", content)
    ingest_all(root, time.time() + LATER)
    drop(root, "renamed copy.flac", content)
    [outcome] = ingest_all(root, time.time() + LATER)
    assert outcome.outcome == "duplicate"
    assert len(root.recordings()) == 1
    assert load_meta(outcome.paths).duplicates == 1
    kept = list((outcome.paths.duplicates).rglob("media.flac"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert [e["action"] for e in read_audit(root.audit_log)] == ["ingested", "duplicate"]


def test_hostile_inputs_are_quarantined_with_reasons_and_nothing_escapes(
    root: DataRoot, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.flac"
    outside.write_bytes(b"fLaC" + b"\x00" * 32)
    (root.inbox / "link.flac").symlink_to(outside)
    drop(root, "page.mp4", b"<!doctype html><html></html>")
    drop(root, "new\nline.flac")
    drop(root, "noconsent.flac", consent=None)
    drop(root, "refused.flac", consent=CONSENT.replace("analysis: true", "analysis: false"))
    (root.inbox / "lonely.mp4.consent.yaml").write_text(CONSENT)
    os.mkdir(root.inbox / "folder")
    before = everything_under(tmp_path)
    outcomes = ingest_all(root, time.time() + LATER)
    assert sorted(o.code for o in outcomes) == sorted(
        ["symlink", "not_media", "unsafe_name", "no_consent", "consent_refused", "no_recording", "not_a_file"]
    )
    assert outside.read_bytes() == b"fLaC" + b"\x00" * 32  # the symlink target is untouched
    assert os.listdir(root.inbox) == [] and root.recordings() == []
    items = sorted(root.quarantine.iterdir())
    assert len(items) == 7
    for item in items:
        reason = (item / "reason.txt").read_text()
        assert reason.startswith("reason: ")
        assert all(name_ok for name_ok in (p.name.isprintable() for p in item.iterdir()))
    after = everything_under(tmp_path)
    new = {p for p in after - before if not p.startswith("data/")}
    assert new == set()
    entries = read_audit(root.audit_log)
    assert len(entries) == 7 and {e["action"] for e in entries} == {"quarantined"}
    assert "Vries" not in root.audit_log.read_text()


def test_interrupted_claims_are_finished_not_lost(root: DataRoot) -> None:
    content = b"fLaC" + os.urandom(128)
    drop(root, "crash.flac", content)
    claimed = claim(root, "crash.flac", SETTINGS)
    # Simulate a crash right after the claim was marked for archiving.
    marked = mark_archiving(claimed, "rec-0123456789abcdef", "0123456789abcdef" + "0" * 48)
    archive_dir = root.archive / "rec-0123456789abcdef"
    archive_dir.mkdir(mode=0o700)
    [recovered] = pending_claims(root, SETTINGS)
    assert recovered.recording_id == "rec-0123456789abcdef" and recovered.sidecar is not None
    assert marked.media is not None
    outcome = ingest_claim(root, recovered, SETTINGS, actor="test")
    assert outcome.outcome == "ingested"
    assert (archive_dir / "original.flac").read_bytes() == content
    assert (archive_dir / "consent.yaml").read_text() == CONSENT
    assert pending_claims(root, SETTINGS) == [] and os.listdir(root.work) == []


def test_archiving_interrupted_between_media_and_sidecar_is_finished(root: DataRoot) -> None:
    drop(root, "mid.flac")
    [outcome] = ingest_all(root, time.time() + LATER)
    paths = outcome.paths
    # Put the state back to: metadata written, media moved, sidecar still in the claim.
    folder = root.work / "claim-2-abcd"
    folder.mkdir(mode=0o700)
    meta = load_meta(paths)
    (folder / "claim.json").write_text(
        json.dumps({"original_name": "mid.flac", "sidecar_name": "mid.flac.consent.yaml",
                    "recording_id": paths.recording_id, "sha256": meta.sha256})
    )  # fmt: skip
    os.rename(paths.consent, folder / "consent.yaml")
    [recovered] = pending_claims(root, SETTINGS)
    assert recovered.media is None and recovered.recording_id == paths.recording_id
    assert ingest_claim(root, recovered, SETTINGS, actor="test").outcome == "ingested"
    assert paths.consent.read_text() == CONSENT and os.listdir(root.work) == []


def test_claim_interrupted_before_the_sidecar_moved_is_completed(root: DataRoot) -> None:
    drop(root, "half.flac")
    folder = root.work / "claim-1-abcd"
    folder.mkdir(mode=0o700)
    (folder / "claim.json").write_text(
        json.dumps({"original_name": "half.flac", "sidecar_name": "half.flac.consent.yaml"})
    )
    os.rename(root.inbox / "half.flac", folder / "media.flac")
    [recovered] = pending_claims(root, SETTINGS)
    assert recovered.sidecar is not None and not (root.inbox / "half.flac.consent.yaml").exists()
    assert ingest_claim(root, recovered, SETTINGS, actor="test").outcome == "ingested"
