"""Load what stages will need while other work runs, for a recording that is new.

Why: on a 165-second recording the analysis stage spent about 6 of its 7.6 s loading spaCy,
the Dutch pipeline and the learned model after transcription had finished, and the command
imported Prefect (about 3 s on one core) before transcription decoded a sample. Transcription
leaves part of the cores idle (raw faster-whisper used 1.7 of 2), so:

- ``kijkwijzer process`` decodes the recording and loads the Whisper model (the warm-ups of
  the stages that read only the media) beside its own start-up, at normal priority;
- the engine loads the later stages' models in a low-priority thread once the first stage of
  the batch has finished (diarisation, long before transcription): they then take memory the
  diariser has just given back instead of adding to the peak of the two side by side.

Only for recordings whose media-reading stages must be computed: a re-run with those stored has
nothing to hide the loading behind, and its later stages may well be stored too. Only when the
stages run in this process (the thread runner); Dask workers load their own. A failed warm-up is
logged (debug) and forgotten: the stage then loads, and reports the problem, for itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import stage_key
from pipeline.stages.priority import start_niced
from pipeline.stages.spec import StageSpec
from pipeline.stages.store import existing_ref

log = logging.getLogger(__name__)


def new_recordings(
    jobs: Iterable[RecordingJob], settings: Settings, stages: Iterable[StageSpec]
) -> list[RecordingJob]:
    """The jobs worth warming for: stages run in this process and a media-reading stage is missing.

    Ask before the first stage runs: once it has run, its result is stored.
    """
    if settings.orchestration.task_runner != "threads":
        return []
    first = [spec for spec in stages if not spec.inputs]
    return [
        job
        for job in jobs
        if any(
            spec.when(job)
            and existing_ref(job.cache_dir, spec.name, stage_key(spec, job, settings, {})) is None
            for spec in first
        )
    ]


def media_stages(stages: Iterable[StageSpec]) -> list[StageSpec]:
    """The stages that read only the media and declare a warm-up."""
    return [spec for spec in stages if spec.warm is not None and not spec.inputs]


def later_stages(stages: Iterable[StageSpec]) -> list[StageSpec]:
    """The stages that read other stages' results and declare a warm-up."""
    return [spec for spec in stages if spec.warm is not None and spec.inputs]


def start_warming(
    specs: list[StageSpec], jobs: list[RecordingJob], settings: Settings, nice: int
) -> threading.Thread | None:
    """Warm ``specs`` for ``jobs`` in plan order in a daemon thread ``nice`` steps lower.

    None when there is nothing to warm.
    """
    if not specs or not jobs:
        return None

    def work() -> None:
        for spec in specs:
            for job in jobs:
                try:
                    spec.warm(job, settings)  # type: ignore[misc]
                except Exception as exc:  # the stage itself will load and say what is wrong
                    log.debug("warming up %s failed (%s); the stage loads for itself", spec.name, exc)

    return start_niced(work, nice, "kijkwijzer-warm-up")
