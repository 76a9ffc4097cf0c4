"""Speech the batched decoder skipped: find it and decode it again.

Batched faster-whisper decodes each VAD chunk (up to 30 s of speech) once, without the seek
loop of sequential decoding. When the decoder ends a chunk early (an end-of-text token after a
long client turn), the rest of that chunk is lost without a trace: on the TTS sample a whole
reflection of the klantmanager ("Dus als ik je goed begrijp…", 6.5 s) and the client's "Ja,
precies." vanished, so the sheet missed a summary and an emotion that the diariser still saw.

After decoding, every silence between words at least ``min_gap_s`` long is checked with the
same Silero VAD that chose the chunks; where it still finds ``min_speech_s`` of speech, the gap
alone is decoded again sequentially (same language, beam and word timestamps). Only the gaps are
read again, so a transcript without holes costs one VAD pass over its longer pauses. Recovered
segments must pass the confidence limits, which keeps Whisper's stock phrases on noise out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.audio import SAMPLE_RATE
from pipeline.settings.asr import GapRecoverySettings
from pipeline.transcribe.whisper import typed_segment
from pipeline.types import Segment, Word


@dataclass(frozen=True)
class Gap:
    """A stretch of audio without transcribed words, in seconds."""

    start: float
    end: float


def silent_gaps(segments: list[Segment], duration_s: float, min_gap_s: float, pad_s: float) -> list[Gap]:
    """Stretches of at least ``min_gap_s`` between transcribed words (and before the first or
    after the last), shrunk by ``pad_s`` on each side so no recognised word is decoded twice."""
    spans = sorted(
        (word.start, word.end) for segment in segments for word in (segment.words or [_whole(segment)])
    )
    gaps, cursor = [], 0.0
    for start, end in [*spans, (duration_s, duration_s)]:
        if start - cursor >= min_gap_s:
            low = cursor + pad_s if cursor > 0.0 else 0.0
            high = start - pad_s if start < duration_s else duration_s
            gaps.append(Gap(round(low, 3), round(high, 3)))
        cursor = max(cursor, end)
    return gaps


def _whole(segment: Segment) -> Word:
    """A segment without word timestamps counts as one word over its whole span."""
    return Word(start=segment.start, end=segment.end, text=segment.text, probability=1.0)


def speech_seconds(samples: np.ndarray, min_silence_ms: int) -> float:
    """Seconds of speech Silero VAD finds in ``samples`` (the VAD the decoder's chunks came from)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=min_silence_ms))
    return sum(item["end"] - item["start"] for item in found) / SAMPLE_RATE


def _confident(raw: Any, limits: GapRecoverySettings) -> bool:
    return (
        raw.no_speech_prob <= limits.max_no_speech_prob
        and raw.avg_logprob >= limits.min_avg_logprob
        and raw.compression_ratio <= limits.max_compression_ratio
    )


def recover(
    model: Any,
    samples: np.ndarray,
    segments: list[Segment],
    options: dict[str, Any],
    limits: GapRecoverySettings,
) -> list[Segment]:
    """``segments`` plus what decoding the gaps that still hold speech finds in them.

    Each gap is decoded on its own, sequentially with its own VAD (which drops the silence at
    its edges, so a reflection's opening "Dus" is heard) and at temperature 0 only: a gap whose
    best decode is unsure is noise more often than speech, and the fallback temperatures cost
    several decodes for it. Batched decoding of the gaps as clips cost less but kept the
    leading silence in and lost that "Dus".
    """
    duration_s = len(samples) / SAMPLE_RATE
    min_silence_ms = options["vad_parameters"]["min_silence_duration_ms"]
    recovered: list[Segment] = []
    for gap in silent_gaps(segments, duration_s, limits.min_gap_s, limits.edge_pad_s):
        audio = samples[int(gap.start * SAMPLE_RATE) : int(gap.end * SAMPLE_RATE)]
        if speech_seconds(audio, min_silence_ms) < limits.min_speech_s:
            continue
        decoded, _info = model.transcribe(audio, temperature=0.0, **options)
        recovered.extend(
            typed_segment(raw, gap.start, gap.end)
            for raw in decoded
            if _confident(raw, limits) and raw.text.strip()
        )
    return sorted([*segments, *recovered], key=lambda segment: segment.start)
