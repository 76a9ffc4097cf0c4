"""Align: words to speakers, turns on pauses, sentences, overlaps and interruptions."""

from __future__ import annotations

import pytest

from pipeline.align import align, word_speakers
from pipeline.align.conversation import find_overlaps
from pipeline.settings import Settings, load_settings
from pipeline.types import (
    Diarization,
    ModelIdentity,
    RoleAssignment,
    Segment,
    Speaker,
    SpeakerSegment,
    Transcript,
    Word,
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def _words(*items: tuple[float, float, str]) -> list[Word]:
    return [Word(start=s, end=e, text=t, probability=0.9) for s, e, t in items]


def _diar(*segments: tuple[float, float, str]) -> Diarization:
    return Diarization(
        backend="test",
        duration_s=30,
        segments=[SpeakerSegment(start=s, end=e, speaker=k) for s, e, k in segments],
    )


ROLES = RoleAssignment(
    speakers=[
        Speaker(id="S0", role="klantmanager", label="klantmanager", talk_time_s=5),
        Speaker(id="S1", role="client", label="client", talk_time_s=8),
    ],
    method="test",
)


def test_word_goes_to_largest_overlap_else_nearest_segment() -> None:
    diarization = _diar((0.0, 1.0, "S0"), (1.0, 3.0, "S1"), (10.0, 12.0, "S0"))
    words = _words((0.8, 1.3, "a"), (0.5, 1.1, "b"), (5.0, 5.2, "c"), (8.0, 8.5, "d"), (20, 21, "e"))
    assert word_speakers(words, diarization.segments) == ["S1", "S0", "S1", "S0", "S0"]
    assert word_speakers(words, []) == [None] * 5


def test_turns_sentences_and_roles(settings: Settings) -> None:
    words = _words(
        (0.0, 0.3, "Goedemorgen."),
        (0.4, 0.6, "Hoe"),
        (0.7, 0.9, "gaat"),
        (1.0, 1.2, "het?"),
        (1.6, 1.9, "Goed,"),
        (2.0, 2.2, "dank"),
        (2.3, 2.5, "je."),
        (6.0, 6.3, "Echt"),
        (6.4, 6.6, "waar"),
    )
    transcript = Transcript(
        model=ModelIdentity(name="m", sha256="0"),
        duration_s=30,
        segments=[Segment(start=0, end=6.6, text="...", words=words)],
    )
    conversation = align(transcript, _diar((0.0, 1.4, "S0"), (1.5, 7.0, "S1")), ROLES, settings)
    assert [(t.speaker, t.role, t.label) for t in conversation.turns] == [
        ("S0", "klantmanager", "klantmanager"),
        ("S1", "client", "client"),
        ("S1", "client", "client"),  # 3.5 s pause > turn_gap_s
    ]
    first = conversation.turns[0]
    assert [s.text for s in first.sentences] == ["Goedemorgen.", "Hoe gaat het?"]
    assert first.sentences[1].start == 0.4 and first.sentences[1].end == 1.2
    assert [s.index for s in conversation.sentences()] == list(range(len(conversation.sentences())))
    assert conversation.turns[2].text == "Echt waar"
    assert conversation.model == transcript.model
    assert {s.id for s in conversation.speakers} == {"S0", "S1"}


def test_words_without_any_diarisation_are_kept_as_unknown(settings: Settings) -> None:
    transcript = Transcript(
        model=ModelIdentity(name="m", sha256="0"),
        duration_s=3,
        segments=[Segment(start=0, end=1, text="Hallo", words=_words((0.0, 1.0, "Hallo")))],
    )
    empty = RoleAssignment(speakers=[], method="none")
    conversation = align(transcript, _diar(), empty, settings)
    assert conversation.turns[0].speaker == "unknown" and conversation.turns[0].role == "other"


def test_overlaps_and_interruptions() -> None:
    diarization = _diar((0.0, 5.0, "S0"), (4.0, 9.0, "S1"), (6.0, 6.5, "S0"), (8.95, 12.0, "S0"))
    overlaps = find_overlaps(diarization, min_overlap_s=0.2)
    assert [(o.start, o.end, o.interrupter, o.interrupted) for o in overlaps] == [
        (4.0, 5.0, "S1", "S0"),  # S1 starts while S0 talks, S0 stops: S1 took the turn
        (6.0, 6.5, None, None),  # S0's short remark inside S1's turn: overlap, no interruption
    ]  # the 0.05 s overlap at 8.95 is boundary jitter
