"""Run the plan's stages over many recordings with Prefect futures, then publish and finish.

A stage task gets its upstream futures as arguments (Prefect leaves it ``NotReady`` when one
failed); a batch step closes a phase for every recording. Every future is inspected, and a
recording's first failed stage is its Failure while the batch goes on, on threads or Dask.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from prefect.artifacts import create_table_artifact
from prefect.futures import PrefectFuture, as_completed

from flows.tasks import STAGE_TASKS, STEP_TASKS, publish
from pipeline.deliver.publish import job_is_current, outputs_key
from pipeline.ingest.finish import RunSummary, finish_archived, raise_if_disk_full
from pipeline.ingest.layout import DataRoot
from pipeline.settings import Settings
from pipeline.stages import progress
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.outcome import BatchResult, Failure, describe_failure
from pipeline.stages.plan import STAGES, phases, require_inputs, waves
from pipeline.stages.spec import StageSpec
from pipeline.stages.warm import stages_to_warm, start_warming


def _failure(recording_id: str, stage: str, future: PrefectFuture) -> Failure:
    error = future.result(raise_on_failure=False)
    return describe_failure(recording_id, stage, error, future.state.message or future.state.name)


def _settle(futures: dict[str, PrefectFuture], step: str, result: BatchResult) -> dict[str, Any]:
    """Wait for one future per recording; a failed one takes its recording out of the batch."""
    for recording_id, future in futures.items():
        future.wait()
        if not future.state.is_completed():
            result.failures[recording_id] = _failure(recording_id, step, future)
    return {rid: future.result() for rid, future in futures.items() if rid not in result.failures}


def _submit(
    jobs: list[RecordingJob], settings: Settings, stages: list[StageSpec], result: BatchResult,
    reuse: set[str], refresh: set[str],
) -> dict[tuple[str, str], PrefectFuture]:  # fmt: skip
    """Every stage of a phase for every recording still in the batch, wave by wave."""
    futures: dict[tuple[str, str], PrefectFuture] = {}
    for spec in (spec for wave in waves(stages) for spec in wave):
        alive = [job for job in jobs if job.recording_id not in result.failures and spec.when(job)]
        for job in alive:
            rid, again = job.recording_id, spec.name in refresh
            inputs = {name: result.refs[rid].get(name) or futures[(rid, name)] for name in spec.inputs}
            futures[(rid, spec.name)] = STAGE_TASKS[(spec.name, again)].submit(
                spec.name, job, settings, inputs, compute=spec.name not in reuse, refresh=again
            )
        if alive:
            progress.report("*", spec.name, "submitted", 0, len(alive))
    return futures


def _collect(
    futures: dict[tuple[str, str], PrefectFuture], result: BatchResult, on_first: Callable[[], object]
) -> None:
    """Wait for every future, report each as it finishes, then record them in plan order.

    ``on_first`` is called once, when the first future has finished.
    """
    by_future = {id(future): key for key, future in futures.items()}
    for done, future in enumerate(as_completed(list(futures.values()))):
        recording_id, stage = by_future[id(future)]
        future.wait()  # sets the final state locally; reading it earlier asks the API, which lags
        if done == 0:
            on_first()
        if future.state.is_completed():
            progress.report(recording_id, stage, "cached" if future.state.name == "Cached" else "finished")
        elif not future.state.is_pending():  # pending: not run, an upstream stage failed
            progress.report(recording_id, stage, "failed")
    for (recording_id, stage), future in futures.items():  # upstream stages first
        if future.state.is_completed():
            result.refs[recording_id][stage] = future.result()
        elif recording_id in result.failures:
            continue
        else:
            result.failures[recording_id] = _failure(recording_id, stage, future)
        result.states[recording_id][stage] = future.state.name


def run_stages(
    jobs: list[RecordingJob],
    settings: Settings,
    stages: Iterable[StageSpec] = STAGES,
    reuse: Iterable[str] = (),
    refresh: Iterable[str] = (),
) -> BatchResult:
    """Run ``stages`` for every job; stages in ``reuse`` must come from the cache.

    Call inside a flow. ``refresh`` stages are recomputed even when cached.
    """
    selected = require_inputs(stages)
    result = BatchResult.of([job.recording_id for job in jobs])
    reuse, refresh = set(reuse), set(refresh)
    # In this process only when the stages run here: Dask workers load their own models.
    warm = (
        stages_to_warm(jobs, settings, [spec for spec in selected if spec.name not in reuse])
        if settings.orchestration.task_runner == "threads"
        else []
    )
    for phase, steps in phases(selected):
        _collect(
            _submit(jobs, settings, phase, result, reuse, refresh),
            result,
            partial(start_warming, warm, settings),
        )
        warm = []  # the first phase's stages start it
        for step in steps:
            alive = [job for job in jobs if job.recording_id not in result.failures]
            futures = {
                job.recording_id: STEP_TASKS[step.name].submit(
                    step, job, settings, result.refs[job.recording_id]
                )
                for job in step.pending(alive, settings, result.states)
            }
            _settle(futures, step.name, result)
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
    for job in (job for job in jobs if job.recording_id not in result.failures):
        key = outputs_key(job, settings, result.refs[job.recording_id])
        if is_current is not None and is_current(job, key):
            result.outputs[job.recording_id] = key
        else:
            futures[job.recording_id] = publish.submit(job, settings, result.refs[job.recording_id])
    result.outputs.update(_settle(futures, "publish", result))


def finish_batch(
    root: DataRoot, jobs: list[RecordingJob], settings: Settings, result: BatchResult, summary: RunSummary,
    actor: str, began: float, quarantine_bad_input: bool,
) -> RunSummary:  # fmt: skip
    """Publish an archive batch, record each recording's outcome, and show the summary."""
    publish_all(jobs, settings, result, is_current=lambda job, key: job_is_current(root, job, key))
    finish_archived(root, jobs, result, actor, quarantine_bad_input=quarantine_bad_input, summary=summary)
    summary.seconds = time.perf_counter() - began
    if rows := summary.rows():
        create_table_artifact(rows, key=f"{actor}-summary", description="What this run did with each input")
    raise_if_disk_full(summary, root)
    return summary
