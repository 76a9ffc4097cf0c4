"""Mel power spectrogram exactly as resemblyzer computes it, in numpy.

resemblyzer calls ``librosa.feature.melspectrogram`` (25 ms periodic Hann
window, 10 ms hop, centred frames with zero padding, power 2, 40 Slaney-style
mel bands normalised to constant area). librosa is a large dependency for one
filterbank, so the same arithmetic is reproduced here; the reference test in
``tests/test_diarize_encoder.py`` checks the result against librosa's output.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40

# Slaney's auditory-toolbox mel scale: linear below 1 kHz, logarithmic above.
_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(hz: float) -> float:
    if hz >= _MIN_LOG_HZ:
        return _MIN_LOG_MEL + float(np.log(hz / _MIN_LOG_HZ)) / _LOG_STEP
    return hz / _F_SP


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    hz = _F_SP * mels
    log_part = mels >= _MIN_LOG_MEL
    hz[log_part] = _MIN_LOG_HZ * np.exp(_LOG_STEP * (mels[log_part] - _MIN_LOG_MEL))
    return hz


@lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """The (n_mels, n_fft // 2 + 1) float32 filterbank librosa builds for these settings."""
    fft_freqs = np.fft.rfftfreq(N_FFT, d=1.0 / SAMPLE_RATE)
    mel_edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    widths = np.diff(mel_edges)
    ramps = np.subtract.outer(mel_edges, fft_freqs)
    weights = np.zeros((N_MELS, len(fft_freqs)), dtype=np.float32)
    for band in range(N_MELS):
        lower = -ramps[band] / widths[band]
        upper = ramps[band + 2] / widths[band + 1]
        weights[band] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_edges[2 : N_MELS + 2] - mel_edges[:N_MELS]))[:, np.newaxis]
    return weights


@lru_cache(maxsize=1)
def _hann() -> np.ndarray:
    # Periodic Hann (scipy's get_window(..., fftbins=True)), as librosa uses.
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)


def mel_frames(wav: np.ndarray, block: int = 6000) -> np.ndarray:
    """(n_frames, 40) float32 mel power frames of 16 kHz audio; frame k is centred on sample 160 k.

    Frames are transformed ``block`` at a time, each block from its own zero-padded slice of the
    samples, so an hour of audio (230 MB of float32) is never copied whole nor holds its whole
    complex spectrum in memory.
    """
    wav = np.asarray(wav, dtype=np.float32)
    half = N_FFT // 2
    n_frames = 1 + len(wav) // HOP
    out = np.empty((n_frames, N_MELS), np.float32)
    for first in range(0, n_frames, block):
        count = min(block, n_frames - first)
        low, high = first * HOP - half, (first + count - 1) * HOP + half
        piece = np.pad(wav[max(low, 0) : min(high, len(wav))], (max(-low, 0), max(high - len(wav), 0)))
        frames = np.lib.stride_tricks.sliding_window_view(piece, N_FFT)[::HOP][:count]
        spectrum = np.fft.rfft(frames * _hann(), axis=-1)
        power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
        out[first : first + count] = power @ mel_filterbank().T
    return out


def volume_gain(wav: np.ndarray, target_dbfs: float = -30.0, chunk: int = 1 << 20) -> float:
    """The factor that raises (never lowers) the level to ``target_dbfs`` RMS, as resemblyzer's
    preprocessing does; 1.0 when the recording is at least that loud.

    The encoder takes linear mel power, so its input scale follows the recording level. The
    mean square is summed in float64 a chunk at a time: an hour in float64 at once is 460 MB.
    """
    if not len(wav):
        return 1.0
    squares = sum(
        float(np.dot(part, part))
        for part in (np.asarray(wav[i : i + chunk], dtype=np.float64) for i in range(0, len(wav), chunk))
    )
    rms = float(np.sqrt(squares / len(wav)))
    if rms == 0.0:
        return 1.0
    change_db = target_dbfs - 20 * np.log10(rms)
    return 1.0 if change_db < 0 else float(10 ** (change_db / 20))
