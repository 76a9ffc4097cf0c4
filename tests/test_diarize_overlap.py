"""Overlapped speech in the embedded diariser: segmentation-3.0 (ONNX), second speakers, exports.

The real model runs on the real hard clip (7 scripted overlaps, telephone band,
noise) and on the clean dialogue (none); the end-to-end test checks that the
overlaps reach transcript.json, the RTTM, the EAF and the analysis as
interruption events.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.align import align
from pipeline.align.conversation import find_overlaps
from pipeline.audio import load_audio
from pipeline.diarize import diarize, overlap
from pipeline.diarize.embedded import FRAME_S, add_overlapping_speakers
from pipeline.diarize.overlap import overlap_probability, overlap_runs
from pipeline.settings import Settings, load_settings
from pipeline.types import Diarization, RoleAssignment, Segment, Speaker, Transcript, Word

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "diarize"
_spec = importlib.util.spec_from_file_location("bench_diarization", ROOT / "bench" / "diarization.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def test_overlap_runs_fill_short_gaps_and_drop_short_stretches(settings: Settings) -> None:
    config = settings.diarization.overlap.model_copy(update={"min_overlap_s": 0.2, "fill_gap_s": 0.1})
    probability = np.zeros(300)
    probability[10:20] = 0.9  # 0.1 s: too short
    probability[100:130] = 0.9
    probability[135:160] = 0.8  # 0.05 s gap: one overlap with the previous
    probability[200:260] = 0.9
    speech = np.ones(300, dtype=bool)
    speech[200:260] = False  # overlap probability outside speech counts for nothing
    assert overlap_runs(probability, speech, config, FRAME_S) == [(100, 160)]


def test_the_nearest_other_speaker_is_added_and_joins_its_own_turn() -> None:
    # A speaks 0-100, B 100-200; the model hears two voices over 90-105 (B came in early).
    segments = add_overlapping_speakers([(0, 100, 0), (100, 200, 1)], [(90, 105)], 200, bridge=50)
    assert segments == [(0, 105, 0), (90, 200, 1)]
    # A backchannel inside a long turn: B is added there only.
    segments = add_overlapping_speakers([(0, 300, 0), (400, 500, 1)], [(150, 180)], 500, bridge=50)
    assert segments == [(0, 300, 0), (150, 180, 1), (400, 500, 1)]
    # Without overlaps nothing changes.
    assert add_overlapping_speakers([(0, 100, 0), (100, 200, 1)], [], 200, bridge=50) == [
        (0, 100, 0),
        (100, 200, 1),
    ]


def test_overlap_onto_another_turn_is_an_interruption_a_backchannel_is_not() -> None:
    diarization = Diarization(
        backend="embedded",
        duration_s=10,
        segments=[
            {"start": 0.0, "end": 4.0, "speaker": "A"},
            {"start": 1.0, "end": 1.5, "speaker": "B"},
            {"start": 3.6, "end": 8.0, "speaker": "B"},
        ],
    )
    overlaps = find_overlaps(diarization, 0.2)
    assert [(o.start, o.end, o.interrupter, o.interrupted) for o in overlaps] == [
        (1.0, 1.5, None, None),
        (3.6, 4.0, "B", "A"),
    ]


def _case(name: str, settings: Settings):
    path = bench.find_sample(name, ".flac")
    if path is None or bench.find_sample(name, ".rttm") is None:
        pytest.skip(f"sample {name} is not available")
    return load_audio(path), bench.Reference.from_rttm(bench.find_sample(name, ".rttm"))


@pytest.mark.slow
def test_overlaps_of_the_hard_clip_are_found_and_none_in_the_clean_dialogue(settings: Settings) -> None:
    audio, reference = _case("real_dev_hard", settings)
    diarization = diarize(audio, settings)
    scores = bench.overlap_scores(reference, find_overlaps(diarization, settings.align.min_overlap_s))
    assert scores["ref_overlaps"] == 7
    assert scores["overlap_recall"] >= 0.7 and scores["overlap_precision"] >= 0.7
    assert scores["interruptions"] >= 4
    without = settings.model_copy(deep=True)
    without.diarization.overlap.enabled = False
    plain = diarize(audio, without)
    assert find_overlaps(plain, 0.0) == []
    assert bench.der(reference, diarization) < bench.der(reference, plain)

    audio, reference = _case("real_dev_dialogue", settings)
    probability = overlap_probability(
        audio.samples,
        settings.diarization.overlap,
        settings.resolve(settings.diarization.overlap.model_path),
        FRAME_S,
        round(audio.duration_s / FRAME_S),
    )
    assert probability is not None and probability.max() < settings.diarization.overlap.threshold
    assert find_overlaps(diarize(audio, settings), 0.0) == []


def test_screening_keeps_every_overlap_decision_of_the_hard_clip(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No frame changes side of the threshold; windows are saved, most where no one overlaps."""
    config = settings.diarization.overlap
    assert config.screen_threshold is not None  # the default screens
    session = _CountingSession(overlap.load_segmentation(settings.resolve(config.model_path), config.threads))
    monkeypatch.setattr(overlap, "load_segmentation", lambda path, threads: session)
    hard, _ = _case("real_dev_hard", settings)
    clean, _ = _case("real_dev_dialogue", settings)
    results, windows = [], []
    for audio, screen in itertools.product((hard, clean), (None, config.screen_threshold)):
        session.windows = 0
        result = overlap_probability(
            audio.samples,
            config.model_copy(update={"screen_threshold": screen}),
            settings.resolve(config.model_path),
            FRAME_S,
            round(audio.duration_s / FRAME_S),
        )
        assert result is not None
        results.append(result > config.threshold)
        windows.append(session.windows)
    full, screened = results[:2]
    assert (full == screened).all() and full.sum() > 50  # the hard clip has overlaps, all kept
    assert (results[2] == results[3]).all()
    assert windows[1] < windows[0] and windows[3] < 0.5 * windows[2], windows


