"""Consistency checks for the committed sample media in ``sample_media/``.

Why: every end-to-end test and benchmark scores the pipeline against these ground-truth files.
If a regenerated sample drifted from its JSON/RTTM (different duration, a phenomenon lost while
rephrasing a sentence, labels that contradict each other), detectors would be tuned against
wrong answers. These checks are fast (no ASR, no TTS) and need only ``av`` and numpy.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from pipeline.analysis.labelled import BOOL_LABELS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sample_media"))
from make_tts_sample import REQUIRED_MOMENTS

SAMPLE = Path(__file__).resolve().parents[1] / "sample_media"
SHARED_REAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_dev"
TTS = "gesprek_tts"
REAL = ("real_dev_dialogue", "real_dev_hard")
ROLES = {"klantmanager", "client"}
VOICES = {"klantmanager": "mb-nl3", "client": "mb-nl2"}
LABEL_KEYS = {*BOOL_LABELS, "form", "focus", "self_answer"}
BOOL_KEYS = LABEL_KEYS - {"form", "focus"}
MOMENT_TYPES = set(REQUIRED_MOMENTS)  # the generator's own list of what the sample must show
EPS = 0.0015  # JSON/RTTM times are rounded to the millisecond


@cache
def truth(stem: str) -> dict[str, Any]:
    """Parsed ground-truth JSON of one sample."""
    return json.loads((SAMPLE / f"{stem}.json").read_text(encoding="utf-8"))


def first_channel(frame: av.AudioFrame) -> np.ndarray:
    """The first channel of a decoded frame, whether its sample format is planar or packed."""
    arr = frame.to_ndarray()
    if frame.format.is_planar:
        return arr[0]
    return arr.reshape(-1, frame.layout.nb_channels)[:, 0]


@cache
def decoded(path: Path) -> tuple[np.ndarray, int]:
    """All samples of the first audio stream (first channel) and the sample rate, via PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        chunks = [first_channel(frame) for frame in container.decode(stream)]
    samples = np.concatenate(chunks)
    if np.issubdtype(samples.dtype, np.integer):  # FLAC decodes to s16, AAC to float
        return samples.astype(np.float64) / -np.iinfo(samples.dtype).min, rate
    return samples.astype(np.float64), rate


def sentences(stem: str) -> list[tuple[int, dict[str, Any]]]:
    """(turn index, sentence) pairs in conversation order."""
    return [(i, s) for i, u in enumerate(truth(stem)["utterances"]) for s in u["sentences"]]


def read_rttm(stem: str) -> list[tuple[str, float, float, str]]:
    """(file id, start, duration, speaker) per RTTM line."""
    rows = []
    for line in (SAMPLE / f"{stem}.rttm").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        assert fields[0] == "SPEAKER" and len(fields) == 10, line
        rows.append((fields[1], float(fields[3]), float(fields[4]), fields[7]))
    return rows


# --- the synthetic conversation ---------------------------------------------------------


def test_tts_files_exist() -> None:
    for suffix in (".flac", ".mp4", ".json", ".rttm"):
        assert (SAMPLE / f"{TTS}{suffix}").is_file(), suffix
    assert (SAMPLE / "make_tts_sample.py").is_file()


def test_tts_top_level_shape() -> None:
    data = truth(TTS)
    assert isinstance(data["source"], str) and data["source"]
    assert isinstance(data["duration_s"], float)
    assert 180.0 <= data["duration_s"] <= 300.0, "sample should last 3-5 minutes"
    assert data["utterances"] and data["moments"]


def test_tts_times_monotonic_and_inside_duration() -> None:
    data = truth(TTS)
    duration = data["duration_s"]
    prev_end = 0.0
    for u in data["utterances"]:
        assert u["speaker"] == u["role"] and u["role"] in ROLES
        assert u["voice"] == VOICES[u["role"]]
        sents = u["sentences"]
        assert sents
        assert u["start"] == sents[0]["start"] and u["end"] == sents[-1]["end"]
        assert u["text"] == " ".join(s["text"] for s in sents)
        assert u["start"] >= prev_end, "turns must not overlap"
        for s in sents:
            assert prev_end <= s["start"] < s["end"] <= duration
            prev_end = s["end"]
    assert prev_end <= duration


