"""Prefect tasks: one per stage, cached through the result store, plus publishing and batch steps.

Prefect shows each stage as a task run: ``Cached`` when the store has its result, ``Completed``
when it ran, ``Failed`` with the reason. Its record in the recording's cache folder holds only a
StageRef; the result store is the truth and decides which record may serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE, CachePolicy
from prefect.results import ResultRecord

from pipeline.deliver.publish import publish_outputs
from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import BATCH_STEPS, BY_NAME, STAGES, stage_key
from pipeline.stages.runner import run_stage, run_step
from pipeline.stages.store import StageRef, serving_record


def _recorded_sha256(record: Path) -> str | None:
    """The result content a Prefect record points at, or None when it cannot be read."""
    try:
        ref = ResultRecord.deserialize(record.read_bytes()).result
    except (OSError, ValueError, TypeError, ImportError, AttributeError):
        return None
    return ref.sha256 if isinstance(ref, StageRef) else None


@dataclass
class StoreCachePolicy(CachePolicy):
    """The stage's key in the result store, as the path of the record that may serve it.

    Reads only: no record is deleted or written while a key is computed.
    """

    def compute_key(
        self, task_ctx: Any, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        spec, job = BY_NAME[inputs["stage"]], inputs["job"]
        key = stage_key(spec, job, inputs["settings"], inputs["inputs"])
        record = serving_record(job.cache_dir, spec.name, key, _recorded_sha256)
        return str(record) if record is not None else None


_stage_task = task(
    run_stage, cache_policy=StoreCachePolicy(), persist_result=True, result_serializer="json",
    result_storage=Path("/"),  # records live in each recording's cache folder: their keys are paths
)  # fmt: skip
STAGE_TASKS = {
    (spec.name, refresh): _stage_task.with_options(
        name=spec.name, task_run_name=f"{spec.name} {{job.recording_id}}", refresh_cache=refresh
    )
    for spec in STAGES
    for refresh in (False, True)
}
STEP_TASKS = {
    step.name: task(run_step, cache_policy=NO_CACHE).with_options(
        name=step.name, task_run_name=f"{step.name} {{job.recording_id}}"
    )
    for step in BATCH_STEPS
}


@task(name="publish", task_run_name="publish {job.recording_id}", cache_policy=NO_CACHE)
def publish(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> str:
    """Write the output files into every out folder, the research folder and the outbox."""
    return publish_outputs(job, settings, refs, STAGES)
