"""Optional pyannote.audio backend, from a local pipeline directory only.

Install with ``pip install '.[pyannote]'`` and point
``diarization.pyannote.pipeline_dir`` at a snapshot of e.g.
``pyannote/speaker-diarization-community-1`` (gated, CC-BY-4.0; download it on
an online machine). Facts measured with pyannote.audio 4.0.7:

* ``Pipeline.from_pretrained(dir)`` reads ``dir/config.yaml`` and resolves
  ``$model/segmentation``, ``$model/embedding`` and ``plda/`` inside ``dir``.
* Audio is passed in memory as ``{"waveform", "sample_rate"}``; a path would
  make pyannote decode the file again with torchcodec.
* ``HF_HUB_OFFLINE=1`` must be set before the import or a missing file turns
  into a download attempt, and telemetry (on by default) is switched off with
  ``PYANNOTE_METRICS_ENABLED=false``.
* A ``segmentation_step`` of 0.1 (pyannote's default) ran at about 2.6x real
  time on 2 cores, 0.5 at about 0.5x, hence the setting.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.audio import Audio
from pipeline.errors import ConfigError, KijkwijzerError, ModelMissingError
from pipeline.settings import Settings
from pipeline.types import Diarization, SpeakerSegment

BACKEND = "pyannote"
_EXTRA_HINT = "install the optional extra: .venv/bin/pip install '.[pyannote]'"
_WEIGHTS_HINT = (
    "set diarization.pyannote.pipeline_dir to a complete local copy of a pyannote pipeline, "
    "e.g. pyannote/speaker-diarization-community-1 downloaded on an online machine"
)


def _offline_imports() -> tuple[Any, Any]:
    for key, value in {"HF_HUB_OFFLINE": "1", "PYANNOTE_METRICS_ENABLED": "false"}.items():
        os.environ[key] = value
    try:
        import torch
        from pyannote.audio import Pipeline
    except ImportError as exc:
        raise KijkwijzerError(
            f"diarization.backend is 'pyannote' but pyannote.audio is not importable: {exc} ({_EXTRA_HINT})"
        ) from exc
    return torch, Pipeline


@lru_cache(maxsize=2)
def load_pipeline(directory: Path, segmentation_step: float) -> Any:
    """Load a local pyannote pipeline once per process; every missing piece is one clear error."""
    _torch, pipeline_class = _offline_imports()
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    if not (directory / "config.yaml").is_file():
        raise ModelMissingError(
            f"{directory}: no config.yaml, not a pyannote pipeline directory ({_WEIGHTS_HINT})"
        )
    try:
        pipeline = pipeline_class.from_pretrained(directory)
    except (LocalEntryNotFoundError, HFValidationError, FileNotFoundError) as exc:
        raise ModelMissingError(
            f"{directory}: pyannote pipeline is incomplete: {exc} ({_WEIGHTS_HINT})"
        ) from exc
    if pipeline is None:
        raise ModelMissingError(f"{directory}: pyannote could not load this pipeline ({_WEIGHTS_HINT})")
    inference = pipeline._segmentation
    inference.step = segmentation_step * inference.duration
    return pipeline


def diarize_pyannote(
    audio: Audio, settings: Settings, num_speakers: int | None, min_speakers: int, max_speakers: int
) -> Diarization:
    """Diarise ``audio`` with a local pyannote pipeline (speaker ids SPEAKER_00, ...)."""
    config = settings.diarization.pyannote
    if config.pipeline_dir is None:
        raise ConfigError(
            "diarization.backend is 'pyannote' but diarization.pyannote.pipeline_dir is not set "
            f"({_WEIGHTS_HINT})"
        )
    torch, _ = _offline_imports()
    if config.threads:
        torch.set_num_threads(config.threads)
    pipeline = load_pipeline(settings.resolve(config.pipeline_dir), config.segmentation_step)
    waveform = torch.from_numpy(audio.samples).unsqueeze(0)
    limits: dict[str, int] = (
        {"num_speakers": num_speakers}
        if num_speakers
        else {"min_speakers": min_speakers, "max_speakers": max_speakers}
    )
    output = pipeline({"waveform": waveform, "sample_rate": audio.sample_rate}, **limits)
    # pyannote 4 returns an object with ``speaker_diarization`` (overlaps kept, which
    # align turns into overlap/interruption data); older versions an Annotation.
    annotation = getattr(output, "speaker_diarization", output)
    segments = [
        SpeakerSegment(
            start=round(turn.start, 3), end=round(min(turn.end, audio.duration_s), 3), speaker=str(label)
        )
        for turn, _track, label in annotation.itertracks(yield_label=True)
        if turn.end > turn.start
    ]
    segments.sort(key=lambda seg: (seg.start, seg.end))
    return Diarization(backend=BACKEND, duration_s=round(audio.duration_s, 3), segments=segments)
