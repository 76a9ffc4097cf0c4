"""The diarisation stage as the engine sees it: the media and the expected speakers in."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.stages.store import content_sha256, digest
from pipeline.types import Diarization


@lru_cache(maxsize=8)
def _dir_identity(path: Path) -> str:
    """A model folder's identity from its file names, sizes and times (hashing GBs is too slow)."""
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return digest([(str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns) for p in files])


def diarization_identity(settings: Settings) -> Any:
    """The identity of the models the configured backend runs."""
    config = settings.diarization
    if config.backend == "pyannote" and config.pyannote.pipeline_dir is not None:
        return {"pyannote": _dir_identity(settings.resolve(config.pyannote.pipeline_dir))}
    from pipeline.diarize.voice_encoder import default_weights_path

    weights = config.embedded.weights_path
    path = settings.resolve(weights) if weights is not None else default_weights_path()
    segmentation = settings.resolve(config.overlap.model_path)
    overlap = content_sha256(segmentation) if config.overlap.enabled and segmentation.is_file() else None
    return {"embedded": content_sha256(path), "overlap": overlap}


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
