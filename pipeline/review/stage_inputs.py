"""What the stages read of the review desk: the published corrections of one recording.

Align applies the transcript corrections, the sheet the fragment choices and notes; each
stage's cache key holds exactly the records it applies, so a note re-renders the sheet only
and a role change re-runs alignment and everything after it, never ASR or diarisation.
Recordings outside an archive (``kijkwijzer process``) have no desk and nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.ingest.layout import DataRoot
from pipeline.review.fragment_edits import Review, apply_fragment_edits
from pipeline.review.records import (
    SHEET_KINDS,
    TRANSCRIPT_KINDS,
    Correction,
    is_published,
    load_records,
    published,
    records_identity,
)
from pipeline.review.turn_edits import SplitSentences, apply_turn_edits
from pipeline.types import Analysis, Conversation, Fragment


def published_records(data_root: Path | None, recording_id: str) -> list[Correction]:
    """The records up to the last publish (none outside an archive)."""
    if data_root is None:
        return []
    return published(load_records(DataRoot(Path(data_root)), recording_id))


def transcript_key(data_root: Path | None, recording_id: str) -> list[dict[str, Any]] | None:
    """The align stage's share of the key: its records, or None when there are none."""
    identity = records_identity(published_records(data_root, recording_id), TRANSCRIPT_KINDS)
    return identity or None


def sheet_key(data_root: Path | None, recording_id: str) -> dict[str, Any] | None:
    """The sheet stage's share of the key: None until the recording is published."""
    records = published_records(data_root, recording_id)
    if not is_published(records):
        return None
    return {"published": True, "records": records_identity(records, SHEET_KINDS)}


def corrected_conversation(
    conversation: Conversation, data_root: Path | None, recording_id: str, split: SplitSentences
) -> Conversation:
    """The aligned conversation with the published transcript corrections applied."""
    fixed, _stale = apply_turn_edits(conversation, published_records(data_root, recording_id), split)
    return fixed


def reviewed_fragments(
    fragments: list[Fragment],
    analysis: Analysis,
    data_root: Path | None,
    recording_id: str,
    texts: dict[str, Any],
) -> Review | None:
    """The researcher's selection and notes, once she published; None before that."""
    records = published_records(data_root, recording_id)
    if not is_published(records):
        return None
    return apply_fragment_edits(fragments, analysis, records, texts)