def test_tts_turns_alternate_with_scripted_silences() -> None:
    """Turn gaps 0.5-1.4 s, sentence gaps 0.25-0.45 s, self-answer gaps < 0.6 s."""
    utts = truth(TTS)["utterances"]
    for a, b in pairwise(utts):
        assert a["role"] != b["role"]
        assert 0.5 - EPS <= b["start"] - a["end"] <= 1.4 + EPS
    for u in utts:
        for a, b in pairwise(u["sentences"]):
            gap = b["start"] - a["end"]
            if b["labels"]["self_answer"]:
                assert gap < 0.6
            else:
                assert 0.25 - EPS <= gap <= 0.45 + EPS


def test_tts_labels_complete_and_consistent() -> None:
    for _, s in sentences(TTS):
        labels = s["labels"]
        assert set(labels) == LABEL_KEYS, s["text"]
        for key in BOOL_KEYS:
            assert isinstance(labels[key], bool), (key, s["text"])
        if labels["question"]:
            assert labels["form"] in ("open", "closed")
            assert labels["focus"] in ("feeling", "fact", "other"), s["text"]
        else:
            assert labels["form"] is None and labels["focus"] is None
            assert not labels["stacked"] and not labels["self_answered"]
        assert isinstance(s.get("tags", []), list)


def test_tts_stacked_matches_its_definition() -> None:
    """Stacked == part of a run of >= 2 questions by one role before the other role speaks."""
    for u in truth(TTS)["utterances"]:
        n_questions = sum(s["labels"]["question"] for s in u["sentences"])
        for s in u["sentences"]:
            assert s["labels"]["stacked"] == (s["labels"]["question"] and n_questions >= 2)


def test_tts_self_answers_pair_with_their_questions() -> None:
    pairs = list(pairwise(sentences(TTS)))
    n = 0
    for (ti, q), (tj, a) in pairs:
        if q["labels"]["self_answered"]:
            assert ti == tj and a["labels"]["self_answer"] and not a["labels"]["question"]
            assert a["start"] - q["end"] < 0.6
            n += 1
        if a["labels"]["self_answer"]:
            assert q["labels"]["self_answered"]
    assert n >= 2
    for _, s in sentences(TTS):
        if s["labels"]["self_answered"]:
            assert s["labels"]["question"]


@pytest.mark.parametrize("tag", ["why_explanation", "reassurance"])
def test_tts_hard_negatives_follow_a_question_that_is_not_self_answered(tag: str) -> None:
    found = [
        (q, a)
        for (ti, q), (tj, a) in pairwise(sentences(TTS))
        if tag in a.get("tags", []) and ti == tj and q["labels"]["question"]
    ]
    assert found, tag
    for q, a in found:
        assert not q["labels"]["self_answered"] and not a["labels"]["self_answer"]


def test_tts_required_moments_present() -> None:
    data = truth(TTS)
    kinds = [m["type"] for m in data["moments"]]
    assert set(kinds) <= MOMENT_TYPES
    for kind, need in REQUIRED_MOMENTS.items():
        assert kinds.count(kind) >= need, kind
    for m in data["moments"]:
        assert 0.0 <= m["start"] < m["end"] <= data["duration_s"]
        assert m["text"]


def test_tts_moments_match_labels_and_sentence_boundaries() -> None:
    """Every labelled sentence lies in a moment of its type, and moments start/end on sentences."""
    data = truth(TTS)
    starts = {s["start"] for _, s in sentences(TTS)}
    ends = {s["end"] for _, s in sentences(TTS)}
    for m in data["moments"]:
        assert m["start"] in starts and m["end"] in ends, m
    label_moments = MOMENT_TYPES - {"monologue", "ping_pong"}
    for _, s in sentences(TTS):
        for kind in label_moments:
            if s["labels"][kind]:
                assert any(
                    m["type"] == kind and m["start"] <= s["start"] and s["end"] <= m["end"]
                    for m in data["moments"]
                ), (kind, s["text"])


def test_tts_phenomena_placement() -> None:
    """Agenda and goal in the first minute, feedback request at the end, roles as defined."""
    data = truth(TTS)
    moments = data["moments"]
    for kind in ("agenda", "goal"):
        assert any(m["type"] == kind and m["end"] <= 60.0 for m in moments), kind
    feedback = [m for m in moments if m["type"] == "feedback_request"]
    assert feedback[-1]["start"] >= 0.8 * data["duration_s"]
    for u in data["utterances"]:
        for s in u["sentences"]:
            labels = s["labels"]
            if labels["emotion"] or labels["resistance"]:
                assert u["role"] == "client", s["text"]
            if labels["summary"] or labels["advice"] or labels["question"]:
                assert u["role"] == "klantmanager", s["text"]


