"""What a batch gives back: each recording's stage results, how each stage ended, why one failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import KijkwijzerError, MediaError
from pipeline.ingest.errors import IngestRefusal, disk_full, disk_full_cause
from pipeline.stages.store import StageRef


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

    @classmethod
    def of(cls, recording_ids: list[str]) -> BatchResult:
        """An empty result for these recordings."""
        return cls(refs={rid: {} for rid in recording_ids}, states={rid: {} for rid in recording_ids})

    def computed(self, recording_id: str) -> list[str]:
        """The stages that actually ran (not served from the cache) for a recording."""
        return [stage for stage, state in self.states.get(recording_id, {}).items() if state != "Cached"]


def describe_failure(recording_id: str, stage: str, error: object, state_text: str) -> Failure:
    """Turn what a failed step raised (or, without an exception, its state's text) into a Failure."""
    if cause := disk_full_cause(error if isinstance(error, BaseException) else None):
        where = Path(cause.filename).parent if cause.filename else None
        return Failure(recording_id, stage, "disk_full", f"{stage}: {disk_full(where, cause)}")
    bad_input = isinstance(error, MediaError | IngestRefusal)
    if isinstance(error, BaseException):
        fallback = "media_error" if isinstance(error, MediaError) else "stage_failed"
        code = getattr(error, "code", None) or fallback
        text = str(error) if isinstance(error, KijkwijzerError) else f"{type(error).__name__}: {error}"
    else:
        code, text = "stage_failed", state_text
    line = " ".join(text.split())[:400]
    return Failure(recording_id, stage, code, f"{stage}: {line}", bad_input)


class StageFailed(KijkwijzerError):
    """A stage failed for the recording; the message names the stage and the problem."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.exit_code = 1 if failure.code == "stage_failed" else 2
