"""Researcher exports of the aligned conversation: JSON, WebVTT, SRT, RTTM, ELAN."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pipeline.formats.conversation_files import write_conversation_files
from pipeline.types import (
    Conversation,
    Diarization,
    ModelIdentity,
    Overlap,
    RoleAssignment,
    Sentence,
    Speaker,
    SpeakerSegment,
    TimedWord,
    Turn,
)

SPEAKERS = [
    Speaker(id="SPEAKER_00", role="klantmanager", label="klantmanager", talk_time_s=2.0),
    Speaker(id="SPEAKER_01", role="client", label="client", talk_time_s=3.0),
    Speaker(id="SPEAKER_02", role="other", label="other", talk_time_s=1.0),
]


def _turn(index: int, speaker: Speaker, start: float, end: float, text: str) -> Turn:
    words = [TimedWord(start=start, end=end, text=text, speaker=speaker.id)]
    sentence = Sentence(
        index=index, turn_index=index, start=start, end=end, text=text, speaker=speaker.id, role=speaker.role
    )
    return Turn(
        index=index,
        speaker=speaker.id,
        role=speaker.role,
        label=speaker.label,
        start=start,
        end=end,
        text=text,
        words=words,
        sentences=[sentence],
    )


@pytest.fixture
def written(tmp_path: Path) -> tuple[Conversation, list[Path]]:
    conversation = Conversation(
        duration_s=10.0,
        speakers=SPEAKERS,
        turns=[
            _turn(0, SPEAKERS[0], 0.5, 2.5, "Hoe gaat het met je?"),
            _turn(1, SPEAKERS[1], 3.0, 6.0, "Goed --> echt goed."),
            _turn(2, SPEAKERS[2], 6.5, 7.5, "Ik vertaal."),
        ],
        overlaps=[Overlap(start=2.4, end=2.5, speakers=["SPEAKER_00", "SPEAKER_01"])],
        model=ModelIdentity(name="m", sha256="abc"),
    )
    diarization = Diarization(
        backend="embedded",
        duration_s=10.0,
        segments=[
            SpeakerSegment(start=0.4, end=2.6, speaker="SPEAKER_00"),
            SpeakerSegment(start=2.9, end=6.1, speaker="SPEAKER_01"),
            SpeakerSegment(start=6.4, end=7.6, speaker="SPEAKER_02"),
        ],
    )
    roles = RoleAssignment(speakers=SPEAKERS, method="heuristics")
    return conversation, write_conversation_files(
        conversation, diarization, roles, tmp_path / "out", "rec 01"
    )


def test_all_files_are_written_owner_only(written) -> None:
    _, paths = written
    assert [p.name for p in paths] == [
        "transcript.json",
        "transcript.vtt",
        "transcript.srt",
        "diarization.rttm",
        "transcript.eaf",
    ]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths[0].parent.stat().st_mode) == 0o700


def test_json_is_the_conversation_and_validates_back(written) -> None:
    conversation, paths = written
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data == conversation.model_dump(mode="json")
    assert Conversation.model_validate(data) == conversation


def test_vtt_and_srt_carry_role_voices(written) -> None:
    _, paths = written
    vtt = paths[1].read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    assert "00:00:00.500 --> 00:00:02.500\n<v klantmanager>Hoe gaat het met je?" in vtt
    assert "<v client>Goed -> echt goed." in vtt and "<v other>Ik vertaal." in vtt
    srt = paths[2].read_text(encoding="utf-8")
    assert "1\n00:00:00,500 --> 00:00:02,500\nklantmanager: Hoe gaat het met je?" in srt


def test_rttm_uses_role_labels(written) -> None:
    _, paths = written
    lines = paths[3].read_text().splitlines()
    assert lines[0] == "SPEAKER rec_01 1 0.400 2.200 <NA> <NA> klantmanager <NA> <NA>"
    assert [line.split()[7] for line in lines] == ["klantmanager", "client", "other"]


def test_eaf_has_one_tier_per_participant(written) -> None:
    from pympi import Elan

    _, paths = written
    eaf = Elan.Eaf(str(paths[4]))
    assert set(eaf.get_tier_names()) == {"klantmanager", "client", "other", "overlap"}
    assert eaf.get_annotation_data_for_tier("overlap") == [(2400, 2500, "klantmanager en client tegelijk")]
    assert eaf.get_annotation_data_for_tier("klantmanager") == [(500, 2500, "Hoe gaat het met je?")]
    assert eaf.get_annotation_data_for_tier("other") == [(6500, 7500, "Ik vertaal.")]
