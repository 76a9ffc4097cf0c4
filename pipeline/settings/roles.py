"""Settings of the roles stage: voice profiles and the fallback heuristics."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pipeline.settings.base import Section


class RoleHeuristics(Section):
    """Which speaker leads the conversation, when no voice profile decides.

    Each speaker gets ``questions * share of all questions + opening * share of
    opening cues + first_speaker * (1 if it speaks first)``; the highest score
    is the klantmanager. Questions are sentences ending in "?" or starting with
    a question word; opening cues are counted in the first ``opening_window_s``.
    """

    questions_weight: float = Field(1.0, ge=0)
    opening_weight: float = Field(1.0, ge=0)
    first_speaker_weight: float = Field(0.5, ge=0)
    opening_window_s: float = Field(90.0, gt=0)
    question_words: tuple[str, ...] = (
        "wat", "hoe", "waarom", "waar", "wanneer", "wie", "welke", "welk", "hoeveel", "waardoor",
        "waarmee", "waarover", "hoelang",
    )  # fmt: skip
    opening_cues: tuple[str, ...] = (
        "goedemorgen", "goedemiddag", "goedenavond", "welkom", "fijn dat je", "fijn dat u",
        "leuk dat je", "doel", "vandaag", "agenda", "bespreken", "wil ik het hebben over",
        "gaan we het hebben over", "zullen we beginnen", "ik wil beginnen",
    )  # fmt: skip


class RolesSettings(Section):
    """Voice-profile matching and fallback heuristics for klantmanager / client / other."""

    profiles_dir: Path | None = None  # None: <root>/profiles, owner-only
    # The best cluster must beat the runner-up by this cosine margin; on degraded
    # audio a wrong pick was seen with a margin under 0.05.
    profile_min_margin: float = Field(0.1, ge=0)
    profile_min_similarity: float = Field(0.6, ge=-1, le=1)
    profile_min_speech_s: float = Field(5.0, ge=0)  # enrolment needs at least this much speech
    heuristics: RoleHeuristics = RoleHeuristics()
