"""``recording.json``: what the archive knows about one recording.

It is the single place that says whether a recording is finished, so a crash at any
point leaves a state the next run can resume from, and ``status``, ``reprocess`` and
``purge`` can select recordings without opening the media.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipeline.fsutil import atomic_write_text
from pipeline.ingest.consent import ConsentRecord
from pipeline.ingest.layout import DataRoot, RecordingPaths

Status = Literal["ingested", "done", "failed", "purged"]


class RecordingMeta(BaseModel):
    """Metadata of an archived recording."""

    model_config = ConfigDict(extra="forbid")

    recording_id: str
    sha256: str
    size_bytes: int
    media_file: str  # name of the original inside the archive folder ("original.mp4")
    original_name: str  # as dropped; may be personal, so it never leaves the archive
    consent: ConsentRecord
    ingested_at: dt.datetime
    status: Status = "ingested"
    processed_at: dt.datetime | None = None
    outputs_key: str | None = None  # cache key of the outputs that were last written
    error_code: str | None = None
    error: str | None = None
    duplicates: int = 0
    purged_at: dt.datetime | None = None


def now_utc() -> dt.datetime:
    """The current time, timezone-aware, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def load_meta(paths: RecordingPaths) -> RecordingMeta:
    """Read ``recording.json`` of an archived recording."""
    return RecordingMeta.model_validate_json(paths.meta.read_bytes())


def meta_problem(paths: RecordingPaths) -> str | None:
    """Why ``recording.json`` cannot be read (missing, truncated, invalid), or None when it is fine."""
    try:
        load_meta(paths)
    except FileNotFoundError:
        # Archiving writes it before the media moves in, so without media it is still coming.
        return "recording.json is missing" if paths.find_media() is not None else None
    except (ValueError, UnicodeDecodeError) as exc:  # pydantic's ValidationError is a ValueError
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"recording.json is damaged ({first[:120]})"
    return None


def try_load_meta(paths: RecordingPaths) -> RecordingMeta | None:
    """The metadata, or None when it is missing or damaged (``status`` reports those,
    ``reprocess`` rebuilds them), so one damaged record never stops a whole command."""
    try:
        return load_meta(paths)
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None


def damaged_recordings(root: DataRoot) -> list[RecordingPaths]:
    """Archive folders whose ``recording.json`` is missing or unreadable."""
    return [paths for paths in root.recordings() if meta_problem(paths) is not None]


def save_meta(paths: RecordingPaths, meta: RecordingMeta) -> None:
    """Write ``recording.json`` atomically."""
    atomic_write_text(paths.meta, meta.model_dump_json(indent=2) + "\n")


def update_meta(paths: RecordingPaths, **changes: object) -> RecordingMeta:
    """Load, change and save the metadata in one step; returns the new version."""
    meta = load_meta(paths).model_copy(update=changes)
    save_meta(paths, RecordingMeta.model_validate(meta.model_dump()))
    return meta


def due_for_purge(meta: RecordingMeta, today: dt.date) -> bool:
    """Whether the recording's retention period (from its recording date) has passed."""
    return meta.status != "purged" and today > meta.consent.recorded_on + dt.timedelta(
        days=meta.consent.retention_days
    )


def select_recordings(
    root: DataRoot,
    klantmanager: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[str]:
    """Archived, not purged recordings, filtered by klantmanager and recording date."""
    chosen = []
    for paths in root.recordings():
        meta = try_load_meta(paths)
        if meta is None:
            continue
        consent = meta.consent
        if meta.status == "purged":
            continue
        if klantmanager is not None and consent.klantmanager.casefold() != klantmanager.casefold():
            continue
        if (since and consent.recorded_on < since) or (until and consent.recorded_on > until):
            continue
        chosen.append(meta.recording_id)
    return chosen


def unfinished_recordings(root: DataRoot) -> list[str]:
    """Archived recordings whose processing never finished (e.g. after a crash)."""
    found = []
    for paths in root.recordings():
        meta = try_load_meta(paths)
        if meta is not None and meta.status == "ingested":
            found.append(paths.recording_id)
    return found
