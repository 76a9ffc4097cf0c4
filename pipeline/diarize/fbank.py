"""Kaldi-style log mel filterbank features in numpy, as the CAM++ speaker encoder was trained on.

The same computation as ``torchaudio.compliance.kaldi.fbank`` with 80 bins and
no dither (25 ms Povey windows every 10 ms, DC removal, pre-emphasis 0.97,
512-point power spectrum, mel filters from 20 Hz to Nyquist), so the encoder
needs no torch at run time; a test compares the two where torchaudio exists.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

RATE = 16_000
FRAME = 400  # 25 ms
SHIFT = 160  # 10 ms
FFT = 512
BINS = 80
LOW_HZ = 20.0
INT16_SCALE = 32768.0  # Kaldi reads 16-bit samples as integers; the encoder expects that scale


def _mel(hz: np.ndarray | float) -> np.ndarray:
    return 1127.0 * np.log(1.0 + np.asarray(hz) / 700.0)


@lru_cache(maxsize=1)
def _filters() -> np.ndarray:
    """Triangular mel filters ``(FFT // 2, BINS)`` over the power spectrum's bins below Nyquist."""
    low, high = _mel(LOW_HZ), _mel(RATE / 2)
    delta = (high - low) / (BINS + 1)
    left = low + delta * np.arange(BINS)
    centre, right = left + delta, left + 2 * delta
    mel = _mel(np.arange(FFT // 2) * RATE / FFT)[:, np.newaxis]
    up = (mel - left) / (centre - left)
    down = (right - mel) / (right - centre)
    return np.maximum(0.0, np.minimum(up, down)).astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    n = np.arange(FRAME)
    return ((0.5 - 0.5 * np.cos(2 * np.pi * n / (FRAME - 1))) ** 0.85).astype(np.float32)


def fbank(samples: np.ndarray) -> np.ndarray:
    """Log mel energies ``(frames, 80)`` of 16 kHz float samples in [-1, 1]; no frames if under 25 ms."""
    count = 1 + (len(samples) - FRAME) // SHIFT if len(samples) >= FRAME else 0
    if count == 0:
        return np.zeros((0, BINS), np.float32)
    scaled = samples.astype(np.float32) * INT16_SCALE
    index = np.arange(FRAME)[np.newaxis, :] + SHIFT * np.arange(count)[:, np.newaxis]
    frames = scaled[index]
    frames = frames - frames.mean(axis=1, keepdims=True)
    frames = np.concatenate([frames[:, :1] * 0.03, frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    power = np.abs(np.fft.rfft(frames * _window(), n=FFT, axis=1)[:, : FFT // 2]) ** 2
    energies = power.astype(np.float32) @ _filters()
    return np.log(np.maximum(energies, np.finfo(np.float32).eps))
