"""Run the plan's stages over many recordings with Prefect futures.

Each stage task gets its upstream stages' futures as arguments, so Prefect runs it when
they are done and marks it ``NotReady`` when one failed. A batch step (the history)
closes a phase: the flow waits for that phase of every recording first. Every submitted
future is inspected, so no failure passes unnoticed; the first failed stage of a
recording is its :class:`~pipeline.stages.outcome.Failure` and the batch goes on.
This behaves the same on the thread runner and on Dask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prefect.futures import PrefectFuture, as_completed

from flows.tasks import STAGE_TASKS, STEP_TASKS, publish
from pipeline.deliver.publish import outputs_key
from pipeline.settings import Settings
from pipeline.stages import progress
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.outcome import BatchResult, Failure, describe_failure
from pipeline.stages.plan import STAGES, phases, waves
from pipeline.stages.spec import BatchStep, StageSpec


def _failure(recording_id: str, stage: str, future: PrefectFuture) -> Failure:
    error = future.result(raise_on_failure=False)
    return describe_failure(recording_id, stage, error, future.state.message or future.state.name)


def _not_ready(future: PrefectFuture) -> bool:
    """Prefect did not run it because an upstream stage failed (that one is the reason)."""
    return future.state.is_pending()


def _collect(futures: dict[tuple[str, str], PrefectFuture]) -> None:
    """Wait for every future, reporting each to the progress bars as it finishes."""
    by_future = {id(future): key for key, future in futures.items()}
    for future in as_completed(list(futures.values())):
        recording_id, stage = by_future[id(future)]
        future.wait()  # sets the final state locally; reading it earlier asks the API, which lags
        state = future.state
        if state.is_completed():
            progress.report(recording_id, stage, "cached" if state.name == "Cached" else "finished")
        elif not _not_ready(future):
            progress.report(recording_id, stage, "failed")


def _submit_phase(
    jobs: list[RecordingJob], settings: Settings, stages: list[StageSpec], result: BatchResult,
    reuse: set[str], refresh: set[str],
) -> dict[tuple[str, str], PrefectFuture]:  # fmt: skip
    """Submit every stage of the phase for every recording still in the batch, wave by wave."""
    futures: dict[tuple[str, str], PrefectFuture] = {}
    for wave in waves(stages):
        for spec in wave:
            submitted = 0
            for job in jobs:
                rid = job.recording_id
                if rid in result.failures or not spec.when(job):
                    continue
                done = result.refs[rid]
                inputs: dict[str, Any] = {
                    name: done.get(name) or futures[(rid, name)] for name in spec.inputs
                }
                again = spec.name in refresh
                futures[(rid, spec.name)] = STAGE_TASKS[(spec.name, again)].submit(
                    spec.name, job, settings, inputs, compute=spec.name not in reuse, refresh=again
                )
                submitted += 1
            if submitted:
                progress.report("*", spec.name, "submitted", 0, submitted)
    return futures


def _run_steps(
    steps: list[BatchStep], jobs: list[RecordingJob], settings: Settings, result: BatchResult
) -> None:
    alive = [job for job in jobs if job.recording_id not in result.failures]
    for step in steps:
        futures = {
            job.recording_id: STEP_TASKS[step.name].submit(step, job, settings, result.refs[job.recording_id])
            for job in step.pending(alive, settings, result.states)
        }
        for recording_id, future in futures.items():
            future.wait()
            if not future.state.is_completed():
                result.failures[recording_id] = _failure(recording_id, step.name, future)


def run_stages(
    jobs: list[RecordingJob],
    settings: Settings,
    stages: Iterable[StageSpec] = STAGES,
    reuse: Iterable[str] = (),
    refresh: Iterable[str] = (),
) -> BatchResult:
    """Run ``stages`` for every job; stages in ``reuse`` must come from the cache.

    Call inside a flow. ``refresh`` stages are recomputed even when cached. Recordings
    that fail leave the batch with a :class:`~pipeline.stages.outcome.Failure`.
    """
    selected = list(stages)
    names = {spec.name for spec in selected}
    for spec in selected:
        missing_inputs = [name for name in spec.inputs if name not in names]
        if missing_inputs:
            raise ValueError(f"stage {spec.name} needs {missing_inputs} in the same run")
    result = BatchResult()
    for job in jobs:
        result.refs[job.recording_id], result.states[job.recording_id] = {}, {}
    for phase_stages, steps in phases(selected):
        futures = _submit_phase(jobs, settings, phase_stages, result, set(reuse), set(refresh))
        _collect(futures)
        for (recording_id, stage), future in futures.items():  # in plan order: upstream first
            if future.state.is_completed():
                result.refs[recording_id][stage] = future.result()
                result.states[recording_id][stage] = future.state.name
            elif recording_id not in result.failures:
                result.failures[recording_id] = _failure(recording_id, stage, future)
                result.states[recording_id][stage] = future.state.name
        _run_steps(steps, jobs, settings, result)
    return result


def publish_all(
    jobs: list[RecordingJob],
    settings: Settings,
    result: BatchResult,
    is_current: Callable[[RecordingJob, str], bool] | None = None,
) -> None:
    """Publish the outputs of every job that finished all its stages.

    ``is_current(job, key)`` says the outputs for ``key`` are already in place; those jobs
    are not published again, so re-running an unchanged archive copies nothing.
    """
    futures = {}
    for job in jobs:
        if job.recording_id in result.failures:
            continue
        refs = result.refs[job.recording_id]
        key = outputs_key(job, settings, refs)
        if is_current is not None and is_current(job, key):
            result.outputs[job.recording_id] = key
        else:
            futures[job.recording_id] = publish.submit(job, settings, refs)
    for recording_id, future in futures.items():
        future.wait()
        if future.state.is_completed():
            result.outputs[recording_id] = future.result()
        else:
            result.failures[recording_id] = _failure(recording_id, "publish", future)
