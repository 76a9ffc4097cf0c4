"""The embedded diariser: window planning, clustering, segment tidying, and a real two-voice run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize import diarize
from pipeline.diarize.clustering import cluster_windows
from pipeline.diarize.embedded import (
    held_stretches,
    plan_windows,
    runs_to_segments,
    snap_changes,
    tidy_segments,
)
from pipeline.errors import ConfigError, KijkwijzerError
from pipeline.settings import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def two_voices():
    """nathalie, 1 s silence, flemishguy, 0.1 s gap, nathalie again: a change inside one speech region."""
    a = load_audio(FIXTURES / "nathalie_clean.flac")
    b = load_audio(FIXTURES / "flemish_clean.flac")
    rate = a.sample_rate
    samples = np.concatenate(
        [a.samples, np.zeros(rate, np.float32), b.samples, np.zeros(rate // 10, np.float32), a.samples]
    )
    truth = [
        (0.0, a.duration_s, "A"),
        (a.duration_s + 1.0, a.duration_s + 1.0 + b.duration_s, "B"),
        (a.duration_s + 1.1 + b.duration_s, 2 * a.duration_s + 1.1 + b.duration_s, "A"),
    ]
    return replace(a, samples=samples), truth


def test_windows_cover_each_region_and_end_at_its_end() -> None:
    spans = plan_windows([(0, 400), (500, 560), (600, 620)], window=150, hop=75, min_window=40)
    assert spans[:4] == [(0, 150), (75, 225), (150, 300), (225, 375)]
    assert (250, 400) in spans  # last window aligned to the region's end
    assert (500, 560) in spans  # a short region is embedded whole
    assert all(start >= 600 or end <= 560 for start, end in spans)  # 20 frames: too short


def test_clustering_separates_two_voices_and_estimates_their_number() -> None:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((2, 256))
    points = np.concatenate(
        [centres[0] + 0.3 * rng.standard_normal((30, 256)), centres[1] + 0.3 * rng.standard_normal((20, 256))]
    )
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = cluster_windows(points, None, 2, 4, keep=0.3, max_neighbors=20, random_state=0)
    assert set(labels[:30]) == {0} and set(labels[30:]) == {1}
    three = cluster_windows(points, 3, 2, 4, keep=0.3, max_neighbors=20, random_state=0)
    assert len(set(three)) == 3


def test_a_brief_third_voice_is_still_counted() -> None:
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((3, 256))
    sizes = (400, 300, 15)  # an interpreter who says little
    points = np.concatenate(
        [c + 0.3 * rng.standard_normal((n, 256)) for c, n in zip(centres, sizes, strict=True)]
    )
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = cluster_windows(points, None, 2, 4, keep=0.3, max_neighbors=10, random_state=0)
    assert len(set(labels)) == 3
    assert len(set(labels[-15:])) == 1 and labels[-1] not in set(labels[:700])


def test_short_segments_are_absorbed_and_same_speaker_gaps_filled() -> None:
    labels = np.array([0] * 100 + [1] * 10 + [0] * 100 + [-1] * 20 + [0] * 50 + [-1] * 200 + [1] * 100)
    runs = tidy_segments(runs_to_segments(labels), min_len=30, fill_gap=50)
    assert runs == [(0, 280, 0), (480, 580, 1)]


def test_speaker_changes_snap_to_the_quiet_hand_over_point() -> None:
    energy = np.ones(300)
    energy[130:135] = -5.0  # a breath between the voices
    runs = [(0, 120, 0), (120, 300, 1), (310, 400, 0)]
    assert snap_changes(runs, energy, radius=30) == [(0, 130, 0), (130, 300, 1), (310, 400, 0)]
    assert snap_changes(runs, energy, radius=0) == runs


def test_two_voices_are_found_with_the_change_inside_a_speech_region(settings: Settings, two_voices) -> None:
    audio, truth = two_voices
    result = diarize(audio, settings)
    assert result.backend == "embedded"
    assert len(result.centroids) == 2 and result.encoder.startswith("resemblyzer-dvector:")
    names = [seg.speaker for seg in result.segments]
    assert len(set(names)) == 2
    # Each reference stretch is (almost) all one hypothesis speaker, and A's stretches share it.
    owners = []
    for start, end, _ in truth:
        covered: dict[str, float] = {}
        for seg in result.segments:
            covered[seg.speaker] = covered.get(seg.speaker, 0) + max(
                0, min(end, seg.end) - max(start, seg.start)
            )
        owner = max(covered, key=covered.get)
        assert covered[owner] >= 0.8 * (end - start)
        owners.append(owner)
    assert owners[0] == owners[2] != owners[1]
    # The B -> A change after a 0.1 s gap is placed within 0.3 s.
    change = next(
        seg.start for seg in result.segments if seg.speaker == owners[2] and seg.start > truth[1][0]
    )
    assert abs(change - truth[2][0]) <= 0.3


def test_only_stretches_one_voice_clearly_holds_skip_dense_scoring() -> None:
    a, b = np.eye(4, dtype=np.float32)[:2]
    mixed = (a + b) / np.linalg.norm(a + b)
    # Region 1: A, A, A, A, B, B, B (the change is under windows 3 and 4); region 2: A, mixed, A.
    spans = [(0, 150), (75, 225), (150, 300), (225, 375), (300, 450), (375, 525), (525, 675)]
    spans += [(700, 850), (775, 925), (850, 1000)]
    embeddings = np.stack([a, a, a, a, b, b, b, a, mixed, a])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 0, 0, 0])
    held, dense = held_stretches([(0, 675), (700, 1000)], spans, embeddings, labels, margin=0.2, guard=150)
    # Frames 300-375 are disputed and 775-925 doubtful: dense scoring within 150 frames of them.
    assert [(start, end, labels[window]) for start, end, window in held] == [(0, 150, 0), (525, 625, 1)]
    assert dense == [(150, 525), (625, 675), (700, 1000)]
    assert held_stretches([(0, 675)], spans[:7], embeddings[:7], labels[:7], None, 150) == ([], [(0, 675)])


def test_held_stretches_give_the_same_speakers_as_dense_scoring(settings: Settings, two_voices) -> None:
    audio, _ = two_voices
    dense_settings = settings.model_copy(deep=True)
    dense_settings.diarization.embedded.held_margin = None
    fast, dense = diarize(audio, settings), diarize(audio, dense_settings)
    assert [seg.speaker for seg in fast.segments] == [seg.speaker for seg in dense.segments]
    for ours, theirs in zip(fast.segments, dense.segments, strict=True):
        assert abs(ours.start - theirs.start) <= 0.1 and abs(ours.end - theirs.end) <= 0.1


def test_given_speaker_count_is_used(settings: Settings, two_voices) -> None:
    audio, _ = two_voices
    assert len(diarize(audio, settings, num_speakers=1).centroids) == 1


def test_silence_gives_no_speakers(settings: Settings, two_voices) -> None:
    audio, _ = two_voices
    result = diarize(replace(audio, samples=np.zeros_like(audio.samples)), settings)
    assert result.segments == [] and result.centroids == {}


def test_bad_speaker_limits_are_config_errors(settings: Settings, two_voices) -> None:
    audio, _ = two_voices
    with pytest.raises(ConfigError):
        diarize(audio, settings, min_speakers=4, max_speakers=2)


def test_pyannote_backend_without_pipeline_dir_is_one_clear_error(settings: Settings, two_voices) -> None:
    audio, _ = two_voices
    configured = settings.model_copy(deep=True)
    configured.diarization.backend = "pyannote"
    with pytest.raises(KijkwijzerError, match="pipeline_dir"):
        diarize(audio, configured)
