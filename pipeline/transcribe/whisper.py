"""Run faster-whisper on decoded audio and return typed segments and words.

Batched inference is the default: on 2 cores it measured about 0.19 CPU-s per
audio-s and 1.5 GB peak memory on a 60-minute file, against 0.30 and 3.5-4 GB
sequentially, and a lower WER on Dutch TTS.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.audio import Audio
from pipeline.settings import Settings
from pipeline.settings.asr import AsrSettings
from pipeline.transcribe.model import resolve_model
from pipeline.types import Segment, Transcript, Word

ProgressCallback = Callable[[float, float], None]


@lru_cache(maxsize=2)
def _load_whisper(path: Path, device: str, compute_type: str, cpu_threads: int):
    """Load a model once per process; batch runs transcribe many files with it."""
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(path), device=device, compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
    )


def decode_options(asr: AsrSettings) -> dict[str, Any]:
    """The decoding options that batched and sequential decoding share."""
    return {
        "language": asr.language,
        "beam_size": asr.beam_size,
        "word_timestamps": asr.word_timestamps,
        "vad_filter": asr.vad_filter,
        "vad_parameters": {"min_silence_duration_ms": asr.vad_min_silence_ms},
        "condition_on_previous_text": asr.condition_on_previous_text,
    }


class Decoder:
    """The configured decoder of a transcription, and the sequential one that single gaps get."""

    def __init__(self, settings: Settings) -> None:
        from faster_whisper import BatchedInferencePipeline

        asr = settings.asr
        self.asr = asr
        self.resolved = resolve_model(settings)
        self.model = _load_whisper(self.resolved.path, asr.device, asr.compute_type, asr.cpu_threads)
        self.options = decode_options(asr)
        self.batched = BatchedInferencePipeline(model=self.model) if asr.batched else None

    def __call__(self, samples: np.ndarray) -> Iterable[Any]:
        """faster-whisper's segments of ``samples``, as configured (batched by default)."""
        if self.batched is None:
            return self.model.transcribe(samples, **self.options)[0]
        return self.batched.transcribe(
            samples,
            batch_size=self.asr.batch_size,
            without_timestamps=not self.asr.batched_timestamps,
            **self.options,
        )[0]

    def alone(self, samples: np.ndarray) -> Iterable[Any]:
        """Sequential decoding at temperature 0 only: an unsure gap is noise more often than speech,
        and the fallback temperatures would decode it several times."""
        return self.model.transcribe(samples, temperature=0.0, **self.options)[0]


def transcribe(audio: Audio, settings: Settings, on_progress: ProgressCallback | None = None) -> Transcript:
    """Transcribe ``audio`` in Dutch with word timestamps.

    ``on_progress(done_s, total_s)`` is called after each segment, in audio seconds.
    """
    asr = settings.asr
    decoder = Decoder(settings)
    segments = _typed(decoder(audio.samples), audio.duration_s, on_progress)
    # only batched decoding drops a chunk's tail (sequential decoding seeks on); joined gaps are
    # mapped back by their words' times
    if asr.recover_gaps.enabled and asr.batched and asr.word_timestamps:
        from pipeline.transcribe.gaps import recover

        segments = recover(
            audio.samples, segments, decoder, decoder.alone, asr.vad_min_silence_ms, asr.recover_gaps
        )
    if on_progress is not None:
        on_progress(audio.duration_s, audio.duration_s)
    return Transcript(
        model=decoder.resolved.identity,
        language=asr.language,
        duration_s=round(audio.duration_s, 3),
        segments=segments,
    )


def _typed(
    raw_segments: Iterable[Any], duration_s: float, on_progress: ProgressCallback | None
) -> list[Segment]:
    """faster-whisper's segments as typed segments, reporting progress as they are decoded."""
    segments: list[Segment] = []
    for raw in raw_segments:
        segments.append(typed_segment(raw))
        if on_progress is not None:
            on_progress(min(raw.end, duration_s), duration_s)
    return segments


def typed_segment(raw: Any, offset_s: float = 0.0, until_s: float = math.inf) -> Segment:
    """One faster-whisper segment as a :class:`Segment`, its times moved by ``offset_s`` (a clip
    decoded on its own) and ended no later than ``until_s``."""
    words = [
        Word(
            start=round(offset_s + w.start, 3),
            end=round(min(offset_s + w.end, until_s), 3),
            text=w.word.strip(),
            probability=round(w.probability, 4),
        )
        for w in (raw.words or [])
        if w.word.strip()
    ]
    end = round(min(offset_s + raw.end, until_s), 3)
    return Segment(start=round(offset_s + raw.start, 3), end=end, text=raw.text.strip(), words=words)
