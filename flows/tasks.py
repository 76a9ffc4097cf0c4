"""Prefect tasks: one per stage, cached through the result store, plus publishing and batch steps.

Prefect sees every stage as its own task run with its own state: ``Cached`` when the
stage's key has a stored result, ``Completed`` when it ran, ``Failed`` with the reason.
Its cache record (``<stage>-<key>.prefect`` in the recording's cache folder) holds only a
:class:`~pipeline.stages.store.StageRef`; the result store is the truth, and
:class:`StoreCachePolicy` never lets Prefect serve a record the store disagrees with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE, CachePolicy
from prefect.results import ResultRecord

from pipeline.deliver.publish import publish_outputs
from pipeline.ingest.finish import RunSummary
from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import BATCH_STEPS, BY_NAME, STAGES, load_result, stage_key
from pipeline.stages.runner import run_stage
from pipeline.stages.spec import BatchStep
from pipeline.stages.store import StageRef, existing_ref, prefect_record


def _recorded_sha256(record: Path) -> str | None:
    """The result content a Prefect record points at, or None when it cannot be read."""
    try:
        ref = ResultRecord.deserialize(record.read_bytes()).result
    except (OSError, ValueError, TypeError, ImportError, AttributeError):
        return None
    return ref.sha256 if isinstance(ref, StageRef) else None


@dataclass
class StoreCachePolicy(CachePolicy):
    """The stage's key in the result store, as the path of Prefect's record; reads, never writes.

    The plain record is used while it points at what the store holds. When the store's
    result is damaged or gone, no key is given, so the stage runs and Prefect writes no
    record that could outlive it; when the store holds another result than the record
    says (recomputed meanwhile), a record named after that content is used instead.
    """

    def compute_key(
        self, task_ctx: Any, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        spec, job = BY_NAME[inputs["stage"]], inputs["job"]
        key = stage_key(spec, job, inputs["settings"], inputs["inputs"])
        plain = prefect_record(job.cache_dir, spec.name, key)
        if not plain.exists():
            return str(plain)
        stored = existing_ref(job.cache_dir, spec.name, key)
        if stored is None:
            return None
        if _recorded_sha256(plain) == stored.sha256:
            return str(plain)
        variant = prefect_record(job.cache_dir, spec.name, key, stored.sha256[:12])
        if variant.exists() and _recorded_sha256(variant) != stored.sha256:
            return None
        return str(variant)


_stage_task = task(
    run_stage,
    cache_policy=StoreCachePolicy(),
    persist_result=True,
    result_serializer="json",
    result_storage=Path("/"),  # records live in each recording's cache folder: keys are absolute
)
STAGE_TASKS = {
    (spec.name, refresh): _stage_task.with_options(
        name=spec.name, task_run_name=f"{spec.name} {{job.recording_id}}", refresh_cache=refresh
    )
    for spec in STAGES
    for refresh in (False, True)
}


@task(name="publish", task_run_name="publish {job.recording_id}", cache_policy=NO_CACHE)
def publish(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> str:
    """Write the output files into every out folder, the research folder and the outbox."""
    return publish_outputs(job, settings, refs, STAGES)


def _run_step(step: BatchStep, job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> None:
    """One recording's share of a step that follows a stage for the whole batch."""
    os.umask(0o077)
    step.run(job, settings, {name: load_result(refs[name]) for name in step.inputs})


_step_task = task(_run_step, cache_policy=NO_CACHE)
STEP_TASKS = {
    step.name: _step_task.with_options(name=step.name, task_run_name=f"{step.name} {{job.recording_id}}")
    for step in BATCH_STEPS
}


def summary_artifact(summary: RunSummary, key: str) -> None:
    """Show the outcome per item in the Prefect UI (ids and reason codes only)."""
    from prefect.artifacts import create_table_artifact

    rows = [{"item": rid, "outcome": "processed"} for rid in summary.processed]
    rows += [{"item": rid, "outcome": "unchanged"} for rid in summary.unchanged]
    rows += [{"item": rid, "outcome": "duplicate"} for rid in summary.duplicates]
    rows += [{"item": item, "outcome": f"quarantined: {code}"} for item, code in summary.quarantined]
    rows += [{"item": f.recording_id, "outcome": f"failed in {f.stage}: {f.code}"} for f in summary.failed]
    if rows:
        create_table_artifact(rows, key=key, description="What this run did with each input")
