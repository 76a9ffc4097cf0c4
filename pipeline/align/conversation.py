"""Build the aligned conversation: words to speakers, turns, sentences, overlaps."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipeline.diarize.words import word_speakers
from pipeline.nlp.spacy_import import import_spacy
from pipeline.settings import Settings
from pipeline.types import (
    Conversation,
    Diarization,
    Overlap,
    RoleAssignment,
    Sentence,
    Speaker,
    TimedWord,
    Transcript,
    Turn,
)

# Words of a transcript whose diarisation found no speech at all still need an owner.
UNKNOWN = Speaker(id="unknown", role="other", label="other")


@lru_cache(maxsize=2)
def sentencizer(language: str) -> Any:
    """spaCy's sentencizer for ``language``, built once per process."""
    # A plain ``import spacy`` lets thinc import torch when it is installed (the pyannote
    # extra): most of the stage's 4.9 s on the 3.5-minute clip, for a punctuation splitter.
    spacy = import_spacy()
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(words: list[TimedWord], language: str) -> list[list[TimedWord]]:
    """Group a turn's words into sentences with spaCy's sentencizer over Whisper's punctuation."""
    if not words:
        return []
    offsets, pieces, position = [], [], 0
    for word in words:
        offsets.append(position)
        pieces.append(word.text)
        position += len(word.text) + 1
    doc = sentencizer(language)(" ".join(pieces))
    ends = sorted({sent.end_char for sent in doc.sents})
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    boundary = iter(ends)
    next_end = next(boundary, None)
    for word, offset in zip(words, offsets, strict=True):
        while next_end is not None and offset >= next_end:
            if current:
                groups.append(current)
                current = []
            next_end = next(boundary, None)
        current.append(word)
    if current:
        groups.append(current)
    return groups


def _turn_words(transcript: Transcript, diarization: Diarization) -> list[TimedWord]:
    words = transcript.words()
    owners = word_speakers(words, diarization.segments)
    return [
        TimedWord(
            start=w.start, end=w.end, text=w.text, probability=w.probability, speaker=owner or UNKNOWN.id
        )
        for w, owner in zip(words, owners, strict=True)
    ]


def group_turns(words: list[TimedWord], gap_s: float) -> list[list[TimedWord]]:
    """Consecutive words of one speaker, split where the pause exceeds ``gap_s``."""
    turns: list[list[TimedWord]] = []
    for word in words:
        if turns and turns[-1][-1].speaker == word.speaker and word.start - turns[-1][-1].end <= gap_s:
            turns[-1].append(word)
        else:
            turns.append([word])
    return turns


def find_overlaps(diarization: Diarization, min_overlap_s: float) -> list[Overlap]:
    """Stretches where two speakers' segments overlap.

    When the earlier speaker stops inside the overlap, the later one took the
    turn: an interruption. When the later one stops first, it was a
    backchannel or an attempt, recorded without interrupter.
    """
    segments = sorted(diarization.segments, key=lambda seg: seg.start)
    found: list[Overlap] = []
    for i, first in enumerate(segments):
        for second in segments[i + 1 :]:
            if second.start >= first.end:
                break
            if second.speaker == first.speaker:
                continue
            start, end = second.start, min(first.end, second.end)
            if end - start < min_overlap_s:
                continue
            took_turn = first.end <= second.end
            found.append(
                Overlap(
                    start=round(start, 3),
                    end=round(end, 3),
                    speakers=[first.speaker, second.speaker],
                    interrupter=second.speaker if took_turn else None,
                    interrupted=first.speaker if took_turn else None,
                )
            )
    return found


def align(
    transcript: Transcript, diarization: Diarization, roles: RoleAssignment, settings: Settings
) -> Conversation:
    """Who said what, when: the conversation the analysis reads."""
    config = settings.align
    speakers = {speaker.id: speaker for speaker in roles.speakers}
    words = _turn_words(transcript, diarization)
    if any(word.speaker == UNKNOWN.id for word in words):
        speakers[UNKNOWN.id] = UNKNOWN
    turns: list[Turn] = []
    sentence_index = 0
    for turn_index, turn_words in enumerate(group_turns(words, config.turn_gap_s)):
        speaker = speakers[turn_words[0].speaker]
        sentences = []
        for group in split_sentences(turn_words, config.spacy_language):
            sentences.append(
                Sentence(
                    index=sentence_index,
                    turn_index=turn_index,
                    start=group[0].start,
                    end=group[-1].end,
                    text=" ".join(word.text for word in group),
                    speaker=speaker.id,
                    role=speaker.role,
                )
            )
            sentence_index += 1
        text = " ".join(word.text for word in turn_words)
        turn = speaker.turn(turn_index, text, turn_words, turn_words[0].start, turn_words[-1].end)
        turns.append(turn.model_copy(update={"sentences": sentences}))
    return Conversation(
        duration_s=transcript.duration_s,
        speakers=list(speakers.values()),
        turns=turns,
        overlaps=find_overlaps(diarization, config.min_overlap_s),
        model=transcript.model,
    )
