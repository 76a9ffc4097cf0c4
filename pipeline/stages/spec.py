"""What a stage declares about itself, next to its own code in ``pipeline/<stage>/stage.py``.

The engine reads only these declarations: the scheduler learns dependencies from
``inputs``, the cache key from ``sections``, ``code``, ``model`` and ``extra``, the
publisher where files go from ``publish`` and ``deliver``. Adding a stage is one
:class:`StageSpec` in its package plus its place in :data:`pipeline.stages.plan.STAGES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob

ProgressFn = Callable[[float, float], None]


@dataclass(frozen=True)
class StageInput:
    """What a stage's compute gets: the job, settings, loaded upstream results, a folder for files."""

    job: RecordingJob
    settings: Settings
    results: dict[str, Any]
    out: Path
    on_progress: ProgressFn


def _always(job: RecordingJob) -> bool:
    del job
    return True


@dataclass(frozen=True)
class StageSpec:
    """One stage of the pipeline: its key inputs are data, so a new input is one edit here."""

    name: str
    inputs: tuple[str, ...]  # upstream stages; none means the media itself
    sections: tuple[str, ...]  # settings sections whose values are part of the key
    code: tuple[str, ...]  # modules whose source is the stage's code version
    compute: Callable[[StageInput], Any]
    result: TypeAdapter
    model: Callable[[Settings], Any] | None = None  # model identity, part of the key
    extra: Callable[[RecordingJob, Settings], Any] | None = None  # other key inputs
    when: Callable[[RecordingJob], bool] = _always
    publish: Literal["out", "research"] = "out"  # where its files are published
    deliver: bool = False  # its result folder also goes to the klantmanager's outbox
    # loads what compute needs (models, libraries) once per process; run while earlier stages
    # work (pipeline/stages/warm.py), so a fresh recording does not wait for the loading
    warm: Callable[[Settings], None] | None = None


@dataclass(frozen=True)
class BatchStep:
    """Work done once per recording after ``after`` has finished for every recording of a batch.

    The steps that follow ``after`` in the plan wait for it, so they see the whole batch
    (the history step: every sheet sees every earlier recording of the batch).
    """

    name: str
    after: str  # the stage that must have finished for the whole batch first
    inputs: tuple[str, ...]  # stage results the step reads
    pending: Callable[[list[RecordingJob], Settings, dict[str, dict[str, str]]], list[RecordingJob]]
    run: Callable[[RecordingJob, Settings, dict[str, Any]], None]
