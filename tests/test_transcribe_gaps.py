"""Speech the batched decoder skipped is found and decoded again (pipeline/transcribe/gaps.py)."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError
from shared_asr import audio_of, ground_truth, normalise, transcript_of

from pipeline.settings import load_settings
from pipeline.settings.asr import GapRecoverySettings
from pipeline.transcribe.gaps import Gap, _joined, _split_at, _unjoined, recover, silent_gaps
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


def _raw_word(start: float, end: float, text: str, probability: float = 0.9) -> SimpleNamespace:
    """A word as faster-whisper returns it (leading space, times in the decoded audio)."""
    return SimpleNamespace(start=start, end=end, word=f" {text}", probability=probability)


def _pieces() -> list:
    """Two gaps joined: 10-13 s at 0-3 s of the joined audio, 20-22 s at 4-6 s (1 s separators)."""
    samples = np.zeros(16000 * 30, dtype=np.float32)
    _, pieces = _joined(samples, [Gap(10.0, 13.0), Gap(20.0, 22.0)], separator_s=1.0)
    return pieces


def test_joined_words_go_back_to_their_gap_by_midpoint() -> None:
    limits = GapRecoverySettings()
    raw = SimpleNamespace(
        words=[
            _raw_word(0.5, 1.0, "eerst"),
            _raw_word(3.2, 3.4, "stilte"),  # in the separator after the first gap: dropped
            _raw_word(3.9, 4.4, "hallo"),  # starts in the separator, its midpoint is in gap two
            _raw_word(5.0, 5.5, "daar"),
        ]
    )
    parts = _unjoined(raw, _pieces(), limits)
    first, second = parts[Gap(10.0, 13.0)], parts[Gap(20.0, 22.0)]
    assert [(w.text, w.start, w.end) for s in first for w in s.words] == [("eerst", 10.5, 11.0)]
    assert [(w.text, w.start, w.end) for s in second for w in s.words] == [
        ("hallo", 20.0, 20.4),
        ("daar", 21.0, 21.5),
    ]
    assert second[0].text == "hallo daar"


def test_an_unsure_part_is_heard_but_adds_no_words() -> None:
    raw = SimpleNamespace(
        words=[_raw_word(0.5, 1.0, "eh", 0.2), _raw_word(1.2, 1.5, "nou", 0.3), _raw_word(4.5, 5.0, "ja")]
    )
    parts = _unjoined(raw, _pieces(), GapRecoverySettings())
    assert parts[Gap(10.0, 13.0)] == []  # heard, so it is not decoded again alone
    assert [w.text for s in parts[Gap(20.0, 22.0)] for w in s.words] == ["ja"]


def test_a_segment_around_a_recovered_gap_is_cut_there_so_words_stay_in_order() -> None:
    around = _segment((8.0, 9.0), (9.5, 10.0), (14.0, 15.0))
    cut = _split_at([around, _segment((30.0, 31.0))], [Gap(10.1, 13.9)])
    assert [(s.start, s.end) for s in cut] == [(8.0, 10.0), (14.0, 15.0), (30.0, 31.0)]
    assert [w for s in cut[:2] for w in s.words] == around.words


def test_gap_padding_that_swallows_the_gap_is_refused() -> None:
    with pytest.raises(ValidationError, match="min_gap_s"):
        GapRecoverySettings(min_gap_s=0.2, edge_pad_s=0.1)


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
    words = transcript_of(TTS).words()
    assert all(a.start <= b.start for a, b in pairwise(words))  # recovered words fall in place
    assert "begrijp" in normalise(_words_in(segments, *DROPPED))


@pytest.mark.slow
def test_a_dropped_stretch_is_decoded_again_with_the_real_model() -> None:
    """The real transcript with the dropped stretch cut out again: recovery decodes it with the
    real model and VAD, and leaves the words on either side alone."""
    settings = load_settings(environ={})
    kept = [s for s in transcript_of(TTS).segments if s.end <= DROPPED[0] or s.start >= DROPPED[1]]
    decoder, audio = Decoder(settings), audio_of(TTS)
    recovered = recover(
        audio.samples,
        kept,
        decoder,
        decoder.alone,
        settings.asr.vad_min_silence_ms,
        settings.asr.recover_gaps,
    )
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
def test_a_silent_gap_is_not_decoded() -> None:
    """A gap the VAD finds no speech in is left as it is: nothing is decoded or added."""
    settings = load_settings(environ={})
    decoder = Decoder(settings)
    quiet = audio_of(TTS).samples[: 16000 * 6] * 0.0
    speech = [_segment((0.0, 0.5))]
    assert (
        recover(
            quiet, speech, decoder, decoder.alone, settings.asr.vad_min_silence_ms, settings.asr.recover_gaps
        )
        == speech
    )
