"""Roles: voice profiles (storage, matching, margin fallback) and the fallback heuristics."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.errors import KijkwijzerError
from pipeline.roles import assign_roles, enroll, load_profile, profile_path
from pipeline.roles.profiles import VoiceProfile
from pipeline.settings import Settings, load_settings
from pipeline.types import Diarization, ModelIdentity, Segment, SpeakerSegment, Transcript, Word

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"
ENCODER = "test-encoder"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    configured = load_settings(environ={})
    configured.roles.profiles_dir = tmp_path / "profiles"
    return configured


def _transcript(lines: list[tuple[float, str]]) -> Transcript:
    """One segment per (start, text); words 0.3 s apart."""
    segments = []
    for start, text in lines:
        words = [
            Word(start=start + 0.3 * i, end=start + 0.3 * i + 0.25, text=token, probability=0.9)
            for i, token in enumerate(text.split())
        ]
        segments.append(Segment(start=start, end=words[-1].end, text=text, words=words))
    return Transcript(model=ModelIdentity(name="t", sha256="0"), duration_s=60.0, segments=segments)


def _diarization(turns: list[tuple[float, float, str]], centroids: dict[str, list[float]] | None = None):
    return Diarization(
        backend="test",
        duration_s=60.0,
        segments=[SpeakerSegment(start=s, end=e, speaker=spk) for s, e, spk in turns],
        centroids=centroids or {},
        encoder=ENCODER,
    )


def _store(settings: Settings, name: str, vector: list[float]) -> None:
    path = profile_path(settings, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = VoiceProfile(klantmanager=name, encoder=ENCODER, embedding=vector, speech_s=10, created="x")
    path.write_text(profile.model_dump_json())


TURNS = [(0.0, 5.0, "A"), (5.5, 30.0, "B"), (30.5, 35.0, "A"), (35.5, 50.0, "B"), (50.5, 52.0, "C")]
LINES = [
    (0.0, "Goedemorgen, fijn dat je er bent. Wat wil je vandaag bespreken?"),
    (5.5, "Ik wil het over mijn uitkering hebben. Die is nog steeds niet binnen."),
    (30.5, "Hoe lang wacht je al? Heb je gebeld?"),
    (35.5, "Al drie weken. Ik heb twee keer gebeld."),
    (50.5, "Ik vertaal het even."),
]


def test_heuristics_pick_the_questioner_and_order_the_rest_by_talk_time(settings: Settings) -> None:
    roles = assign_roles(_diarization(TURNS), _transcript(LINES), settings, participants=3)
    by_id = roles.by_id()
    assert roles.method == "heuristics"
    assert (by_id["A"].role, by_id["B"].role, by_id["C"].role) == ("klantmanager", "client", "other")
    assert (by_id["A"].label, by_id["B"].label, by_id["C"].label) == ("klantmanager", "client", "other")
    assert roles.evidence["heuristics"]["A"]["questions"] == 1.0
    assert roles.evidence["participants"] == 3
    assert by_id["B"].talk_time_s == pytest.approx(39.0)


def test_extra_participants_are_numbered(settings: Settings) -> None:
    turns = [*TURNS, (53.0, 54.0, "D"), (54.5, 55.0, "E")]
    labels = [s.label for s in assign_roles(_diarization(turns), _transcript(LINES), settings).speakers]
    assert labels == ["klantmanager", "client", "other", "other2", "other3"]


def test_profile_decides_against_the_heuristics_when_the_margin_is_clear(settings: Settings) -> None:
    centroids = {"A": [1.0, 0.0, 0.0], "B": [0.0, 1.0, 0.0], "C": [0.0, 0.0, 1.0]}
    _store(settings, "Anne de Vries", [0.1, 0.99, 0.0])  # B's voice, although A asks the questions
    roles = assign_roles(
        _diarization(TURNS, centroids), _transcript(LINES), settings, klantmanager="Anne de Vries"
    )
    assert roles.method == "profile"
    assert roles.by_id()["B"].role == "klantmanager"
    assert roles.by_id()["A"].role == "client"  # largest remaining
    assert roles.margin == pytest.approx(0.89, abs=0.01)


def test_small_profile_margin_falls_back_to_the_heuristics(settings: Settings) -> None:
    centroids = {"A": [1.0, 0.0], "B": [0.96, 0.28]}
    _store(settings, "Anne", [0.98, 0.2])  # about equally close to both
    roles = assign_roles(
        _diarization(TURNS[:4], centroids), _transcript(LINES[:4]), settings, klantmanager="Anne"
    )
    assert roles.method == "heuristics"
    assert roles.margin is not None and roles.margin < settings.roles.profile_min_margin
    assert "margin" in roles.evidence["profile"]


def test_profile_of_another_encoder_is_ignored(settings: Settings) -> None:
    _store(settings, "Anne", [0.0, 1.0, 0.0])
    diarization = _diarization(TURNS, {"A": [1.0, 0, 0], "B": [0, 1.0, 0]}).model_copy(
        update={"encoder": "other"}
    )
    roles = assign_roles(diarization, _transcript(LINES), settings, klantmanager="Anne")
    assert roles.method == "heuristics" and "encoder mismatch" in roles.evidence["profile"]


def test_profile_file_name_is_a_hash_inside_the_profiles_dir(settings: Settings) -> None:
    hostile = "../../etc/passwd\nAnne"
    path = profile_path(settings, hostile)
    assert path.parent == settings.roles.profiles_dir
    assert path.name.endswith(".json") and "passwd" not in path.name
    assert profile_path(settings, "  ANNE  de vries") == profile_path(settings, "anne de Vries")


def test_enrol_stores_an_owner_only_profile(settings: Settings) -> None:
    audio = load_audio(FIXTURES / "flemish_clean.flac")
    settings.roles.profile_min_speech_s = 2.0
    path = enroll(audio, settings, "Klant Manager")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    profile = load_profile(settings, "klant manager")
    assert profile is not None and profile.klantmanager == "Klant Manager"
    assert len(profile.embedding) == 256 and profile.speech_s >= 2.0
    assert np.linalg.norm(profile.embedding) == pytest.approx(1.0, abs=1e-4)


def test_enrol_refuses_too_little_speech(settings: Settings) -> None:
    audio = load_audio(FIXTURES / "nathalie_clean.flac")
    with pytest.raises(KijkwijzerError, match="enrolment needs"):
        enroll(replace(audio, samples=audio.samples[:8000]), settings, "Anne")
