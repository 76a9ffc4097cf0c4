"""One inbox item never stops the pass: claim and ingest each item on its own.

Whatever goes wrong with one file (an odd name, an I/O error on it, a bug in a check)
is caught here, and the file goes to quarantine with a reason, so the other files of the
pass are still claimed and processed. Only a full disk stops the pass, since then no
file can be stored and quarantining would fail as well: it raises
:class:`~pipeline.ingest.errors.DiskFullError` and every file stays where it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.archive import IngestOutcome, ingest_claim
from pipeline.ingest.errors import disk_full, disk_full_cause
from pipeline.ingest.inbox import Claim, claim, pending_claims, release, sidecar_name_for
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.names import printable
from pipeline.ingest.quarantine import item_id, quarantine
from pipeline.settings.orchestration import OrchestrationSettings

log = logging.getLogger(__name__)


@dataclass
class Intake:
    """The claims of one pass, and the items quarantined before they could be claimed."""

    claims: list[Claim] = field(default_factory=list)
    refused: list[IngestOutcome] = field(default_factory=list)


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


def _quarantine_or_leave(
    root: DataRoot, files: list[tuple[Path, str]], code: str, message: str, actor: str
) -> IngestOutcome | None:
    """Quarantine ``files``; if even that fails, leave them where they are for the next pass."""
    try:
        present = [(path, name) for path, name in files if path.exists() or path.is_symlink()]
        folder = quarantine(root, present, code, message, actor)
    except Exception as exc:  # the files stay put, nothing is lost; the next pass retries
        if cause := disk_full_cause(exc):
            raise disk_full(root.path, cause) from exc
        log.warning("could not quarantine an item (%s); it stays for the next pass", _describe(exc))
        return None
    return IngestOutcome("quarantined", code=code, message=message, item=item_id(folder))


def claim_all(root: DataRoot, ready: list[str], settings: OrchestrationSettings, actor: str) -> Intake:
    """Claims left by an interrupted run plus every ready name; call under the root lock."""
    intake = Intake(claims=pending_claims(root, settings))
    for name in ready:
        try:
            claimed = claim(root, name, settings)
        except Exception as exc:
            if cause := disk_full_cause(exc):
                raise disk_full(root.path, cause) from exc
            message = f"{printable(name)[:120]!r}: cannot be claimed from the inbox ({_describe(exc)})"
            files = [(root.inbox / name, name)]
            sidecar = sidecar_name_for(name, settings)
            if sidecar is not None:
                files.append((root.inbox / sidecar, sidecar))
            outcome = _quarantine_or_leave(root, files, "unclaimable", message, actor)
            if outcome is not None:
                intake.refused.append(outcome)
            continue
        if claimed is not None:
            intake.claims.append(claimed)
    return intake


def ingest_one(root: DataRoot, claimed: Claim, settings: OrchestrationSettings, actor: str) -> IngestOutcome:
    """:func:`ingest_claim`, with any unexpected error quarantining this claim instead of the pass."""
    try:
        return ingest_claim(root, claimed, settings, actor)
    except Exception as exc:
        if cause := disk_full_cause(exc):
            raise disk_full(root.path, cause) from exc
        message = f"{printable(claimed.original_name)[:120]!r}: could not be archived ({_describe(exc)})"
        outcome = _quarantine_or_leave(root, claimed.files, "ingest_error", message, actor)
        if outcome is None:
            return IngestOutcome("left", code="ingest_error", message=message)
        release(claimed)
        return outcome
