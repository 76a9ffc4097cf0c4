"""Retention and erasure: ``kijkwijzer purge`` and ``kijkwijzer forget RECORDING_ID``.

Purge follows each recording's consent: once ``retention_days`` after the recording date
have passed, the media and all personal derived data go. When the client consented to
research use, the pseudonymised exports in ``research/`` stay, with a ``recording.json``
stripped of the client's case number and the original file name. Forget removes a
recording and everything derived from it at once, including the klantmanager's outbox
folder and its line in her metric history. Both write an audit entry for every removal.

It sits above the stages, not in ``pipeline.ingest``: erasing a recording reaches the data
of every layer (archive, stage cache, intention history, outbox).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import KijkwijzerError
from pipeline.ingest.audit import audit
from pipeline.ingest.hashing import check_recording_id
from pipeline.ingest.layout import DataRoot, RecordingPaths
from pipeline.ingest.quarantine import item_id
from pipeline.ingest.records import (
    RecordingMeta,
    due_for_purge,
    meta_problem,
    now_utc,
    save_meta,
    try_load_meta,
)
from pipeline.intentions.store import forget_metrics
from pipeline.settings import Settings

_PURGED = "(purged)"


@dataclass
class PurgeReport:
    """What a purge removed (ids only)."""

    removed: list[str] = field(default_factory=list)
    research_kept: list[str] = field(default_factory=list)
    quarantine_removed: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # unreadable recording.json: kept, see status


def _outbox_folders(root: DataRoot, recording_id: str) -> list[Path]:
    """Every outbox folder of the recording (``outbox/<klantmanager>/<date>_<id>``)."""
    if not root.outbox.is_dir():
        return []
    return sorted(p for p in root.outbox.glob(f"*/*_{recording_id}") if p.is_dir() and not p.is_symlink())


def _quarantine_of(root: DataRoot, recording_id: str) -> list[Path]:
    found = []
    if root.quarantine.is_dir():
        for folder in root.quarantine.iterdir():
            reason = folder / "reason.txt"
            if reason.is_file() and f"recording_id: {recording_id}\n" in reason.read_text(encoding="utf-8"):
                found.append(folder)
    return found


def forget(root: DataRoot, recording_id: str, settings: Settings, actor: str = "forget") -> list[Path]:
    """Erase a recording and everything derived from it; returns what was removed."""
    recording_id = check_recording_id(recording_id)
    paths = root.recording(recording_id)
    removed: list[Path] = []
    meta = try_load_meta(paths)
    if meta is not None:  # a damaged record is erased all the same; its history line, if any, stays
        forget_metrics(root.path, meta.consent.klantmanager, recording_id, settings)
    for folder in _outbox_folders(root, recording_id) + _quarantine_of(root, recording_id):
        shutil.rmtree(folder)
        removed.append(folder)
    if paths.dir.is_dir():
        shutil.rmtree(paths.dir)
        removed.append(paths.dir)
    audit(root.audit_log, "forgotten", recording_id, "removed" if removed else "not_found", actor)
    if not removed:
        raise KijkwijzerError(f"{recording_id}: nothing stored under this id (see `kijkwijzer status`)")
    return removed


def _keep_research_only(paths: RecordingPaths, meta: RecordingMeta) -> None:
    for entry in paths.dir.iterdir():
        if entry in (paths.research, paths.meta):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    consent = meta.consent.model_copy(update={"client": _PURGED, "form_reference": _PURGED})
    save_meta(
        paths,
        meta.model_copy(
            update={"status": "purged", "purged_at": now_utc(), "original_name": _PURGED, "consent": consent}
        ),
    )


def _quarantine_age_days(folder: Path, today: dt.date) -> int:
    return (today - dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC).date()).days


def purge(
    root: DataRoot, settings: Settings, today: dt.date | None = None, actor: str = "purge"
) -> PurgeReport:
    """Apply retention to the archive and the quarantine."""
    today = today or dt.date.today()
    report = PurgeReport()
    for paths in root.recordings():
        meta = try_load_meta(paths)
        if meta is None:
            if meta_problem(paths) is not None:
                report.damaged.append(paths.recording_id)  # its retention is unknown: kept
            continue
        if not due_for_purge(meta, today):
            continue
        forget_metrics(root.path, meta.consent.klantmanager, meta.recording_id, settings)
        for folder in _outbox_folders(root, meta.recording_id):
            shutil.rmtree(folder)
        if meta.consent.consent.research_use and paths.research.is_dir():
            _keep_research_only(paths, meta)
            report.research_kept.append(meta.recording_id)
            audit(root.audit_log, "purged", meta.recording_id, "research_kept", actor)
        else:
            shutil.rmtree(paths.dir)
            report.removed.append(meta.recording_id)
            audit(root.audit_log, "purged", meta.recording_id, "removed", actor)
    limit = settings.orchestration.retention.quarantine_days
    if root.quarantine.is_dir():
        for folder in sorted(root.quarantine.iterdir()):
            if _quarantine_age_days(folder, today) > limit:
                item = item_id(folder)
                shutil.rmtree(folder)
                report.quarantine_removed.append(item)
                audit(root.audit_log, "purged", item, "quarantine_expired", actor)
    return report
