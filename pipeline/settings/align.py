"""Settings of the align stage: how words become turns, sentences and overlaps."""

from __future__ import annotations

from pydantic import Field

from pipeline.settings.base import Section


class AlignSettings(Section):
    """Turn and overlap thresholds."""

    # A pause longer than this inside one speaker's speech starts a new turn.
    turn_gap_s: float = Field(2.0, ge=0)
    # Overlapping speaker segments shorter than this are boundary jitter, not overlap.
    min_overlap_s: float = Field(0.2, ge=0)
    spacy_language: str = "nl"  # spacy.blank(...) + sentencizer; no trained model needed
