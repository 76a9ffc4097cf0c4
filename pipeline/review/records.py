"""Corrections as append-only records in ``archive/<id>/review/corrections.jsonl``.

Each record says who changed what, when, from what to what. Records are never edited or
removed; a later record for the same target wins. A ``publish`` record marks what the
researcher stands behind: the pipeline applies only the records up to the last one, so
drafts on the desk never reach a klantmanager by way of a routine ``reprocess``.

The file is rewritten atomically (old records plus the new one) under an ``flock``, so a
crash leaves either the old or the new file, never half a line; it is owner-only. The audit
log gets one ``corrected`` entry per record: the kind and the record id, never the content.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import FILE_MODE, atomic_write_text, private_dir
from pipeline.ingest.audit import audit
from pipeline.ingest.layout import DataRoot

REVIEW_DIR = "review"
RECORDS_FILE = "corrections.jsonl"

CorrectionKind = Literal[
    "role",
    "split",
    "text",
    "fragment_remove",
    "fragment_accept",
    "fragment_bounds",
    "fragment_add",
    "fragment_order",
    "researcher_note",
    "client_note",
    "general_note",
    "client_overall",
    "publish",
]
# Corrections of the transcript: applied after alignment, so analysis and fragments follow.
TRANSCRIPT_KINDS: tuple[CorrectionKind, ...] = ("role", "split", "text")
# Corrections of the selection and the researcher's words: applied when the sheet is written.
SHEET_KINDS: tuple[CorrectionKind, ...] = tuple(
    kind for kind in get_args(CorrectionKind) if kind not in (*TRANSCRIPT_KINDS, "publish")
)


class Correction(BaseModel):
    """One change on the review desk.

    ``target`` names what changed without a file path: a turn by its start in
    milliseconds (``"turn:12340"``), a fragment by its key (``pipeline.review.fragment_edits``),
    or nothing for conversation-wide notes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    time: str
    who: str
    kind: CorrectionKind
    target: str | None = None
    before: Any = None
    after: Any = None


_RECORDS = TypeAdapter(list[Correction])


def review_dir(root: DataRoot, recording_id: str) -> Path:
    """``archive/<id>/review/``: the corrections and, with ``deliver.review: required``, the held sheet."""
    return root.recording(recording_id).dir / REVIEW_DIR


def records_path(root: DataRoot, recording_id: str) -> Path:
    """Where the corrections of one recording live."""
    return review_dir(root, recording_id) / RECORDS_FILE


def load_records(root: DataRoot, recording_id: str) -> list[Correction]:
    """Every correction of the recording, oldest first (empty when there are none)."""
    path = records_path(root, recording_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        return [Correction.model_validate_json(line) for line in text.splitlines() if line.strip()]
    except ValidationError as exc:
        raise KijkwijzerError(
            f"{path}: a correction record is damaged ({exc.error_count()} problems); "
            "restore the file from a backup, the pipeline never edits it"
        ) from exc


def published(records: list[Correction]) -> list[Correction]:
    """The records up to the last ``publish``: what the pipeline applies."""
    last = max((i for i, record in enumerate(records) if record.kind == "publish"), default=-1)
    return records[: last + 1]


def is_published(records: list[Correction]) -> bool:
    """Whether the researcher has published this recording at least once."""
    return any(record.kind == "publish" for record in records)


def of_kinds(records: list[Correction], kinds: tuple[str, ...]) -> list[Correction]:
    """The records of these kinds, in order."""
    return [record for record in records if record.kind in kinds]


def records_identity(records: list[Correction], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """What a stage's cache key holds of the corrections: their content, not who or when."""
    return [{"kind": r.kind, "target": r.target, "after": r.after} for r in records if r.kind in kinds]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    private_dir(path.parent)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def append_record(
    root: DataRoot,
    recording_id: str,
    who: str,
    kind: str,
    target: str | None = None,
    before: Any = None,
    after: Any = None,
) -> Correction:
    """Add one record (atomic, owner-only) and audit it without its content."""
    path = records_path(root, recording_id)
    with _locked(path):
        records = load_records(root, recording_id)
        record = Correction(
            id=f"c-{len(records) + 1:05d}",
            time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            who=who,
            kind=kind,  # type: ignore[arg-type]  (validated by the model)
            target=target,
            before=before,
            after=after,
        )
        lines = [r.model_dump_json() for r in [*records, record]]
        atomic_write_text(path, "\n".join(lines) + "\n")
    audit(root.audit_log, "corrected", recording_id, kind, "review", record=record.id)
    return record


def dump_records(records: list[Correction]) -> list[dict[str, Any]]:
    """Plain JSON of the records (for the page and the labelled export)."""
    return json.loads(_RECORDS.dump_json(records))
