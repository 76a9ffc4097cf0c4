"""resemblyzer's d-vector speaker encoder, run in numpy.

The encoder is a 3-layer LSTM (256 units) over 40-band mel frames, followed by
a linear layer, ReLU and L2 normalisation (Wan et al., GE2E). Its weights ship
in the resemblyzer wheel (Apache-2.0) as a legacy torch checkpoint; installing
resemblyzer with ``--no-deps`` gives us the file without torch, librosa or
webrtcvad, and :mod:`pipeline.diarize.torch_pickle` reads it safely. The wheel
is located with ``importlib`` and never imported, since its modules import torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

from pipeline.diarize.torch_pickle import UnsafeCheckpointError, load_legacy_checkpoint
from pipeline.errors import ModelMissingError

_INSTALL_HINT = "run `make setup`; it installs resemblyzer==0.1.4 with --no-deps"
_LAYERS = 3


def default_weights_path() -> Path:
    """Where the resemblyzer wheel put ``pretrained.pt``."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            f"speaker encoder weights (package resemblyzer) are not installed: {_INSTALL_HINT}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


@dataclass(frozen=True)
class VoiceEncoder:
    """LSTM weights as float32 numpy arrays, plus an identity for caches and profiles.

    The rows of the sigmoid gates in ``w_ih``, ``w_hh`` and ``bias`` are stored
    halved, which lets one ``tanh`` per step compute all four gates.
    """

    w_ih: tuple[np.ndarray, ...]
    w_hh: tuple[np.ndarray, ...]
    bias: tuple[np.ndarray, ...]
    linear_w: np.ndarray
    linear_b: np.ndarray
    sha256: str

    @property
    def name(self) -> str:
        """Identity stored with voice profiles, so profiles from another encoder are never compared."""
        return f"resemblyzer-dvector:{self.sha256[:16]}"

    def embed(self, mels: np.ndarray, threads: int = 1) -> np.ndarray:
        """Embed a batch ``(batch, frames, 40)`` of equal-length mel windows to ``(batch, 256)``.

        Gates follow torch's LSTM order (input, forget, cell, output); the
        input projection of all frames is one matrix product per layer. The
        recurrent products are small, so BLAS runs with ``threads`` threads:
        more threads than cores made them 10x slower on a busy 2-core machine.
        """
        (vectors,) = self.embed_batches(iter([mels]), threads)  # ends the generator: BLAS limit restored
        return vectors

    def embed_batches(
        self, batches: Iterator[np.ndarray], threads: int = 1, workers: int = 1
    ) -> Iterator[np.ndarray]:
        """:meth:`embed` for each batch, in order, ``workers`` batches at a time in parallel.

        Why workers and not BLAS threads: the products are small, so two BLAS threads on one
        batch spend their time waiting on each other, while two batches in two threads keep
        two cores busy (numpy releases the GIL in the products and the gate arithmetic). The
        worker threads inherit the calling thread's priority, so a niced diariser stays niced.
        Each batch is computed exactly as alone, so the vectors do not depend on ``workers``.
        """
        with _blas_controller().limit(limits=threads, user_api="blas"):
            if workers <= 1:
                for mels in batches:
                    yield self._forward(np.asarray(mels, dtype=np.float32))
                return
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voice-encoder") as pool:
                while group := list(islice(batches, workers)):  # bounded: at most `workers` in memory
                    yield from pool.map(self._forward, [np.asarray(m, dtype=np.float32) for m in group])

    def _forward(self, x: np.ndarray) -> np.ndarray:
        batch, frames, _ = x.shape
        hidden = self.w_hh[0].shape[1]
        layer_input = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major: one step is contiguous
        h = np.zeros((batch, hidden), np.float32)
        gates = np.empty((batch, 4 * hidden), np.float32)
        for layer in range(_LAYERS):
            projected = layer_input @ self.w_ih[layer].T + self.bias[layer]
            w_hh_t = np.ascontiguousarray(self.w_hh[layer].T)
            h = np.zeros((batch, hidden), np.float32)
            c = np.zeros((batch, hidden), np.float32)
            outputs = np.empty((frames, batch, hidden), np.float32)
            for t in range(frames):
                np.matmul(h, w_hh_t, out=gates)
                gates += projected[t]
                # Rows of the sigmoid gates are pre-halved (see _halve_sigmoid_rows), so one
                # tanh serves all four gates: sigmoid(x) = (tanh(x / 2) + 1) / 2.
                np.tanh(gates, out=gates)
                sig_if, g, o = (
                    gates[:, : 2 * hidden],
                    gates[:, 2 * hidden : 3 * hidden],
                    gates[:, 3 * hidden :],
                )
                sig_if *= 0.5
                sig_if += 0.5
                o *= 0.5
                o += 0.5
                c *= sig_if[:, hidden:]
                c += sig_if[:, :hidden] * g
                h = o * np.tanh(c)
                outputs[t] = h
            layer_input = outputs
        raw = np.maximum(h @ self.linear_w.T + self.linear_b, 0.0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norms, 1e-12)


@cache
def _blas_controller() -> ThreadpoolController:
    """The process's BLAS libraries, found once.

    ``threadpool_limits`` scans every loaded library again on each call (about 11 ms, read
    from ``/proc``): 42 calls were 4% of the diariser's CPU on five minutes of talk.
    numpy's BLAS, the one the encoder multiplies with, is loaded before the first call.
    """
    return ThreadpoolController()


def _halve_sigmoid_rows(weights: np.ndarray) -> np.ndarray:
    """Scale the input, forget and output gate rows by 1/2 (exact in floating point)."""
    hidden = weights.shape[0] // 4
    scaled = weights.astype(np.float32, copy=True)
    scaled[: 2 * hidden] *= 0.5
    scaled[3 * hidden :] *= 0.5
    return scaled


@lru_cache(maxsize=2)
def load_voice_encoder(path: Path | None = None) -> VoiceEncoder:
    """Load (once per process) the encoder from ``path`` or the installed resemblyzer wheel."""
    path = path or default_weights_path()
    if not path.is_file():
        raise ModelMissingError(f"{path}: speaker encoder weights are missing ({_INSTALL_HINT})")
    try:
        state = load_legacy_checkpoint(path)["model_state"]
        return VoiceEncoder(
            w_ih=tuple(_halve_sigmoid_rows(state[f"lstm.weight_ih_l{n}"]) for n in range(_LAYERS)),
            w_hh=tuple(_halve_sigmoid_rows(state[f"lstm.weight_hh_l{n}"]) for n in range(_LAYERS)),
            bias=tuple(
                _halve_sigmoid_rows(state[f"lstm.bias_ih_l{n}"] + state[f"lstm.bias_hh_l{n}"])
                for n in range(_LAYERS)
            ),
            linear_w=state["linear.weight"],
            linear_b=state["linear.bias"],
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        )
    except (UnsafeCheckpointError, KeyError, TypeError, EOFError, ValueError) as exc:
        raise ModelMissingError(
            f"{path}: not a usable resemblyzer checkpoint: {exc} ({_INSTALL_HINT})"
        ) from exc
