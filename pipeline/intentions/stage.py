"""The history step: each analysed recording's intention metrics, for later sheets.

It runs after the whole batch's analyses and before any sheet, so every sheet sees every
earlier recording ("Sinds vorige keer"), whichever order the batch ran in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import BatchStep


def _pending(
    jobs: list[RecordingJob], settings: Settings, states: dict[str, dict[str, str]]
) -> list[RecordingJob]:
    """Archived recordings with a new analysis, or missing from the history (an interrupted run).

    A cached analysis was recorded when it was computed, so it is not written again.
    """
    from pipeline.intentions.store import load_history

    recorded: dict[tuple[Path, str], set[str]] = {}
    pending = []
    for job in jobs:
        if job.data_root is None or "analysis" not in states[job.recording_id]:
            continue
        where = (job.data_root, job.consent.klantmanager)
        if where not in recorded:
            history = load_history(job.data_root, job.consent.klantmanager, settings)
            recorded[where] = {record.recording_id for record in history.records}
        cached = states[job.recording_id]["analysis"] == "Cached"
        if not (cached and job.recording_id in recorded[where]):
            pending.append(job)
    return pending


def _record(job: RecordingJob, settings: Settings, results: dict[str, Any]) -> None:
    """Store this recording's intention metrics so later sheets can show "Sinds vorige keer"."""
    from pipeline.intentions.store import record_metrics
    from pipeline.intentions.values import intention_metrics

    analysis, conversation = results["analysis"], results["align"]
    metrics = intention_metrics(analysis, conversation, settings)
    assert job.data_root is not None
    record_metrics(
        job.data_root, job.consent.klantmanager, job.recording_id, job.consent.recorded_on,
        metrics, conversation.duration_s, settings,
    )  # fmt: skip


HISTORY = BatchStep(
    "record-history", after="analysis", inputs=("analysis", "align"), pending=_pending, run=_record
)
