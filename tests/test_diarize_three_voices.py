"""A third person in the room: the consent's participant count is an upper bound, not a fact.

Runs the embedded diariser and the roles stage on the two built three-voice sets
(bench/three_voices.py: a quiet job coach close to the client's voice, and an
interpreter at 30%) with ``participants: 3``, and checks the evidence rules that
decide when a cluster is a speaker, including a forced ghost cluster.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize import diarize
from pipeline.diarize.evidence import ClusterEvidence, cluster_evidence, merge_labels, weakest_merge
from pipeline.roles import assign_roles
from pipeline.settings import Settings, load_settings
from pipeline.settings.diarize import SpeakerEvidence

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_diarization", ROOT / "bench" / "diarization.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)
three_voices = sys.modules["three_voices"]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def test_the_sets_have_the_intended_third_voice_share() -> None:
    quiet = three_voices.build("quiet_third")
    assert 0.02 <= quiet.share("other") <= 0.10
    assert 0.27 <= three_voices.build("interpreter").share("other") <= 0.33
    again = three_voices.build("quiet_third")
    assert np.array_equal(quiet.samples, again.samples) and quiet.rttm() == again.rttm()


def test_evidence_merges_split_voices_first_then_clusters_with_too_little_speech() -> None:
    thresholds = SpeakerEvidence(min_speech_s=2.0, min_longest_turn_s=1.0, min_centroid_distance=0.15)
    centroids = np.eye(3)
    centroids[2] = [0.96, 0.28, 0.0]  # close to speaker 0: one voice split in two
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    runs = [(0, 3000, 0), (3000, 6000, 1), (6000, 9000, 2)]  # 30 s each at 10 ms frames
    evidence = cluster_evidence(runs, centroids, 0.01)
    assert [round(e.speech_s) for e in evidence] == [30, 30, 30]
    assert weakest_merge(evidence, thresholds) in {(2, 0), (0, 2)}
    # A ghost: far from everyone, but 1.5 s of speech in 0.5 s bits.
    ghost = [
        ClusterEvidence(0, 300.0, 20.0, 0.4, 1),
        ClusterEvidence(1, 250.0, 15.0, 0.4, 0),
        ClusterEvidence(2, 1.5, 0.5, 0.5, 1),
    ]
    assert weakest_merge(ghost, thresholds) == (2, 1)
    assert weakest_merge(ghost[:2], thresholds) is None
    assert merge_labels(np.array([2, 0, 2, 1]), 2, 1).tolist() == [0, 1, 0, 0]


@pytest.mark.slow
def test_ghost_speakers_of_a_too_high_participant_count_are_merged_away(settings: Settings) -> None:
    # Two real voices, consent says four: clustering into four splits both voices.
    audio = load_audio(ROOT / "sample_media" / "real_dev_dialogue.flac")
    off = settings.model_copy(deep=True)
    off.diarization.evidence = SpeakerEvidence(min_speech_s=0, min_longest_turn_s=0, min_centroid_distance=0)
    assert len(diarize(audio, off, num_speakers=4).centroids) == 4
    found = diarize(audio, settings, num_speakers=4)
    assert len(found.centroids) == 2
    reference = bench.Reference.from_rttm(ROOT / "sample_media" / "real_dev_dialogue.rttm")
    assert bench.der(reference, found) <= 0.005


def _run(name: str, settings: Settings):
    built = three_voices.build(name)
    reference = bench.Reference([(u.start, u.end, u.speaker) for u in built.utterances])
    diarization = diarize(built.audio(), settings, num_speakers=built.participants)
    roles = assign_roles(diarization, built.transcript(), settings, participants=built.participants)
    return built, reference, diarization, roles


@pytest.mark.slow
def test_quiet_third_voice_never_splits_a_main_voice(settings: Settings) -> None:
    built, reference, diarization, roles = _run("quiet_third", settings)
    main = bench.main_voice_scores(reference, diarization, roles)
    assert main["role_accuracy_main"] >= 0.95
    assert main["main_as_other_s"] <= 1.0
    by_role = {speaker.role: speaker for speaker in roles.speakers}
    km_truth = sum(u.end - u.start for u in built.utterances if u.speaker == "klantmanager")
    # One voice, one role: the klantmanager's cluster holds (about) all of her speech.
    assert abs(by_role["klantmanager"].talk_time_s - km_truth) / km_truth < 0.1


@pytest.mark.slow
def test_interpreter_is_found_and_gets_role_other(settings: Settings) -> None:
    _, reference, diarization, roles = _run("interpreter", settings)
    assert bench.der(reference, diarization) <= 0.05
    assert sorted(speaker.role for speaker in roles.speakers) == ["client", "klantmanager", "other"]
    interpreter_only = bench.Reference([seg for seg in reference.segments if seg[2] == "other"])
    assert bench.role_accuracy(interpreter_only, diarization, roles) >= 0.95
