"""Run stages over many recordings: submit, wait, split by state, carry on with the rest.

This is the failure pattern that behaves the same on the thread runner and on Dask: each
wave of independent stages is submitted for every recording still in the race, every
future is waited for, failed ones are taken out with their reason, and the others go on
to the next wave. No failure can pass unnoticed: every submitted future is inspected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from prefect.futures import PrefectFuture, as_completed

from flows import progress
from flows.cache import StageRef
from flows.jobs import RecordingJob
from flows.stages import STAGES, StageSpec
from flows.tasks import outputs_key, publish_outputs, record_history, task_for
from pipeline.errors import KijkwijzerError, MediaError
from pipeline.ingest.errors import IngestRefusal, disk_full, disk_full_cause
from pipeline.settings import Settings


@dataclass(frozen=True)
class Failure:
    """Why a recording dropped out of a batch."""

    recording_id: str
    stage: str
    code: str  # safe for the audit log
    message: str  # one line, for people
    bad_input: bool = False  # the recording itself is unusable (not a bug, not infrastructure)


@dataclass
class BatchResult:
    """Per recording: the stage results, how each stage ended, and the published outputs key."""

    refs: dict[str, dict[str, StageRef]] = field(default_factory=dict)
    states: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)

    def computed(self, recording_id: str) -> list[str]:
        """The stages that actually ran (not served from the cache) for a recording."""
        return [stage for stage, state in self.states.get(recording_id, {}).items() if state != "Cached"]


def waves(stages: Iterable[StageSpec]) -> list[list[StageSpec]]:
    """Group stages so each group depends only on earlier groups (transcribe and diarize together)."""
    level: dict[str, int] = {}
    for spec in STAGES:
        level[spec.name] = 1 + max((level[name] for name in spec.inputs), default=-1)
    grouped: dict[int, list[StageSpec]] = {}
    for spec in stages:
        grouped.setdefault(level[spec.name], []).append(spec)
    return [grouped[key] for key in sorted(grouped)]


def describe_failure(recording_id: str, stage: str, future: PrefectFuture) -> Failure:
    """Turn a failed or crashed future into a code and a one-line message."""
    error = future.result(raise_on_failure=False)
    if cause := disk_full_cause(error if isinstance(error, BaseException) else None):
        where = Path(cause.filename).parent if cause.filename else None
        return Failure(recording_id, stage, "disk_full", f"{stage}: {disk_full(where, cause)}")
    bad_input = isinstance(error, MediaError | IngestRefusal)
    if isinstance(error, BaseException):
        fallback = "media_error" if isinstance(error, MediaError) else "stage_failed"
        code = getattr(error, "code", None) or fallback
        text = str(error) if isinstance(error, KijkwijzerError) else f"{type(error).__name__}: {error}"
    else:
        code, text = "stage_failed", future.state.message or future.state.name
    line = " ".join(text.split())[:400]
    return Failure(recording_id, stage, code, f"{stage}: {line}", bad_input)


def _collect(futures: dict[tuple[str, str], PrefectFuture]) -> dict[tuple[str, str], PrefectFuture]:
    """Wait for every future, reporting each to the progress bars as it finishes."""
    by_future = {id(future): key for key, future in futures.items()}
    for future in as_completed(list(futures.values())):
        recording_id, stage = by_future[id(future)]
        future.wait()  # sets the final state locally; reading it earlier asks the API, which lags
        state = future.state
        if state.is_completed():
            progress.report(recording_id, stage, "cached" if state.name == "Cached" else "finished")
        else:
            progress.report(recording_id, stage, "failed")
    return futures


def run_stages(
    jobs: list[RecordingJob],
    settings: Settings,
    stages: Iterable[StageSpec] = STAGES,
    reuse: Iterable[str] = (),
    refresh: Iterable[str] = (),
) -> BatchResult:
    """Run ``stages`` for every job; stages in ``reuse`` must come from the cache.

    Call inside a flow. ``refresh`` stages are recomputed even when cached. Stages are
    run in dependency waves; recordings that fail leave the batch with a :class:`Failure`.
    """
    reuse, refresh = set(reuse), set(refresh)
    selected = list(stages)
    names = {spec.name for spec in selected}
    result = BatchResult()
    for job in jobs:
        result.refs[job.recording_id], result.states[job.recording_id] = {}, {}
    by_id = {job.recording_id: job for job in jobs}
    for wave in waves(selected):
        futures: dict[tuple[str, str], PrefectFuture] = {}
        for spec in wave:
            missing_inputs = [name for name in spec.inputs if name not in names]
            if missing_inputs:
                raise ValueError(f"stage {spec.name} needs {missing_inputs} in the same run")
            for job in jobs:
                if job.recording_id in result.failures or not spec.when(job):
                    continue
                inputs = {name: result.refs[job.recording_id][name] for name in spec.inputs}
                again = spec.name in refresh
                futures[(job.recording_id, spec.name)] = task_for(spec.name, job.cache_dir, again).submit(
                    spec.name, job, settings, inputs, compute=spec.name not in reuse, refresh=again
                )
        for spec in wave:
            submitted = sum(1 for _rid, stage in futures if stage == spec.name)
            if submitted:
                progress.report("*", spec.name, "submitted", 0, submitted)
        for (recording_id, stage), future in _collect(futures).items():
            if future.state.is_completed():
                result.refs[recording_id][stage] = future.result()
                result.states[recording_id][stage] = future.state.name
            elif recording_id not in result.failures:
                result.failures[recording_id] = describe_failure(recording_id, stage, future)
                result.states[recording_id][stage] = future.state.name
        if "analysis" in {spec.name for spec in wave}:
            alive = [by_id[rid] for rid in result.refs if rid not in result.failures]
            _record_history(alive, settings, result)
    return result


def _record_history(jobs: list[RecordingJob], settings: Settings, result: BatchResult) -> None:
    """After all analyses of the batch, so every sheet sees every earlier recording.

    A cached analysis was recorded when it was computed, so only new analyses (and
    recordings missing from the history, e.g. after an interrupted run) are written.
    """
    from pipeline.intentions import load_history

    recorded: dict[tuple[Path, str], set[str]] = {}
    futures = {}
    for job in jobs:
        refs = result.refs[job.recording_id]
        if job.data_root is None or "analysis" not in refs:
            continue
        where = (job.data_root, job.consent.klantmanager)
        if where not in recorded:
            history = load_history(job.data_root, job.consent.klantmanager, settings)
            recorded[where] = {record.recording_id for record in history.records}
        cached = result.states[job.recording_id].get("analysis") == "Cached"
        if cached and job.recording_id in recorded[where]:
            continue
        futures[job.recording_id] = record_history.submit(job, settings, refs["analysis"], refs["align"])
    for recording_id, future in futures.items():
        future.wait()
        if not future.state.is_completed():
            result.failures[recording_id] = describe_failure(recording_id, "record-history", future)


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
            futures[job.recording_id] = publish_outputs.submit(job, settings, refs)
    for recording_id, future in futures.items():
        future.wait()
        if future.state.is_completed():
            result.outputs[recording_id] = future.result()
        else:
            result.failures[recording_id] = describe_failure(recording_id, "publish", future)
