"""Rebuild a damaged ``recording.json`` from what the archive folder still holds.

The original recording and its consent file are the source of truth: the content hash
(checked against the recording id), the size and the consent fields are recomputed from
them. What only the old file knew (the name the recording was dropped under, when it was
ingested, which outputs were last written) cannot be recovered: the rebuilt record uses
the archive's file name and the original's modification time, and its status is
``ingested`` so the next run processes it again (cached stages are reused). The damaged
file is kept next to it, never deleted.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pipeline.errors import KijkwijzerError
from pipeline.ingest.audit import audit
from pipeline.ingest.consent import read_consent
from pipeline.ingest.errors import IngestRefusal
from pipeline.ingest.hashing import recording_id_for, sha256_of
from pipeline.ingest.layout import RecordingPaths
from pipeline.ingest.records import RecordingMeta, now_utc, save_meta
from pipeline.settings.orchestration import OrchestrationSettings


def repair_meta(
    paths: RecordingPaths, audit_log: Path, settings: OrchestrationSettings, actor: str
) -> RecordingMeta:
    """Rebuild ``recording.json``; raises a one-line :class:`KijkwijzerError` when it cannot."""
    media = paths.find_media()
    if media is None:
        raise KijkwijzerError(f"{paths.recording_id}: cannot rebuild recording.json, the original is missing")
    sha256 = sha256_of(media)
    if recording_id_for(sha256) != paths.recording_id:
        raise KijkwijzerError(
            f"{paths.recording_id}: cannot rebuild recording.json, the original no longer matches its id "
            "(left as it is; restore the recording from a backup)"
        )
    try:
        consent = read_consent(paths.consent, settings.ingest.sidecar, display_name="consent.yaml")
    except IngestRefusal as exc:
        raise KijkwijzerError(f"{paths.recording_id}: cannot rebuild recording.json: {exc}") from exc
    info = media.stat()
    if paths.meta.exists():
        os.rename(paths.meta, paths.dir / f"recording.json.damaged-{now_utc():%Y%m%dT%H%M%S}")
    meta = RecordingMeta(
        recording_id=paths.recording_id,
        sha256=sha256,
        size_bytes=info.st_size,
        media_file=media.name,
        original_name=media.name,
        consent=consent,
        ingested_at=dt.datetime.fromtimestamp(int(info.st_mtime), dt.UTC),
    )
    save_meta(paths, meta)
    audit(audit_log, "repaired", paths.recording_id, "meta_rebuilt", actor)
    return meta
