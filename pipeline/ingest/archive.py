"""Turn a claim into an archived recording, a duplicate, or a quarantine item.

Every step is a rename or an atomic write and is safe to repeat, so a run killed at
any point is finished by the next one: the media is never copied, changed or lost.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.fsutil import FILE_MODE, atomic_write_json, private_dir
from pipeline.ingest.audit import audit
from pipeline.ingest.consent import ConsentRecord, read_consent
from pipeline.ingest.errors import ConsentError, IngestRefusal
from pipeline.ingest.gate import check_media_file, check_name, check_sidecar_possible
from pipeline.ingest.hashing import recording_id_for, sha256_of
from pipeline.ingest.inbox import Claim, mark_archiving, release
from pipeline.ingest.layout import DataRoot, RecordingPaths
from pipeline.ingest.quarantine import item_id, quarantine
from pipeline.ingest.records import RecordingMeta, load_meta, now_utc, save_meta
from pipeline.settings.orchestration import OrchestrationSettings


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one claim. ``paths`` is set when there is a recording to process."""

    outcome: str  # ingested | duplicate | quarantined | left (kept in work/ for the next pass)
    paths: RecordingPaths | None = None
    code: str | None = None
    message: str | None = None
    item: str | None = None  # the quarantine item id (q-…), safe to show and log


def _check_claim(claim: Claim, settings: OrchestrationSettings) -> ConsentRecord:
    ingest = settings.ingest
    if claim.media is None:
        raise IngestRefusal(
            "no_recording", f"{claim.original_name}: consent sidecar without a recording next to it"
        )
    check_name(claim.original_name, ingest)
    check_sidecar_possible(claim.original_name, ingest)
    check_media_file(claim.media, ingest, display_name=claim.original_name)
    if claim.sidecar is None:
        raise ConsentError(
            "no_consent",
            f"{claim.original_name}: no consent sidecar; add "
            f"{claim.original_name}{ingest.sidecar_suffix} and drop both again",
        )
    return read_consent(claim.sidecar, ingest.sidecar, display_name=claim.sidecar_name)


def _move_private(source: Path, target: Path) -> None:
    """Rename into the archive and make the file owner-only; its content is never touched."""
    os.chmod(source, FILE_MODE)
    os.rename(source, target)


def _store_duplicate(root: DataRoot, paths: RecordingPaths, claim: Claim, actor: str) -> None:
    folder = private_dir(paths.duplicates / claim.dir.name)
    for path, _name in claim.files:
        _move_private(path, folder / path.name)
    note = {"original_name": claim.original_name, "at": now_utc().isoformat()}
    atomic_write_json(folder / "duplicate.json", note)
    if paths.meta.is_file():
        meta = load_meta(paths)
        save_meta(paths, meta.model_copy(update={"duplicates": meta.duplicates + 1}))
    audit(root.audit_log, "duplicate", paths.recording_id, "kept_aside", actor)
    release(claim)


def _archive(
    root: DataRoot, claim: Claim, consent: ConsentRecord | None, settings: OrchestrationSettings, actor: str
) -> RecordingPaths:
    """Move a claim whose recording id is decided into ``archive/<id>/`` (repeatable)."""
    assert claim.recording_id is not None and claim.sha256 is not None
    paths = root.recording(claim.recording_id)
    private_dir(paths.dir)
    if not paths.meta.is_file():
        # The metadata is written before any file moves, so both are still in the claim.
        assert claim.media is not None and claim.sidecar is not None
        if consent is None:
            consent = read_consent(claim.sidecar, settings.ingest.sidecar, display_name=claim.sidecar_name)
        suffix = Path(claim.original_name).suffix.lower()
        save_meta(
            paths,
            RecordingMeta(
                recording_id=claim.recording_id,
                sha256=claim.sha256,
                size_bytes=claim.media.stat().st_size,
                media_file=paths.media(suffix).name,
                original_name=claim.original_name,
                consent=consent,
                ingested_at=now_utc(),
            ),
        )
    meta = load_meta(paths)
    if claim.media is not None and claim.media.exists():
        _move_private(claim.media, paths.dir / meta.media_file)
    if claim.sidecar is not None and claim.sidecar.exists():
        _move_private(claim.sidecar, paths.consent)
    audit(root.audit_log, "ingested", paths.recording_id, "archived", actor)
    release(claim)
    return paths


def ingest_claim(root: DataRoot, claim: Claim, settings: OrchestrationSettings, actor: str) -> IngestOutcome:
    """Check a claim, then archive it, set it aside as a duplicate, or quarantine it."""
    if claim.recording_id is not None:  # archiving was interrupted: finish it
        return IngestOutcome("ingested", _archive(root, claim, None, settings, actor))
    try:
        consent = _check_claim(claim, settings)
    except IngestRefusal as exc:
        folder = quarantine(root, claim.files, exc.code, str(exc), actor)
        release(claim)
        return IngestOutcome("quarantined", code=exc.code, message=str(exc), item=item_id(folder))
    assert claim.media is not None
    sha256 = sha256_of(claim.media)
    paths = root.recording(recording_id_for(sha256))
    if paths.find_media() is not None:
        _store_duplicate(root, paths, claim, actor)
        return IngestOutcome("duplicate", paths, code="duplicate")
    claim = mark_archiving(claim, recording_id_for(sha256), sha256)
    return IngestOutcome("ingested", _archive(root, claim, consent, settings, actor))


def quarantine_recording(root: DataRoot, paths: RecordingPaths, code: str, message: str, actor: str) -> Path:
    """Move a recording that failed processing to quarantine; its derived data is removed.

    The original media, the sidecar and any duplicates go to the quarantine folder with the
    reason; partial outputs are deleted, because derived personal data without a finished
    result has no use and must not linger.
    """
    meta = load_meta(paths)
    files: list[tuple[Path, str]] = []
    media = paths.find_media()
    if media is not None:
        files.append((media, meta.original_name))
    if paths.consent.exists():
        files.append((paths.consent, meta.original_name + ".consent.yaml"))
    if paths.duplicates.is_dir():
        for index, folder in enumerate(sorted(paths.duplicates.iterdir()), start=1):
            for path in sorted(folder.iterdir()):
                if path.name != "duplicate.json":
                    files.append((path, f"duplicate-{index}-{path.name}"))
    folder = quarantine(root, files, code, message, actor, recording_id=paths.recording_id)
    shutil.rmtree(paths.dir)
    return folder
