"""Compute one stage for one recording, or return its stored result: no Prefect here.

:func:`run_stage` is what each Prefect stage task runs; it is a plain function so the
stage machinery can be tested and benchmarked without an orchestrator, and so a task
that Prefect reports as failed failed for a reason in this code or the stage itself.
The result store is the one cache: a stored result is served from it whether or not an
orchestrator's record points at it.
"""

from __future__ import annotations

import os
import shutil

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_bytes
from pipeline.settings import Settings
from pipeline.stages import progress
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.memory import release_freed_memory
from pipeline.stages.plan import BY_NAME, load_result, stage_key
from pipeline.stages.priority import run_niced
from pipeline.stages.spec import BatchStep, StageInput
from pipeline.stages.store import (
    StageRef,
    existing_ref,
    new_work_dir,
    publish_dir,
    result_is_valid,
    stage_dir,
)


class StageNotCached(KijkwijzerError):
    """``reprocess --stage X`` needs the earlier stages' stored results, and one is missing."""


def run_stage(
    stage: str,
    job: RecordingJob,
    settings: Settings,
    inputs: dict[str, StageRef],
    compute: bool = True,
    refresh: bool = False,
) -> StageRef:
    """Return the stored result of ``stage`` for ``job``, computing it if needed."""
    os.umask(0o077)  # also on Dask workers started with a looser umask
    spec = BY_NAME[stage]
    key = stage_key(spec, job, settings, inputs)
    found = existing_ref(job.cache_dir, stage, key)
    if found is not None and not refresh:
        progress.report(job.recording_id, stage, "cached")
        return found
    if not compute:
        raise StageNotCached(
            f"{job.recording_id}: no stored {stage} result for the current settings "
            f"(reprocess without --stage to compute it)"
        )
    results = {name: load_result(ref) for name, ref in inputs.items()}
    work = new_work_dir(job.cache_dir, stage)
    try:
        progress.report(job.recording_id, stage, "start")

        def on_progress(done: float, total: float) -> None:
            progress.report(job.recording_id, stage, "progress", done, total)

        stage_input = StageInput(job, settings, results, work, on_progress)
        result = run_niced(lambda: spec.compute(stage_input), settings.orchestration.stage_nice.get(stage, 0))
        release_freed_memory()  # what the stage freed is not kept resident beside the next one
        atomic_write_bytes(work / "result.json", spec.result.dump_json(result))
        final = stage_dir(job.cache_dir, stage, key)
        if final.exists() and (refresh or not result_is_valid(final / "result.json")):
            shutil.rmtree(final)  # refreshed, or damaged: replaced by the new result
        publish_dir(work, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress.report(job.recording_id, stage, "done")
    ref = existing_ref(job.cache_dir, stage, key)
    assert ref is not None
    return ref


def run_step(step: BatchStep, job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> None:
    """One recording's share of a batch step, on the stage results it reads."""
    os.umask(0o077)
    step.run(job, settings, {name: load_result(refs[name]) for name in step.inputs})
