"""Diarisation stage: who speaks when.

:func:`diarize` picks the backend named in ``diarization.backend``: the
embedded, torch-free one (Silero VAD + numpy d-vectors + spectral clustering)
or the optional pyannote.audio pipeline from a local directory. Whatever the
backend, speaker centroids are d-vectors of the embedded encoder, so roles can
compare them with enrolled klantmanager voice profiles.
"""

from __future__ import annotations

from pipeline.audio import Audio
from pipeline.errors import ConfigError
from pipeline.settings import Settings
from pipeline.types import Diarization


def diarize(
    audio: Audio,
    settings: Settings,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> Diarization:
    """Speaker segments (start, end, anonymous id) and one voice centroid per speaker.

    ``num_speakers`` (e.g. ``participants:`` from the consent record) is an
    expectation: the embedded backend clusters into that many, then merges
    every cluster without enough evidence of its own (``diarization.evidence``),
    so it is an upper bound. Otherwise the count is estimated between
    ``min_speakers`` and ``max_speakers`` (defaults from
    ``diarization.min_speakers/max_speakers``). Segments of different speakers
    overlap where two people talk at once.
    """
    config = settings.diarization
    low = min_speakers if min_speakers is not None else config.min_speakers
    high = max_speakers if max_speakers is not None else config.max_speakers
    if num_speakers is not None and num_speakers < 1:
        raise ConfigError(f"number of speakers must be at least 1, got {num_speakers}")
    if low > high:
        raise ConfigError(f"min_speakers ({low}) is larger than max_speakers ({high})")
    from pipeline.diarize.backends import backend_for

    return backend_for(settings).diarize(audio, settings, num_speakers, low, high)


__all__ = ["diarize"]
