"""A quiet voice merged into a similar main one: CAM++ features and model, grouping, and the real set."""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize import diarize
from pipeline.diarize.campplus import embed_pieces, load_campplus
from pipeline.diarize.fbank import fbank
from pipeline.diarize.hidden_voice import hidden_groups, relabel, speech_pieces
from pipeline.roles import assign_roles
from pipeline.settings import Settings, load_settings
from pipeline.settings.diarize import SpeakerEvidence

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "diarize"
EVIDENCE = SpeakerEvidence(min_speech_s=2.0, min_longest_turn_s=1.0, min_centroid_distance=0.15)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def test_fbank_matches_kaldi_as_torchaudio_computes_it() -> None:
    torch = pytest.importorskip("torch")
    kaldi = pytest.importorskip("torchaudio.compliance.kaldi")
    samples = load_audio(FIXTURES / "nathalie_clean.flac").samples[:48_000]
    expected = kaldi.fbank(
        torch.from_numpy(samples.astype(np.float32))[None] * 32768,
        num_mel_bins=80,
        sample_frequency=16_000,
        dither=0.0,
    ).numpy()
    got = fbank(samples)
    assert got.shape == expected.shape == (1 + (len(samples) - 400) // 160, 80)
    assert np.abs(got - expected).max() < 1e-2
    assert fbank(samples[:399]).shape == (0, 80)


def test_campplus_tells_two_real_voices_apart(settings: Settings) -> None:
    config = settings.diarization.hidden_voice
    session = load_campplus(settings.resolve(config.model_path), config.threads)
    audio = load_audio(ROOT / "sample_media" / "real_dev_dialogue.flac")
    turns: dict[str, list[tuple[int, int]]] = {"klantmanager": [], "client": []}
    for line in (ROOT / "sample_media" / "real_dev_dialogue.rttm").read_text().splitlines():
        _, _, _, start, length, _, _, role, *_ = line.split()
        if float(length) >= 2.0 and len(turns[role]) < 4:
            turns[role].append((round(float(start) * 16_000), round((float(start) + float(length)) * 16_000)))
    vectors = embed_pieces(session, audio.samples, turns["klantmanager"] + turns["client"])
    assert vectors.shape == (8, 192)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    same = np.mean([sims[i, j] for group in (range(4), range(4, 8)) for i in group for j in group if i < j])
    different = sims[:4, 4:].mean()
    assert same - different > 0.2
    np.fill_diagonal(sims, -1.0)
    assert (sims.argmax(axis=1) // 4).tolist() == [0] * 4 + [1] * 4  # every turn's nearest is its own voice


def test_a_missing_speaker_model_is_one_warning_naming_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert load_campplus(Path("/nonexistent/campplus.onnx"), 1) is None
    assert "hidden_voice.enabled: false" in caplog.text


def _voice(rng: np.random.Generator, centre: np.ndarray, spread: float, count: int) -> np.ndarray:
    vectors = centre + spread * rng.normal(size=(count, len(centre)))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_only_a_far_group_with_a_speakers_evidence_becomes_a_voice() -> None:
    rng = np.random.default_rng(0)
    main, quiet = np.eye(16)[0], np.eye(16)[1]
    embeddings = np.vstack([_voice(rng, main, 0.05, 20), _voice(rng, quiet, 0.05, 3)])
    # 20 pieces of 2 s, then three quiet pieces of 1.5 s, all labelled speaker 0 (100 frames per second).
    pieces = [(i * 300, i * 300 + 200, 0) for i in range(20)] + [
        (6000 + i * 300, 6150 + i * 300, 0) for i in range(3)
    ]
    groups = hidden_groups(pieces, embeddings, 1, EVIDENCE, 0.45, 0.01)
    assert groups == [[20, 21, 22]]
    assert hidden_groups(pieces, embeddings, 0, EVIDENCE, 0.45, 0.01) == []
    # Too little speech of its own (1.8 s): merged voices stay merged.
    assert hidden_groups([*pieces[:21], (6300, 6330, 0)], embeddings[:22], 1, EVIDENCE, 0.45, 0.01) == []
    # One voice, however its pieces vary within the threshold, is never split.
    assert hidden_groups(pieces[:20], _voice(rng, main, 0.12, 20), 1, EVIDENCE, 0.45, 0.01) == []
    # Pieces too short to embed (zero rows) never join a group.
    blank = embeddings.copy()
    blank[20:] = 0.0
    assert hidden_groups(pieces, blank, 1, EVIDENCE, 0.45, 0.01) == []
    moved = relabel(pieces, groups, first_label=1)
    assert [label for *_, label in moved] == [0] * 20 + [1] * 3


def test_speech_pieces_cut_runs_at_pauses() -> None:
    runs = [(0, 250, 0), (250, 400, 1)]
    regions = [(0, 100), (140, 300), (320, 400)]
    assert speech_pieces(runs, regions) == [(0, 100, 0), (140, 250, 0), (250, 300, 1), (320, 400, 1)]


@pytest.mark.slow
def test_the_quiet_job_coach_is_found_without_taking_main_speakers_time(settings: Settings) -> None:
    spec = importlib.util.spec_from_file_location("bench_diarization", ROOT / "bench" / "diarization.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    case = bench.load_case("quiet_third", settings)
    diarization = diarize(case.audio, settings, num_speakers=case.participants)
    roles = assign_roles(diarization, case.transcript, settings, participants=case.participants)
    assert sorted(speaker.role for speaker in roles.speakers) == ["client", "klantmanager", "other"]
    main = bench.main_voice_scores(case.reference, diarization, roles)
    assert main["role_accuracy_main"] >= 0.99 and main["main_as_other_s"] <= 1.0
    coach = bench.Reference([seg for seg in case.reference.segments if seg[2] == "other"])
    assert bench.role_accuracy(coach, diarization, roles) >= 0.8
    conversation = bench.align(case.transcript, diarization, roles, settings)
    share, _ = bench.words_at_changes(case.reference, bench._reference_texts(case), conversation)
    assert share >= 0.95
    off = settings.model_copy(deep=True)
    off.diarization.hidden_voice.enabled = False
    assert len(diarize(case.audio, off, num_speakers=case.participants).centroids) == 2
