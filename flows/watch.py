"""``watch_inbox``: claim complete files, gate them, archive, process, deliver.

Each run handles everything the inbox holds at that moment, plus anything an earlier,
interrupted run left behind (claims in ``work/``, archived recordings never finished).
Every input ends in the archive (processed, or set aside as a duplicate) or in quarantine
with a reason; nothing is dropped.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.batch import finish_batch, run_stages
from pipeline.ingest.archive import IngestOutcome
from pipeline.ingest.finish import RunSummary
from pipeline.ingest.inbox import Claim, scan_inbox
from pipeline.ingest.intake import claim_all, ingest_one
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import unfinished_recordings
from pipeline.settings import Settings, load_settings
from pipeline.stages.jobs import archived_job

ACTOR = "watch"


@task(name="ingest", task_run_name="ingest {claimed.dir.name}", cache_policy=NO_CACHE)
def ingest(root: DataRoot, claimed: Claim, settings: Settings) -> IngestOutcome:
    """Gate one claim and archive, set aside or quarantine it (never fails for one bad file)."""
    return ingest_one(root, claimed, settings.orchestration, ACTOR)


@flow(name="watch-inbox", flow_run_name="watch-inbox", validate_parameters=False)
def watch_inbox(root: str, config: str | None = None) -> RunSummary:
    """One pass over the inbox (``kijkwijzer watch`` repeats it every poll interval).

    The caller holds the data root's lock (``pipeline.ingest.locks.root_lock``).
    """
    began = time.perf_counter()
    settings = load_settings(Path(config) if config else None)
    data_root = DataRoot(Path(root)).ensure()
    ready, _waiting = scan_inbox(data_root, settings.orchestration)
    intake = claim_all(data_root, ready, settings.orchestration, ACTOR)
    outcomes = list(intake.refused)
    for claimed in intake.claims:  # sequential: a duplicate must see the archive its twin just entered
        outcomes.append(ingest(data_root, claimed, settings))
    summary = RunSummary.after_intake(outcomes)
    jobs = [archived_job(data_root.path, rid, settings) for rid in unfinished_recordings(data_root)]
    result = run_stages(jobs, settings)
    return finish_batch(data_root, jobs, settings, result, summary, ACTOR, began, quarantine_bad_input=True)
