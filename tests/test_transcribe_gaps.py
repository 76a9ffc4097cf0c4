"""Speech the batched decoder skipped is found and decoded again (pipeline/transcribe/gaps.py)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from shared_asr import audio_of, ground_truth, normalise, transcript_of

from pipeline.settings import load_settings
from pipeline.transcribe.gaps import Gap, recover, silent_gaps
from pipeline.transcribe.whisper import Decoder
from pipeline.types import Segment, Word

TTS = "gesprek_tts.flac"
# The klantmanager's reflection and the client's confirmation that batched decoding dropped
# from this sample (its chunk ended after the client's long turn at 67.5 s).
DROPPED = (67.5, 78.3)


def _segment(*words: tuple[float, float]) -> Segment:
    items = [Word(start=a, end=b, text="w", probability=0.9) for a, b in words]
    return Segment(start=words[0][0], end=words[-1][1], text="w " * len(words), words=items)


def test_gaps_are_the_long_silences_between_words_kept_off_their_edges() -> None:
    segments = [_segment((0.5, 1.0), (1.2, 2.0)), _segment((5.0, 5.5)), _segment((6.0, 9.0))]
    gaps = silent_gaps(segments, duration_s=14.0, min_gap_s=2.0, pad_s=0.1)
    assert gaps == [Gap(2.1, 4.9), Gap(9.1, 14.0)]


def test_a_gap_before_the_first_word_starts_at_zero_and_a_segment_without_words_counts_whole() -> None:
    no_words = Segment(start=4.0, end=6.0, text="iets", words=[])
    gaps = silent_gaps([no_words], duration_s=7.0, min_gap_s=2.0, pad_s=0.1)
    assert gaps == [Gap(0.0, 3.9)]


def test_overlapping_words_do_not_open_a_gap() -> None:
    segments = [_segment((0.0, 6.0)), _segment((1.0, 2.0)), _segment((6.5, 7.0))]
    assert silent_gaps(segments, duration_s=7.0, min_gap_s=2.0, pad_s=0.1) == []


def _words_in(segments: list[Segment], start: float, end: float) -> str:
    return " ".join(w.text for s in segments for w in s.words if w.end > start and w.start < end)


@pytest.mark.slow
def test_every_utterance_of_the_tts_sample_has_words() -> None:
    """With recovery, no utterance of the ground truth is left without a recognised word."""
    segments = transcript_of(TTS).segments
    lost = [
        (u["start"], u["text"])
        for u in ground_truth(TTS)["utterances"]
        if not _words_in(segments, u["start"], u["end"])
    ]
    assert lost == []
    assert "begrijp" in normalise(_words_in(segments, *DROPPED))


@pytest.mark.slow
def test_a_dropped_stretch_is_decoded_again_with_the_real_model() -> None:
    """The real transcript with the dropped stretch cut out again: recovery decodes it with the
    real model and VAD, and leaves the words on either side alone."""
    settings = load_settings(environ={})
    kept = [s for s in transcript_of(TTS).segments if s.end <= DROPPED[0] or s.start >= DROPPED[1]]
    decoder, audio = Decoder(settings), audio_of(TTS)
    recovered = recover(audio.samples, kept, decoder, decoder.alone, 500, settings.asr.recover_gaps)
    again = normalise(_words_in(recovered, *DROPPED))
    assert "begrijp" in again and "precies" in again
    # the joined pass's times are mapped back into the recording: every new word lies in the
    # stretch cut out (the other gaps of this transcript were recovered already), not at its
    # place in the joined audio
    new = [w for seg in recovered if seg not in kept for w in seg.words]
    assert new and all(DROPPED[0] <= w.start and w.end <= DROPPED[1] for w in new)
    assert [s for s in recovered if s.end <= DROPPED[0] or s.start >= DROPPED[1]] == kept
    assert all(a.start <= b.start for a, b in pairwise(recovered))


@pytest.mark.slow
def test_silence_and_noise_only_gaps_add_nothing() -> None:
    """A stretch of near-silence finds no speech, so nothing is decoded or added."""
    settings = load_settings(environ={})
    decoder = Decoder(settings)
    quiet = audio_of(TTS).samples[: 16000 * 6] * 0.0
    speech = [_segment((0.0, 0.5))]
    assert recover(quiet, speech, decoder, decoder.alone, 500, settings.asr.recover_gaps) == speech
