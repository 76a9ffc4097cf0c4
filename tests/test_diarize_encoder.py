"""The numpy d-vector encoder reproduces resemblyzer + torch + librosa to ~1e-5.

Reference vectors were made once with the real implementation by
tests/fixtures/diarize/make_reference_vectors.py on three committed CC0 snippets.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize.mel import mel_frames, volume_gain
from pipeline.diarize.torch_pickle import UnsafeCheckpointError, load_legacy_checkpoint
from pipeline.diarize.voice_encoder import load_voice_encoder

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"
SNIPPETS = ["nathalie_clean", "flemish_clean", "hard_noisy"]
PARTIAL_FRAMES = 160  # resemblyzer's 1.6 s partial utterances


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(FIXTURES / "resemblyzer_reference.npz") as data:
        return dict(data)


def _snippet(name: str, reference: dict[str, np.ndarray]) -> np.ndarray:
    wav = load_audio(FIXTURES / f"{name}.flac").samples
    # Same decoded samples as the reference saw, or the comparison means nothing.
    assert hashlib.sha256(wav.tobytes()).digest() == reference[f"{name}/sha256"].tobytes()
    return (wav * volume_gain(wav, -30.0)).astype(np.float32)


@pytest.mark.parametrize("name", SNIPPETS)
def test_mel_frames_match_librosa(name: str, reference: dict[str, np.ndarray]) -> None:
    ours = mel_frames(_snippet(name, reference))
    theirs = reference[f"{name}/mel"]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6 * float(theirs.max()))


@pytest.mark.parametrize("name", SNIPPETS)
def test_embeddings_match_torch(name: str, reference: dict[str, np.ndarray]) -> None:
    wav = _snippet(name, reference)
    starts = reference[f"{name}/partial_starts"]
    needed = (int(starts[-1]) + PARTIAL_FRAMES) * 160
    wav = np.pad(wav, (0, max(0, needed - len(wav))))  # resemblyzer zero-pads the last partial
    mel = mel_frames(wav)
    batch = np.stack([mel[start : start + PARTIAL_FRAMES] for start in starts])
    partials = load_voice_encoder().embed(batch)
    np.testing.assert_allclose(partials, reference[f"{name}/partials"], atol=1e-5)
    utterance = partials.mean(axis=0)
    utterance /= np.linalg.norm(utterance)
    np.testing.assert_allclose(utterance, reference[f"{name}/embedding"], atol=1e-5)


def test_parallel_batches_give_the_same_vectors_in_order(reference: dict[str, np.ndarray]) -> None:
    """Workers change only the speed: every batch is computed as alone, and comes back in order."""
    mel = mel_frames(_snippet("nathalie_clean", reference))
    starts = range(0, len(mel) - 75, 7)
    batches = [np.stack([mel[s : s + 75] for s in starts][i : i + 5]) for i in range(0, len(starts), 5)]
    encoder = load_voice_encoder()
    alone = [encoder.embed(batch) for batch in batches]
    for workers in (1, 2, 3):
        side_by_side = list(encoder.embed_batches(iter(batches), workers=workers))
        assert len(side_by_side) == len(alone)
        assert all(np.array_equal(a, b) for a, b in zip(alone, side_by_side, strict=True))


def test_voices_are_told_apart(reference: dict[str, np.ndarray]) -> None:
    """Sanity of the fixture itself: the two clean voices differ more than a voice from itself."""
    a, b = reference["nathalie_clean/embedding"], reference["flemish_clean/embedding"]
    assert float(a @ b) < 0.9


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_checkpoint_reader_refuses_foreign_globals(tmp_path: Path) -> None:
    path = tmp_path / "evil.pt"
    with open(path, "wb") as handle:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, handle, protocol=2)
        pickle.dump({"model_state": _Evil()}, handle, protocol=2)
    with pytest.raises(UnsafeCheckpointError, match=r"\.print, which is not allowed"):
        load_legacy_checkpoint(path)
