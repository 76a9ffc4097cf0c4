"""One decode of a recording per process, shared by the stages that need samples (ASR, diarisation)."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from pipeline.audio.decode import Audio, load_audio

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cached(path: Path, sha256: str) -> Audio:
    del sha256  # part of the memo key: a replaced file with the same name is decoded again
    return load_audio(path)


def shared_audio(path: Path, sha256: str) -> Audio:
    """The decoded media, decoded once even when ASR and diarisation start together."""
    with _lock:
        return _cached(path, sha256)
