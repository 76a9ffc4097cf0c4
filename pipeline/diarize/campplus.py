"""CAM++ speaker embeddings (3D-Speaker, Apache-2.0) from an ONNX export, run with onnxruntime.

The resemblyzer d-vectors that cluster the recording cannot tell a quiet voice
from a similar main one: on the quiet-third set the job coach's centroid was
0.13 (1 - cosine) from the client's, and every coach utterance's nearest
neighbour was a client one. CAM++ put them 0.29 apart, with the coach's
utterances nearest to each other. It is used only as a second opinion on whole
speech pieces (:mod:`pipeline.diarize.hidden_voice`), where its cost (about
0.02 CPU-s per audio second) buys something.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.diarize.fbank import fbank

log = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def _session(path: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def load_campplus(path: Path, threads: int) -> Any:
    """The onnxruntime session, or None (with one warning) when the model file is missing."""
    if not path.is_file():
        log.warning(
            "hidden-voice search is off: speaker model %s is missing "
            "(restore it with `git checkout -- %s`, or set diarization.hidden_voice.enabled: false)",
            path,
            path,
        )
        return None
    return _session(path, threads)


def embed_pieces(session: Any, samples: np.ndarray, pieces: list[tuple[int, int]]) -> np.ndarray:
    """One L2-normalised embedding per ``(start, end)`` sample span, features mean-normalised per piece."""
    out = []
    for start, end in pieces:
        features = fbank(samples[start:end])
        features -= features.mean(axis=0, keepdims=True)
        vector = session.run(None, {"fbank": features[np.newaxis]})[0][0]
        out.append(vector / max(float(np.linalg.norm(vector)), 1e-12))
    return np.array(out, dtype=np.float32).reshape(len(pieces), -1)
