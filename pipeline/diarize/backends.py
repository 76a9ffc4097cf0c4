"""Named diarisation backends behind one call, as pyannote.audio names its pipelines.

A backend is a :class:`Backend`: a name (the value of ``diarization.backend``), the call
that diarises, and its cache identity (the models it runs), so the diarize stage's key
follows whichever backend is configured. Adding one is a module with a :func:`register`
call; nothing else in the pipeline names backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.audio import Audio
from pipeline.errors import ConfigError
from pipeline.settings import Settings
from pipeline.types import Diarization

# diarize(audio, settings, expected speakers or None, min speakers, max speakers)
DiarizeFn = Callable[[Audio, Settings, int | None, int, int], Diarization]


@dataclass(frozen=True)
class Backend:
    """One diarisation backend."""

    name: str
    diarize: DiarizeFn
    identity: Callable[[Settings], Any]  # the models it runs: part of the stage's cache key


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    """Make ``backend`` available as ``diarization.backend: <name>``."""
    BACKENDS[backend.name] = backend
    return backend


def backend_for(settings: Settings) -> Backend:
    """The configured backend, or a one-line error naming the known ones."""
    name = settings.diarization.backend
    if name not in BACKENDS:
        raise ConfigError(f"unknown diarization.backend {name!r} (one of: {', '.join(sorted(BACKENDS))})")
    return BACKENDS[name]


def _file_sha256(path: Path) -> str:
    """A model file's sha256, memoised by the result store on its size and time."""
    from pipeline.stages.store import content_sha256

    return content_sha256(path)


def _embedded_identity(settings: Settings) -> Any:
    from pipeline.diarize.voice_encoder import default_weights_path

    config = settings.diarization
    weights = config.embedded.weights_path
    path = settings.resolve(weights) if weights is not None else default_weights_path()
    segmentation = settings.resolve(config.overlap.model_path)
    overlap = _file_sha256(segmentation) if config.overlap.enabled and segmentation.is_file() else None
    return {"embedded": _file_sha256(path), "overlap": overlap}


def _embedded(audio: Audio, settings: Settings, num: int | None, low: int, high: int) -> Diarization:
    from pipeline.diarize.embedded import diarize_embedded

    return diarize_embedded(audio, settings, num, low, high)


@lru_cache(maxsize=8)
def _dir_identity(path: Path) -> str:
    """A model folder's identity from its file names, sizes and times (hashing GBs is too slow)."""
    from pipeline.stages.store import digest

    files = sorted(p for p in path.rglob("*") if p.is_file())
    return digest([(str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns) for p in files])


def _pyannote_identity(settings: Settings) -> Any:
    pipeline_dir = settings.diarization.pyannote.pipeline_dir
    if pipeline_dir is None:  # refused when it runs; the key only needs to be stable
        return _embedded_identity(settings)
    return {"pyannote": _dir_identity(settings.resolve(pipeline_dir))}


def _pyannote(audio: Audio, settings: Settings, num: int | None, low: int, high: int) -> Diarization:
    """pyannote's segments, with voice centroids of the embedded encoder so roles work the same."""
    from pipeline.diarize.embedded import encoder_for, speaker_centroids
    from pipeline.diarize.pyannote_backend import diarize_pyannote

    result = diarize_pyannote(audio, settings, num, low, high)
    return result.model_copy(
        update={
            "centroids": speaker_centroids(audio, result.segments, settings),
            "encoder": encoder_for(settings).name,
        }
    )


register(Backend("embedded", _embedded, _embedded_identity))
register(Backend("pyannote", _pyannote, _pyannote_identity))
