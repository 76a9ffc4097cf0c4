"""Serve a recording whose every stage is already stored, without an orchestrator.

A fully cached ``kijkwijzer process`` used to start (or find) the Prefect server, import
Prefect and every stage's libraries, and submit one task per stage only to hear
``Cached`` eight times: 13-17 s for no work. The result store already knows the answer:
the engine's own keys (:func:`pipeline.stages.plan.stage_key`), looked up with no side
effects. When every stage is there, the outputs are published straight from the store;
when one is missing, nothing has been written and the caller runs the flow as before,
so every run that computes something is still a Prefect flow run.
"""

from __future__ import annotations

from pipeline.deliver.publish import publish_outputs
from pipeline.settings import Settings
from pipeline.stages import progress
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import STAGES, stage_key
from pipeline.stages.store import StageRef, existing_ref, keep_only


def stored_refs(job: RecordingJob, settings: Settings) -> dict[str, StageRef] | None:
    """Every applicable stage's stored result for ``job``, or None when one is missing.

    Reads only: keys are computed in plan order from the upstream results' hashes, the
    same way :func:`pipeline.stages.runner.run_stage` computes them.
    """
    refs: dict[str, StageRef] = {}
    for spec in STAGES:
        if not spec.when(job):
            continue
        if any(name not in refs for name in spec.inputs):
            return None  # an input stage did not apply: let the engine decide
        key = stage_key(spec, job, settings, {name: refs[name] for name in spec.inputs})
        found = existing_ref(job.cache_dir, spec.name, key)
        if found is None:
            return None
        refs[spec.name] = found
    return refs


def publish_stored(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> None:
    """Publish ``job``'s outputs from the stored results ``refs`` (from :func:`stored_refs`).

    Only for jobs outside an archive (``kijkwijzer process``): an archived recording also
    has a history step and a status to record, which the flows own.
    """
    if job.data_root is not None:
        raise ValueError(f"{job.recording_id}: archived recordings are published by their flow")
    for stage in refs:
        progress.report(job.recording_id, stage, "cached")
    publish_outputs(job, settings, refs, STAGES)
    keep_only(job.cache_dir, refs.values(), also=frozenset({"job.json"}))