class _CountingSession:
    """The real onnxruntime session, counting the windows it scores."""

    def __init__(self, session: object) -> None:
        self.session = session
        self.windows = 0

    def run(self, names: object, feeds: dict[str, np.ndarray]) -> object:
        self.windows += len(feeds["waveform"])
        return self.session.run(names, feeds)


def test_missing_segmentation_model_logs_one_line_and_still_diarises(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a = load_audio(FIXTURES / "nathalie_clean.flac")
    b = load_audio(FIXTURES / "flemish_clean.flac")
    audio = replace(a, samples=np.concatenate([a.samples, np.zeros(8000, np.float32), b.samples]))
    missing = settings.model_copy(deep=True)
    missing.diarization.overlap.model_path = tmp_path / "absent.onnx"
    with caplog.at_level(logging.WARNING, logger="pipeline.diarize.overlap"):
        result = diarize(audio, missing)
    assert len({seg.speaker for seg in result.segments}) == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "overlap detection is off" in warnings[0] and "diarization.overlap.enabled" in warnings[0]


@pytest.mark.slow
def test_overlaps_reach_transcript_rttm_eaf_and_analysis(settings: Settings, tmp_path: Path) -> None:
    from pipeline.analysis import analyse
    from pipeline.formats.conversation_files import write_conversation_files

    audio, reference = _case("real_dev_hard", settings)
    diarization = diarize(audio, settings)
    ids = sorted({seg.speaker for seg in diarization.segments})
    # One word per reference utterance stands in for ASR: only who speaks when matters here.
    words = [Word(start=start, end=end, text="ja.", probability=1.0) for start, end, _ in reference.segments]
    transcript = Transcript(
        model={"name": "reference", "sha256": "0" * 64},
        duration_s=audio.duration_s,
        segments=[Segment(start=w.start, end=w.end, text=w.text, words=[w]) for w in words],
    )
    roles = RoleAssignment(
        speakers=[
            Speaker(id=ids[0], role="klantmanager", label="klantmanager"),
            Speaker(id=ids[1], role="client", label="client"),
        ],
        method="test",
    )
    conversation = align(transcript, diarization, roles, settings)
    assert any(o.interrupter for o in conversation.overlaps)
    paths = write_conversation_files(conversation, diarization, roles, tmp_path, "real_dev_hard")
    rttm = [line.split() for line in (tmp_path / "diarization.rttm").read_text().splitlines()]
    spans = sorted((float(p[3]), float(p[3]) + float(p[4])) for p in rttm)
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans)), "RTTM has no overlapping lines"
    eaf = (tmp_path / "transcript.eaf").read_text(encoding="utf-8")
    assert 'TIER_ID="overlap"' in eaf and "onderbreekt" in eaf
    assert '"interrupter"' in paths[0].read_text(encoding="utf-8")
    analysis = analyse(conversation, settings)
    interruptions = [e for e in analysis.events if e.type == "interruption"]
    assert len(interruptions) == sum(1 for o in conversation.overlaps if o.interrupter)
    assert {e.speaker_role for e in interruptions} <= {"klantmanager", "client"}
    roles_metrics = analysis.metrics["roles"]
    made = sum(roles_metrics[role]["interruptions_made"] for role in ("klantmanager", "client"))
    assert made == len(interruptions) == analysis.metrics["overlaps"]["interruptions"]
