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

from pathlib import Path
from typing import Any

import numpy as np

from pipeline.diarize.fbank import fbank
from pipeline.diarize.onnx_session import load_session


def load_campplus(path: Path, threads: int) -> Any:
    """The onnxruntime session, or None (with one warning) when the model file is missing."""
    return load_session(path, threads, "hidden-voice search", "diarization.hidden_voice.enabled")


def embed_pieces(session: Any, samples: np.ndarray, pieces: list[tuple[int, int]]) -> np.ndarray:
    """One L2-normalised embedding per ``(start, end)`` sample span, features mean-normalised per piece."""
    out = []
    for start, end in pieces:
        features = fbank(samples[start:end])
        features -= features.mean(axis=0, keepdims=True)
        vector = session.run(None, {"fbank": features[np.newaxis]})[0][0]
        out.append(vector / max(float(np.linalg.norm(vector)), 1e-12))
    return np.array(out, dtype=np.float32).reshape(len(pieces), -1)
