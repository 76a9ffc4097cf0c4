"""``kijkwijzer status`` is read-only: it changes nothing under the data root, whatever it finds.

The data root holds what status used to tidy (an interrupted claim, a staging folder of a
claim in progress, an emptied claim), a damaged record and a quarantine item; after status
every path, size and modification time is the same, and a missing data root is not created.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from concurrency_helpers import SETTINGS, drop
from orchestration_helpers import cli

from pipeline.ingest.inbox import claim
from pipeline.ingest.intake import ingest_one
from pipeline.ingest.layout import DataRoot


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def test_status_changes_nothing(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    names = sorted(n for n in drop(root, 4).values())
    claim(root, names[0], SETTINGS)  # an interrupted claim: media and sidecar in work/
    archived = ingest_one(root, claim(root, names[1], SETTINGS), SETTINGS, "test")
    archived.paths.meta.write_text("{", encoding="utf-8")  # damaged record
    staging = root.work / ".new-claim-1-busy"  # a claim being assembled right now
    staging.mkdir(mode=0o700)
    (staging / "claim.json").write_text(json.dumps({"original_name": names[2], "sidecar_name": None}))
    (root.work / "claim-2-empty").mkdir(mode=0o700)  # its files archived, its removal interrupted
    os.rename(root.inbox / names[3], tmp_path / "weg.flac")  # a sidecar alone in the inbox
    before = _snapshot(root.path)
    result = cli("status", "--root", str(root.path), config=None)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "claimed, not yet archived: 3" in result.stdout
    assert "damaged records: 1" in result.stdout
    assert _snapshot(root.path) == before
    missing = tmp_path / "nergens"
    assert cli("status", "--root", str(missing), config=None).returncode == 0
    assert not missing.exists()
