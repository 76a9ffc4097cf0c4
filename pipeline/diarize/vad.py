"""Speech regions from the Silero VAD that ships inside the faster-whisper wheel.

faster-whisper runs ``assets/silero_vad_v6.onnx`` with onnxruntime and
no torch, so reusing its VAD adds no model and no dependency.
"""

from __future__ import annotations

import numpy as np

from pipeline.settings.diarize import VadSettings


def speech_regions(samples: np.ndarray, vad: VadSettings, sample_rate: int = 16_000) -> list[tuple[int, int]]:
    """``(start_sample, end_sample)`` of each speech region, in time order."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=vad.threshold,
        min_speech_duration_ms=vad.min_speech_ms,
        min_silence_duration_ms=vad.min_silence_ms,
        speech_pad_ms=vad.speech_pad_ms,
    )
    found = get_speech_timestamps(samples, vad_options=options, sampling_rate=sample_rate)
    return [(int(item["start"]), min(int(item["end"]), len(samples))) for item in found]
