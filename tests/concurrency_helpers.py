"""Drop many recordings, claim them from several sides at once, and check that none was lost.

The recordings are tiny files that start like FLAC (so the gate accepts them) with a unique
body, so every original can be found again by its content wherever it ended: still in the
inbox, in a claim in ``work/``, in the archive (as the original or a duplicate) or in
quarantine. Run as a script, this module is one side of the race in its own process:

    python tests/concurrency_helpers.py claim ROOT      claim every ready name, slowly
    python tests/concurrency_helpers.py watch ROOT      what a second watcher does, under the lock
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from pipeline.ingest.inbox import claim, scan_inbox
from pipeline.ingest.intake import claim_all, ingest_one
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.locks import root_lock
from pipeline.settings import load_settings

SETTINGS = load_settings(environ={}).orchestration
LATER = 10_000.0  # scan as if every file had settled long ago
CONSENT = """\
klantmanager: "A. de Vries"
client: "C-{number:04d}"
recorded_on: {recorded_on}
consent: {{recording: true, analysis: true, research_use: false}}
retention_days: 30
form_reference: "TF-{number:04d}"
"""


def days_ago(days: int) -> str:
    """A recording date relative to today, so retention never expires in the middle of a test."""
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def drop(root: DataRoot, count: int, recorded_on: str | None = None, prefix: str = "rec") -> dict[str, str]:
    """Drop ``count`` recordings with consent; returns sha256 -> name of each original."""
    originals = {}
    for number in range(count):
        name = f"{prefix}-{number:04d}.flac"
        content = b"fLaC" + hashlib.sha256(f"{prefix}{number}{os.getpid()}{time.time()}".encode()).digest()
        (root.inbox / name).write_bytes(content)
        (root.inbox / f"{name}.consent.yaml").write_text(
            CONSENT.format(number=number, recorded_on=recorded_on or days_ago(10)), encoding="utf-8"
        )
        originals[hashlib.sha256(content).hexdigest()] = name
    return originals


def stored_contents(root: DataRoot) -> Counter[str]:
    """sha256 of every regular file under the data root that can hold an original recording."""
    found: Counter[str] = Counter()
    for folder in (root.inbox, root.work, root.archive, root.quarantine):
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.read_bytes()[:4] == b"fLaC":
                found[hashlib.sha256(path.read_bytes()).hexdigest()] += 1
    return found


def lost(originals: dict[str, str], root: DataRoot) -> list[str]:
    """Names of originals that are nowhere under the root, or stored more than once."""
    found = stored_contents(root)
    return sorted(name for sha, name in originals.items() if found[sha] != 1)


def claim_every_ready(root: DataRoot, pause_s: float = 0.0) -> int:
    """Claim every ready name without the root lock, as the claim step in a watcher does."""
    ready, _ = scan_inbox(root, SETTINGS, now=time.time() + LATER)
    claimed = 0
    for name in ready:
        if claim(root, name, SETTINGS) is not None:
            claimed += 1
        if pause_s:
            time.sleep(pause_s)
    return claimed


def watch_pass(root: DataRoot) -> int:
    """A second watcher's ingest: under the root lock, adopt and tidy claims, claim, archive."""
    with root_lock(root):
        ready, _ = scan_inbox(root, SETTINGS, now=time.time() + LATER)
        intake = claim_all(root, ready, SETTINGS, "test")
        for claimed in intake.claims:
            ingest_one(root, claimed, SETTINGS, "test")
        return len(intake.claims)


def _main(role: str, root: Path) -> int:
    data_root = DataRoot(root)
    try:
        if role == "claim":
            print(claim_every_ready(data_root, pause_s=0.05))
        elif role == "watch":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (watch_pass(data_root) or os.listdir(data_root.inbox)):
                time.sleep(0.05)
        else:
            raise SystemExit(f"unknown role {role!r}")
    except Exception:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], Path(sys.argv[2])))