def test_tts_monologue_and_ping_pong() -> None:
    data = truth(TTS)
    utts = data["utterances"]
    monologues = [m for m in data["moments"] if m["type"] == "monologue"]
    for m in monologues:
        assert m["end"] - m["start"] >= 35.0
        assert any(
            u["role"] == "klantmanager" and u["start"] == m["start"] and u["end"] == m["end"] for u in utts
        )
    for m in (m for m in data["moments"] if m["type"] == "ping_pong"):
        chain = [u for u in utts if m["start"] <= u["start"] and u["end"] <= m["end"]]
        assert len(chain) >= 6
        assert all(u["end"] - u["start"] <= 5.0 for u in chain)
        assert all(a["role"] != b["role"] for a, b in pairwise(chain))


def test_tts_summary_confirmed_and_feeling_question_with_long_answer() -> None:
    utts = truth(TTS)["utterances"]
    confirmed = [
        b
        for a, b in pairwise(utts)
        if any(s["labels"]["summary"] for s in a["sentences"]) and b["text"].startswith("Ja, precies")
    ]
    assert confirmed
    long_answers = [
        b
        for a, b in pairwise(utts)
        if a["sentences"][-1]["labels"]["form"] == "open"
        and a["sentences"][-1]["labels"]["focus"] == "feeling"
        and b["end"] - b["start"] >= 15.0
    ]
    assert long_answers


def test_tts_audio_is_silent_between_sentences_and_voiced_inside() -> None:
    """The times are exact: gaps are digital silence, every sentence carries speech energy."""
    audio, rate = decoded(SAMPLE / f"{TTS}.flac")
    spans = [(s["start"], s["end"]) for _, s in sentences(TTS)]
    bounds = [
        (0.0, spans[0][0]),
        *((a[1], b[0]) for a, b in pairwise(spans)),
        (spans[-1][1], truth(TTS)["duration_s"]),
    ]
    for lo, hi in bounds:
        gap = audio[int((lo + 0.002) * rate) : int((hi - 0.002) * rate)]
        assert gap.size == 0 or np.abs(gap).max() == 0.0, (lo, hi)
    for lo, hi in spans:
        seg = audio[int(lo * rate) : int(hi * rate)]
        assert np.sqrt(np.mean(seg**2)) > 0.01, (lo, hi)


# --- all samples -------------------------------------------------------------------------


@pytest.mark.parametrize("stem", [TTS, *REAL])
def test_rttm_matches_json(stem: str) -> None:
    utts = truth(stem)["utterances"]
    rows = read_rttm(stem)
    assert len(rows) == len(utts)
    for (file_id, start, dur, speaker), u in zip(rows, utts, strict=True):
        assert file_id == stem
        assert speaker == u.get("role", u["speaker"])
        assert abs(start - u["start"]) <= EPS
        assert abs(start + dur - u["end"]) <= EPS


@pytest.mark.parametrize("name", [f"{TTS}.flac", f"{TTS}.mp4", *(f"{s}.flac" for s in REAL)])
def test_audio_duration_matches_json(name: str) -> None:
    audio, rate = decoded(SAMPLE / name)
    duration = truth(Path(name).stem)["duration_s"]
    assert abs(audio.size / rate - duration) <= 0.05, (audio.size / rate, duration)


def test_tts_flac_is_16k_mono() -> None:
    with av.open(str(SAMPLE / f"{TTS}.flac")) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "flac"
        assert stream.codec_context.sample_rate == 16_000
        assert stream.codec_context.layout.nb_channels == 1


def test_tts_mp4_has_aac_audio_and_small_video() -> None:
    path = SAMPLE / f"{TTS}.mp4"
    with av.open(str(path)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        video = container.streams.video[0]
        assert video.codec_context.width <= 320 and video.codec_context.height <= 240
    assert path.stat().st_size < 5_000_000


@pytest.mark.parametrize("name", [f"{s}{ext}" for s in REAL for ext in (".flac", ".json", ".rttm")])
def test_real_dev_copies_are_unchanged(name: str) -> None:
    assert (SAMPLE / name).is_file()
    assert (SAMPLE / "LICENSE-real_dev.md").is_file()
    original = SHARED_REAL_DEV / name
    if not original.is_file():
        pytest.skip("shared/data/real_dev is not available here")
    digest = hashlib.sha256
    assert digest((SAMPLE / name).read_bytes()).digest() == digest(original.read_bytes()).digest()
