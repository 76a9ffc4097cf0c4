"""Speech regions from the Silero VAD that ships inside the faster-whisper wheel.

faster-whisper runs ``assets/silero_vad_v6.onnx`` with onnxruntime and
no torch, so reusing its VAD adds no model and no dependency.
"""

from __future__ import annotations

import numpy as np

from pipeline.settings.diarize import VadSettings

SILERO_WINDOW = 512  # samples per VAD decision at 16 kHz (faster-whisper's window size)


def speech_regions(samples: np.ndarray, vad: VadSettings, sample_rate: int = 16_000) -> list[tuple[int, int]]:
    """``(start_sample, end_sample)`` of each speech region, in time order.

    The recording goes to the VAD ``vad.chunk_s`` at a time (whole windows, so the decisions
    keep their grid); a region that reaches a chunk's end and one that starts the next chunk
    there are one region. Recordings shorter than a chunk are one call, as before.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=vad.threshold,
        min_speech_duration_ms=vad.min_speech_ms,
        min_silence_duration_ms=vad.min_silence_ms,
        speech_pad_ms=vad.speech_pad_ms,
    )
    chunk = max(SILERO_WINDOW, round(vad.chunk_s * sample_rate) // SILERO_WINDOW * SILERO_WINDOW)
    regions: list[tuple[int, int]] = []
    for offset in range(0, len(samples), chunk):
        part = samples[offset : offset + chunk]
        found = get_speech_timestamps(part, vad_options=options, sampling_rate=sample_rate)
        for i, item in enumerate(found):
            start, end = offset + int(item["start"]), offset + min(int(item["end"]), len(part))
            if i == 0 and regions and regions[-1][1] >= start:
                regions[-1] = (regions[-1][0], end)  # cut by the chunk edge
            else:
                regions.append((start, end))
    return regions
