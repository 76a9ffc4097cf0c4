"""``reprocess_archive``: run archived recordings through the stages again.

Unchanged stages are cache hits, so after a rule change only that stage and the ones
after it run. ``from_stage`` goes further and forbids recomputing anything earlier (an
analysis-only run can never start a transcription by accident). A recording that fails
is reported and keeps its earlier outputs; the batch goes on.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow

from flows.batch import finish_batch, run_stages
from pipeline.errors import KijkwijzerError
from pipeline.ingest.finish import RunSummary
from pipeline.ingest.layout import DataRoot
from pipeline.settings import load_settings
from pipeline.stages.jobs import archived_job
from pipeline.stages.plan import STAGE_NAMES, STAGES, downstream_of


@flow(name="reprocess-archive", flow_run_name="reprocess-archive", validate_parameters=False)
def reprocess_archive(
    root: str,
    recording_ids: list[str],
    from_stage: str | None = None,
    force: bool = False,
    config: str | None = None,
) -> RunSummary:
    """Reprocess ``recording_ids``; with ``from_stage``, earlier stages must be cached.

    ``force`` recomputes ``from_stage`` and everything after it even when cached.
    """
    if from_stage is not None and from_stage not in STAGE_NAMES:
        raise KijkwijzerError(f"unknown stage {from_stage!r} (one of: {', '.join(STAGE_NAMES)})")
    began = time.perf_counter()
    settings = load_settings(Path(config) if config else None)
    data_root = DataRoot(Path(root))
    jobs = [archived_job(data_root.path, rid, settings) for rid in recording_ids]
    rerun = downstream_of(from_stage) if from_stage else set(STAGE_NAMES)
    reuse = set(STAGE_NAMES) - rerun
    result = run_stages(jobs, settings, STAGES, reuse=reuse, refresh=rerun if force else ())
    return finish_batch(data_root, jobs, settings, result, RunSummary(), "reprocess", began, False)
