"""Diarisation backends are named entries in one registry, and each declares its cache identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.audio.decode import Audio
from pipeline.diarize import diarize
from pipeline.diarize.backends import BACKENDS, Backend, register
from pipeline.errors import ConfigError
from pipeline.ingest.consent import ConsentFlags, ConsentRecord
from pipeline.settings import Settings, load_settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import BY_NAME, stage_key
from pipeline.types import Diarization, SpeakerSegment

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"


def _loud_halves(audio: Audio, settings: Settings, num: int | None, low: int, high: int) -> Diarization:
    """A toy backend: the first half is one speaker, the second half another, if both are audible."""
    del settings, num, low, high
    half = len(audio.samples) // 2
    duration = len(audio.samples) / audio.sample_rate
    segments = [
        SpeakerSegment(start=start, end=end, speaker=f"SPEAKER_{index}")
        for index, (start, end, part) in enumerate(
            [(0.0, duration / 2, audio.samples[:half]), (duration / 2, duration, audio.samples[half:])]
        )
        if float(np.abs(part).max(initial=0.0)) > 0.01
    ]
    return Diarization(backend="halves", duration_s=duration, segments=segments)


@pytest.fixture
def halves():
    register(Backend("halves", _loud_halves, lambda settings: {"halves": 1}))
    yield BACKENDS["halves"]
    del BACKENDS["halves"]


def _job(tmp_path: Path) -> RecordingJob:
    consent = ConsentRecord(
        klantmanager="A. de Vries", client="C-0001", recorded_on="2026-11-20",
        consent=ConsentFlags(recording=True, analysis=True, research_use=False),
        retention_days=90, form_reference="TF-1", participants=2,
    )  # fmt: skip
    return RecordingJob(
        recording_id="rec-0123456789abcdef", media=tmp_path / "m.flac", sha256="a" * 64,
        consent=consent, cache_dir=tmp_path / "cache",
    )  # fmt: skip


def test_a_registered_backend_runs_behind_the_one_call(halves) -> None:
    settings = load_settings(environ={})
    settings.diarization.backend = "halves"
    audio = load_audio(sorted(FIXTURES.glob("*.flac"))[0])
    result = diarize(audio, settings, num_speakers=2)
    assert result.backend == "halves"
    assert [segment.speaker for segment in result.segments] == ["SPEAKER_0", "SPEAKER_1"]


def test_the_cache_key_follows_the_backend_and_its_identity(halves, tmp_path: Path) -> None:
    job, spec = _job(tmp_path), BY_NAME["diarize"]
    embedded = load_settings(environ={})
    toy = load_settings(environ={})
    toy.diarization.backend = "halves"
    key = stage_key(spec, job, toy, {})
    assert key != stage_key(spec, job, embedded, {})
    register(Backend("halves", _loud_halves, lambda settings: {"halves": 2}))  # new model, same name
    assert stage_key(spec, job, toy, {}) != key


def test_an_unknown_backend_is_one_clear_error(tmp_path: Path) -> None:
    settings = load_settings(environ={})
    settings.diarization.backend = "nonesuch"
    with pytest.raises(
        ConfigError, match=r"unknown diarization\.backend 'nonesuch' \(one of: embedded, pyannote"
    ):
        stage_key(BY_NAME["diarize"], _job(tmp_path), settings, {})
