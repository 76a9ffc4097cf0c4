"""Faults in the archive and the outbox, with real recordings and the real commands.

- A read-only outbox (the whole outbox, and so a klantmanager folder that cannot be
  created or written): a clear reason per recording, the sheet stays in the archive, and
  ``reprocess`` delivers it once the outbox is writable.
- Damaged records (a truncated ``recording.json``, a truncated stage result, a missing
  stage folder): ``status`` lists them, ``watch`` and ``purge`` go on, ``reprocess``
  rebuilds or recomputes them, and nothing is deleted.

As root (this machine, CI) the outbox is made read-only with a read-only bind mount,
since root ignores file modes; otherwise with ``chmod``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from orchestration_helpers import cli, clip, consent, leftovers

from pipeline.ingest.audit import read_audit
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta

pytestmark = pytest.mark.slow


def _settle() -> None:
    time.sleep(1.2)  # fast.yaml: complete after 1 s


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        os.chmod(folder, 0o500)
        try:
            yield
        finally:
            os.chmod(folder, 0o700)


def originals(root: DataRoot) -> dict[str, str]:
    """sha256 of every original and consent file in the archive, by path."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for paths in root.recordings()
        for path in (paths.find_media(), paths.consent)
    }


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> DataRoot:
    """A data root with one recording processed and delivered."""
    root = DataRoot(tmp_path_factory.mktemp("faults") / "data").ensure()
    consent(clip(root.inbox / "eerste.flac", 13), number=13)
    _settle()
    result = cli("watch", "--once", "--root", str(root.path))
    assert result.returncode == 0 and "processed: 1" in result.stdout, result.stderr[-3000:]
    return root


def test_read_only_outbox_keeps_the_sheet_for_a_later_delivery(root: DataRoot) -> None:
    consent(clip(root.inbox / "tweede.flac", 14), number=14)  # her folder exists, read-only
    consent(clip(root.inbox / "derde.flac", 15), number=15, klantmanager="B. Jansen")  # folder missing
    _settle()
    with read_only(root.outbox):
        result = cli("watch", "--once", "--root", str(root.path))
        assert result.returncode == 0, result.stderr[-3000:]
        assert "failed: 2" in result.stdout and "internal error" not in result.stderr
        failed = [line for line in result.stdout.splitlines() if line.startswith("  failed ")]
        assert len(failed) == 2
        for line in failed:
            assert "the sheet cannot be delivered there" in line and "stays in the archive" in line, line
        status = cli("status", "--root", str(root.path), config=None)
        assert status.stdout.count("failed  (outbox_unwritable)") == 2, status.stdout
    stuck = [p for p in root.recordings() if load_meta(p).status == "failed"]
    assert len(stuck) == 2 and all((p.out / "sheet.html").is_file() for p in stuck)
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == 1 and leftovers(root.outbox) == []
    again = cli("reprocess", "--root", str(root.path))
    assert again.returncode == 0, again.stderr[-3000:]
    assert all(load_meta(p).status == "done" for p in root.recordings())
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == 3
    assert {p.name for p in root.outbox.iterdir()} == {"a-de-vries", "b-jansen"}


def test_damaged_records_are_reported_then_repaired_and_nothing_is_deleted(root: DataRoot) -> None:
    first, second, third = root.recordings()[:3]
    before = originals(root)
    text = first.meta.read_text(encoding="utf-8")
    first.meta.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated recording.json
    [analysis] = second.cache.glob("analysis-*/result.json")
    analysis.write_bytes(analysis.read_bytes()[:100])  # truncated stage result
    [sheet_stage] = [p for p in third.cache.glob("sheet-*") if p.is_dir()]
    subprocess.run(["rm", "-rf", str(sheet_stage)], check=True)  # a stage folder gone missing

    status = cli("status", "--root", str(root.path), config=None)
    assert status.returncode == 0, status.stderr[-2000:]
    assert "damaged records: 3" in status.stdout, status.stdout
    assert f"{first.recording_id}: recording.json is damaged" in status.stdout
    assert f"{second.recording_id}: analysis: result damaged" in status.stdout
    assert f"{third.recording_id}: sheet: result folder missing" in status.stdout
    for command in (("watch", "--once"), ("purge",)):
        run = cli(*command, "--root", str(root.path))
        assert run.returncode == 0 and "error" not in run.stderr, (command, run.stderr[-2000:])

    repaired = cli("reprocess", "--root", str(root.path))
    assert repaired.returncode == 0, repaired.stdout[-2000:] + repaired.stderr[-3000:]
    assert f"repaired {first.recording_id}" in repaired.stdout
    assert "failed: 0" in repaired.stdout
    status = cli("status", "--root", str(root.path), config=None)
    assert "damaged" not in status.stdout and "archive: 3 done" in status.stdout, status.stdout
    assert originals(root) == before  # every original and consent file still there, unchanged
    assert len(list(first.dir.glob("recording.json.damaged-*"))) == 1  # kept, not deleted
    meta = load_meta(first)
    assert meta.status == "done"
    assert meta.sha256 == hashlib.sha256(first.find_media().read_bytes()).hexdigest()
    assert [e["outcome"] for e in read_audit(root.audit_log) if e["action"] == "repaired"] == ["meta_rebuilt"]
    assert len(list(root.outbox.glob("*/*/sheet.html"))) == 3
