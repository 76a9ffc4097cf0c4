"""Speech carried across a pause goes to the neighbour whose voice it is (embedded diariser).

Built from the real voices of ``real_dev_dialogue`` with the real d-vector
encoder, and measured on the real hard clip, where short-window scores carried
a voice 0.6-1.1 s past a pause into the other speaker's turn.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize import diarize
from pipeline.diarize.embedded import (
    FRAME_S,
    changes_at_pauses,
    embed_spans,
    encoder_for,
    encoder_mel,
)
from pipeline.roles import assign_roles
from pipeline.settings import Settings, load_settings
from pipeline.types import ModelIdentity, Transcript

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_diarization", ROOT / "bench" / "diarization.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

RATE = 16_000
WINDOW = round(1.5 / FRAME_S)
GAP = round(0.5 / FRAME_S)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def voices() -> dict[str, list[np.ndarray]]:
    """Reference utterances of at least 2.5 s per role of the real dialogue, as samples."""
    path, rttm = (
        bench.find_sample("real_dev_dialogue", ".flac"),
        bench.find_sample("real_dev_dialogue", ".rttm"),
    )
    if path is None or rttm is None:
        pytest.skip("real_dev_dialogue is not available")
    audio = load_audio(path)
    out: dict[str, list[np.ndarray]] = {"klantmanager": [], "client": []}
    for start, end, role in bench.Reference.from_rttm(rttm).segments:
        if end - start >= 2.5 and role in out:
            out[role].append(audio.samples[round(start * RATE) : round(end * RATE)])
    return out


def _carried(settings: Settings, first: np.ndarray, after_pause: np.ndarray) -> tuple[np.ndarray, list]:
    """Frames where voice 0 (``first``, 2 s) is carried 0.8 s past a 0.3 s pause into ``after_pause``."""
    samples = np.concatenate([first[: 2 * RATE], np.zeros(round(0.3 * RATE), np.float32), after_pause])
    mel = encoder_mel(samples.astype(np.float32), settings.diarization.embedded)
    regions = [(0, 200), (230, min(430, len(mel)))]
    frames = np.full(len(mel), -1)
    frames[0:200] = 0
    frames[230:310] = 0  # the piece: shorter than a clustering window, same voice as before the pause
    frames[310:430] = 1
    encoder = encoder_for(settings)

    def embed(spans: list) -> np.ndarray:
        return embed_spans(mel, spans, encoder, settings.diarization.embedded)

    return frames, [regions, embed]


def test_another_voice_after_the_pause_takes_the_carried_piece(settings: Settings, voices) -> None:
    klantmanager, client = voices["klantmanager"][0], voices["client"][0]
    frames, (regions, embed) = _carried(settings, klantmanager, client[: 2 * RATE])
    none = np.zeros(len(frames), dtype=bool)
    out = changes_at_pauses(frames, regions, embed, none, WINDOW, GAP)
    assert (out[230:310] == 1).all()
    assert (out[:200] == 0).all() and (out[310:430] == 1).all()


def test_the_same_voice_after_the_pause_keeps_the_piece(settings: Settings, voices) -> None:
    first, second = voices["klantmanager"][0], voices["klantmanager"][1]
    client = voices["client"][0]
    # The klantmanager goes on after the pause for 0.8 s, then the client answers without one.
    after = np.concatenate([second[: round(0.8 * RATE)], client[: round(1.2 * RATE)]])
    frames, (regions, embed) = _carried(settings, first, after)
    none = np.zeros(len(frames), dtype=bool)
    assert (changes_at_pauses(frames, regions, embed, none, WINDOW, GAP) == frames).all()


def test_overlapped_speech_is_no_sample_of_the_other_voice(settings: Settings, voices) -> None:
    klantmanager, client = voices["klantmanager"][0], voices["client"][0]
    frames, (regions, embed) = _carried(settings, klantmanager, client[: 2 * RATE])
    two_voices = np.zeros(len(frames), dtype=bool)
    two_voices[315:430] = True  # the model hears two voices right after the piece: no usable neighbour
    assert (changes_at_pauses(frames, regions, embed, two_voices, WINDOW, GAP) == frames).all()


def test_role_accuracy_of_the_hard_clip_rises_with_changes_at_pauses(settings: Settings) -> None:
    path, rttm = bench.find_sample("real_dev_hard", ".flac"), bench.find_sample("real_dev_hard", ".rttm")
    if path is None or rttm is None:
        pytest.skip("real_dev_hard is not available")
    audio, reference = load_audio(path), bench.Reference.from_rttm(rttm)
    # Roles from who speaks first only (no transcript), the same for both runs.
    transcript = Transcript(model=ModelIdentity(name="none", sha256="0"), duration_s=audio.duration_s)
    scores = {}
    for enabled in (False, True):
        local = settings.model_copy(deep=True)
        local.diarization.embedded.pause_changes = enabled
        diarization = diarize(audio, local)
        roles = assign_roles(diarization, transcript, local)
        scores[enabled] = (
            bench.role_accuracy(reference, diarization, roles),
            bench.der(reference, diarization),
        )
    (accuracy_off, der_off), (accuracy_on, der_on) = scores[False], scores[True]
    assert accuracy_on > accuracy_off
    assert accuracy_on >= 0.97
    assert der_on < der_off
