"""Real Dutch transcription with the shipped faster-whisper-base model, offline."""

from __future__ import annotations

import jiwer
import pytest
from shared_asr import ground_truth, normalise, transcript_of

from pipeline.errors import ModelMissingError
from pipeline.settings import load_settings
from pipeline.transcribe import resolve_model

# Thresholds sit just above what was measured (see README "Measured"): a
# regression in decoding settings or model assembly makes these fail.
SAMPLES = {
    # 21.6% before the skipped stretches were decoded again (pipeline/transcribe/gaps.py), 19.0% since
    "real_dev_dialogue.flac": {"max_wer": 0.22},
    # 13.0% with the packages of the first release; 17.4% with those resolved on 2026-12-01
    # (pinned in pyproject.toml); 11.4% since the skipped stretches are decoded again
    "gesprek_tts.flac": {"max_wer": 0.13},
}
START_TOLERANCE_S = 0.5
# Share of ground-truth utterances whose start has an ASR word within the tolerance.
MIN_STARTS_MATCHED = 0.98  # 53 of 53 on the TTS sample since the gap recovery (50 of 53 before)


def _wer(name: str) -> float:
    truth = " ".join(u["text"] for u in ground_truth(name)["utterances"])
    hypothesis = " ".join(s.text for s in transcript_of(name).segments)
    return jiwer.wer(normalise(truth), normalise(hypothesis))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_wer_within_threshold(name: str) -> None:
    wer = _wer(name)
    print(f"{name}: WER {wer:.3f}")
    assert wer <= SAMPLES[name]["max_wer"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_utterance_starts_match_ground_truth(name: str) -> None:
    words = transcript_of(name).words()
    assert words and all(w.end >= w.start for w in words)
    misses = []
    for utterance in ground_truth(name)["utterances"]:
        nearest = min(abs(w.start - utterance["start"]) for w in words)
        if nearest > START_TOLERANCE_S:
            misses.append((utterance["start"], round(nearest, 2)))
    utterances = len(ground_truth(name)["utterances"])
    print(f"{name}: {len(misses)}/{utterances} utterance starts off by > {START_TOLERANCE_S}s: {misses}")
    assert 1 - len(misses) / utterances >= MIN_STARTS_MATCHED, misses


@pytest.mark.slow
def test_transcript_words_are_typed_and_probable() -> None:
    transcript = transcript_of("real_dev_dialogue.flac")
    assert transcript.model.name == "faster-whisper-base"
    assert len(transcript.model.sha256) == 64
    words = transcript.words()
    assert all(0.0 <= w.probability <= 1.0 for w in words)
    assert transcript.duration_s == pytest.approx(
        ground_truth("real_dev_dialogue.flac")["duration_s"], abs=0.05
    )


def test_missing_model_directory_is_a_clear_error(tmp_path) -> None:
    settings = load_settings(environ={"KIJKWIJZER_ASR__MODEL_DIR": str(tmp_path / "absent")})
    with pytest.raises(ModelMissingError, match="not a CTranslate2 Whisper model directory"):
        resolve_model(settings)


def test_wrong_hash_of_default_model_is_a_clear_error(tmp_path) -> None:
    settings = load_settings(
        environ={"KIJKWIJZER_ASR__CACHE_DIR": str(tmp_path), "KIJKWIJZER_ASR__DEFAULT_MODEL_SHA256": "0" * 64}
    )
    with pytest.raises(ModelMissingError, match="expected 0000"):
        resolve_model(settings)


def test_damaged_cache_is_reassembled_and_verified(tmp_path) -> None:
    settings = load_settings(environ={"KIJKWIJZER_ASR__CACHE_DIR": str(tmp_path)})
    damaged = tmp_path / "faster-whisper-base" / "model.bin"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not a model")
    resolved = resolve_model(settings)
    assert resolved.identity.sha256 == settings.asr.default_model_sha256
    assert damaged.stat().st_size > 100_000_000
    assert damaged.stat().st_mode & 0o077 == 0
