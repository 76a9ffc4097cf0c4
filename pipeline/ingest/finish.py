"""What happens to archived recordings after a batch: done, reported, or quarantined.

This is archive bookkeeping (``recording.json``, the audit log, quarantine); the flows call
it with what the stage engine gave back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.ingest.archive import IngestOutcome, quarantine_recording
from pipeline.ingest.audit import audit
from pipeline.ingest.errors import DiskFullError
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.quarantine import item_id
from pipeline.ingest.records import load_meta, now_utc, update_meta
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.outcome import BatchResult, Failure
from pipeline.stages.store import keep_only


@dataclass
class RunSummary:
    """Counts and reasons for the closing summary of ``watch`` and ``reprocess``."""

    processed: list[str] = field(default_factory=list)  # outputs (re)written
    unchanged: list[str] = field(default_factory=list)  # everything served from the cache
    failed: list[Failure] = field(default_factory=list)  # reported, left in the archive
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (item, reason code)
    duplicates: list[str] = field(default_factory=list)
    disk_full: list[Failure] = field(default_factory=list)  # left as they were, for the next run
    seconds: float = 0.0  # time inside the flow, without process and Prefect start-up

    @classmethod
    def after_intake(cls, outcomes: list[IngestOutcome]) -> RunSummary:
        """A summary that starts with what the intake quarantined or set aside as duplicates."""
        summary = cls()
        for outcome in outcomes:
            if outcome.outcome == "quarantined":
                summary.quarantined.append((outcome.item or "item", outcome.code or "refused"))
            elif outcome.outcome == "duplicate" and outcome.paths is not None:
                summary.duplicates.append(outcome.paths.recording_id)
        return summary

    def lines(self) -> list[str]:
        """Human-readable summary lines (ids and reasons only)."""
        recordings = len(self.processed) + len(self.unchanged) + len(self.failed)
        per = f" ({self.seconds / recordings:.2f} s per recording)" if recordings else ""
        out = [
            f"processed: {len(self.processed)}",
            f"unchanged (all cached): {len(self.unchanged)}",
            f"duplicates set aside: {len(self.duplicates)}",
            f"quarantined: {len(self.quarantined)}",
            f"failed: {len(self.failed)}",
            f"flow time: {self.seconds:.1f} s{per}",
        ]
        out += [f"  quarantined {item}: {code}" for item, code in self.quarantined]
        out += [f"  failed {f.recording_id}: {f.message}" for f in self.failed]
        return out

    def rows(self) -> list[dict[str, str]]:
        """The outcome per item, for a table in the orchestrator's UI (ids and reason codes only)."""
        rows = [{"item": rid, "outcome": "processed"} for rid in self.processed]
        rows += [{"item": rid, "outcome": "unchanged"} for rid in self.unchanged]
        rows += [{"item": rid, "outcome": "duplicate"} for rid in self.duplicates]
        rows += [{"item": item, "outcome": f"quarantined: {code}"} for item, code in self.quarantined]
        rows += [{"item": f.recording_id, "outcome": f"failed in {f.stage}: {f.code}"} for f in self.failed]
        return rows


def finish_archived(
    root: DataRoot,
    jobs: list[RecordingJob],
    result: BatchResult,
    actor: str,
    quarantine_bad_input: bool,
    summary: RunSummary,
) -> None:
    """Record each recording's outcome in ``recording.json`` and the audit log.

    New inputs that cannot be used (undecodable, no audio) are quarantined (``watch``).
    Anything else - a failing reprocess, a bug, the Prefect API going away - is reported
    and the recording stays in the archive marked ``failed``, since the recording itself
    is fine; ``kijkwijzer reprocess`` retries it. A full disk changes nothing (writing the
    state would need space too): the recording stays as it was and the next run finishes it.
    """
    for job in jobs:
        rid = job.recording_id
        paths = root.recording(rid)
        failure = result.failures.get(rid)
        if failure is not None and failure.code == "disk_full":
            summary.disk_full.append(failure)  # its state stays, so the next run finishes it
        elif failure is not None and quarantine_bad_input and failure.bad_input:
            folder = quarantine_recording(root, paths, failure.code, failure.message, actor)
            summary.quarantined.append((item_id(folder), failure.code))
        elif failure is not None:
            update_meta(paths, status="failed", error_code=failure.code, error=failure.message)
            audit(root.audit_log, "failed", rid, failure.code, actor, stage=failure.stage)
            summary.failed.append(failure)
        else:
            key = result.outputs[rid]
            changed = bool(result.computed(rid)) or load_meta(paths).outputs_key != key
            update_meta(
                paths, status="done", outputs_key=key, error_code=None, error=None,
                **({"processed_at": now_utc()} if changed else {}),
            )  # fmt: skip
            audit(root.audit_log, "processed", rid, "outputs_written" if changed else "unchanged", actor)
            (summary.processed if changed else summary.unchanged).append(rid)
            keep_only(job.cache_dir, result.refs[rid].values())


def raise_if_disk_full(summary: RunSummary, root: DataRoot) -> None:
    """End the flow in a Failed state with the one-line reason when the disk was full."""
    if summary.disk_full:
        raise DiskFullError(f"{root.path}: {summary.disk_full[0].message}")
