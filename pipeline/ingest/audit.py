"""The audit log: one JSON line per thing that happened to a recording or an input.

It must let a privacy officer reconstruct what was processed, refused, purged or
forgotten, and it must itself contain nothing personal: no names, no file names, no
transcript text. Every value is therefore restricted to ids, codes, numbers and
timestamps; a caller that passes free text gets an error instead of a leak.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from pathlib import Path
from typing import Any

from pipeline.fsutil import FILE_MODE, private_dir

_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.:+\-]{0,80}$")
ACTIONS = (
    "ingested",  # moved from the inbox into the archive
    "duplicate",  # same content as an archived recording; kept aside, not processed
    "quarantined",  # refused or failed; moved to quarantine with a reason
    "processed",  # all stages finished and outputs written
    "failed",  # a stage failed during reprocessing; the recording stays in the archive
    "refused",  # `kijkwijzer process` refused an input (nothing stored)
    "purged",  # retention expired: media and personal derived data removed
    "forgotten",  # erased on request with `kijkwijzer forget`
    "repaired",  # a damaged recording.json rebuilt from the consent file and the original
    "corrected",  # a researcher's correction on the review desk (outcome: its kind; no content)
)


def _check(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _SAFE_TEXT.match(value):
        return value
    raise ValueError(f"audit field {name!r} must be an id, code or number, not free text")


def audit(log: Path, action: str, recording_id: str | None, outcome: str, actor: str, **fields: Any) -> None:
    """Append one entry; extra ``fields`` must be ids, codes or numbers as well."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "action": action,
        "recording_id": _check("recording_id", recording_id),
        "outcome": _check("outcome", outcome),
        "actor": _check("actor", actor),
    }
    entry.update({key: _check(key, value) for key, value in sorted(fields.items())})
    line = (json.dumps(entry, ensure_ascii=True) + "\n").encode("ascii")
    private_dir(log.parent)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # Dask workers on one machine may append at once
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_audit(log: Path) -> list[dict[str, Any]]:
    """All entries, oldest first (for ``kijkwijzer status`` and tests)."""
    if not log.is_file():
        return []
    with open(log, encoding="ascii") as handle:
        return [json.loads(line) for line in handle if line.strip()]
