"""The transcription stage as the engine sees it: the media in, a :class:`Transcript` out."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Transcript


def asr_identity(settings: Settings) -> Any:
    """The Whisper model's identity: the shipped model by its sha256, else the model folder's."""
    asr = settings.asr
    if asr.model_dir is None:  # the shipped model, verified by this sha256 when assembled
        return {"name": asr.model_name, "sha256": asr.default_model_sha256}
    from pipeline.transcribe import resolve_model

    return resolve_model(settings).identity.model_dump()


def _transcribe(s: StageInput) -> Transcript:
    from pipeline.audio.shared import shared_audio
    from pipeline.transcribe import transcribe

    return transcribe(shared_audio(s.job.media, s.job.sha256), s.settings, on_progress=s.on_progress)


SPEC = StageSpec(
    "transcribe", (), ("asr",), ("pipeline.transcribe", "pipeline.audio"), _transcribe,
    TypeAdapter(Transcript), model=asr_identity,
)  # fmt: skip
