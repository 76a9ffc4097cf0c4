"""The diarisation stage as the engine sees it: the media and the expected speakers in."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Diarization


def diarization_identity(settings: Settings) -> Any:
    """The identity of the models the configured backend runs (each backend declares its own)."""
    from pipeline.diarize.backends import backend_for

    return backend_for(settings).identity(settings)


def _speakers(job: RecordingJob, settings: Settings) -> Any:
    del settings
    return {"speakers": job.speakers, "min": job.min_speakers, "max": job.max_speakers}


def _diarize(s: StageInput) -> Diarization:
    from pipeline.audio.shared import shared_audio
    from pipeline.diarize import diarize

    job = s.job
    counts = {
        "num_speakers": job.speakers,
        "min_speakers": job.min_speakers,
        "max_speakers": job.max_speakers,
    }
    return diarize(shared_audio(job.media, job.sha256), s.settings, **counts)


SPEC = StageSpec(
    "diarize", (), ("diarization",), ("pipeline.diarize", "pipeline.audio"), _diarize,
    TypeAdapter(Diarization), model=diarization_identity, extra=_speakers,
)  # fmt: skip
