"""The diariser's VAD in chunks: bounded memory on long recordings, the same regions otherwise."""

from __future__ import annotations

import itertools

import numpy as np

from pipeline.audio.decode import load_audio
from pipeline.diarize.mel import mel_frames
from pipeline.diarize.vad import speech_regions
from pipeline.settings import PROJECT_ROOT, load_settings

SAMPLE = PROJECT_ROOT / "sample_media" / "real_dev_dialogue.flac"
VAD = load_settings(environ={}).diarization.vad


def test_chunked_vad_joins_regions_cut_by_a_chunk_edge() -> None:
    samples = load_audio(SAMPLE).samples
    whole = speech_regions(samples, VAD.model_copy(update={"chunk_s": 1e6}))
    assert speech_regions(samples, VAD) == whole  # shorter than a chunk: one call, as before
    chunked = speech_regions(samples, VAD.model_copy(update={"chunk_s": 30.0}))
    assert all(end > start for start, end in chunked)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(chunked))  # ordered, none touching
    speech = sum(end - start for start, end in whole)
    assert abs(sum(end - start for start, end in chunked) - speech) < 0.02 * speech
    assert abs(len(chunked) - len(whole)) <= len(samples) // (30 * 16_000) + 1  # at most one per edge


def test_mel_frames_are_the_same_in_any_block_size() -> None:
    samples = load_audio(SAMPLE).samples[: 16_000 * 5 + 123]
    reference = mel_frames(samples, block=10**6)
    for block in (1, 7, 100):
        # each block is cut from the samples with its own padding: only BLAS rounding differs
        np.testing.assert_allclose(mel_frames(samples, block=block), reference, rtol=1e-5, atol=1e-9)
