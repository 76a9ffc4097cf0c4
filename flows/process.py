"""``process_recording``: one recording through every stage, outputs into ``--out``.

The same tasks and batch runner as ``watch_inbox`` and ``reprocess_archive``; only the
job differs: the media stays where the user has it, stage results are cached in a
workspace next to ``--out``, and nothing is delivered to an outbox.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.batch import publish_all, run_stages
from pipeline.settings import load_settings
from pipeline.stages.jobs import RecordingJob, process_job_file
from pipeline.stages.outcome import BatchResult, StageFailed
from pipeline.stages.plan import STAGE_NAMES, STAGES
from pipeline.stages.store import keep_only


@flow(name="process-recording", flow_run_name="process {recording_id}", validate_parameters=False)
def process_recording(
    workspace: str, recording_id: str, config: str | None = None, until: str | None = None
) -> BatchResult:
    """Run the stages (all, or up to ``until``) for the job stored in the workspace.

    Parameters are paths and ids only: Prefect stores flow parameters in its database,
    and consent details or settings (which may hold e-mail addresses) do not belong there.
    """
    settings = load_settings(Path(config) if config else None)
    job = RecordingJob.model_validate_json(process_job_file(Path(workspace), recording_id).read_bytes())
    last = STAGE_NAMES.index(until) if until else len(STAGES) - 1
    result = run_stages([job], settings, STAGES[: last + 1])
    publish_all([job], settings, result)
    if recording_id in result.failures:
        raise StageFailed(result.failures[recording_id])
    keep_only(job.cache_dir, result.refs[recording_id].values(), also=frozenset({"job.json"}))
    return result
