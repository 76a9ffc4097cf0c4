"""``deliver.review``: ``auto`` delivers at once (today's behaviour), ``required`` holds the sheet.

Real ``kijkwijzer watch --once`` and ``reprocess`` runs on a short two-voice clip of the TTS
sample (the orchestration tests' clips), with the orchestration tests' fast config.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from orchestration_helpers import FAST_CONFIG, cli, clip, consent

from pipeline.deliver.outbox import outbox_folder
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.review.hold import held_dir
from pipeline.review.records import append_record

pytestmark = pytest.mark.slow  # real ASR on short clips


def _config(tmp_path: Path, review: str) -> Path:
    data = yaml.safe_load(FAST_CONFIG.read_text(encoding="utf-8"))
    data["deliver"] = {"review": review}
    path = tmp_path / f"review-{review}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _ingest(tmp_path: Path, number: int) -> DataRoot:
    root = DataRoot(tmp_path / "root").ensure()
    consent(clip(root.inbox / "gesprek.flac", number), number=number)
    time.sleep(1.2)  # fast.yaml: a file is complete after 1 s without writes
    return root


def test_auto_delivers_at_once(tmp_path: Path) -> None:
    root = _ingest(tmp_path, 3)
    result = cli("watch", "--once", "--root", str(root.path), config=_config(tmp_path, "auto"))
    assert result.returncode == 0, result.stderr[-2000:]
    [paths] = root.recordings()
    meta = load_meta(paths)
    folder = outbox_folder(
        root.outbox, meta.consent.klantmanager, paths.recording_id, meta.consent.recorded_on
    )
    assert (folder / "sheet.html").is_file()
    assert not held_dir(root, paths.recording_id).exists()
    status = cli("status", "--root", str(root.path), config=_config(tmp_path, "auto"))
    assert "waiting for review" not in status.stdout


def test_required_holds_the_sheet_until_published(tmp_path: Path) -> None:
    root = _ingest(tmp_path, 4)
    config = _config(tmp_path, "required")
    result = cli("watch", "--once", "--root", str(root.path), config=config)
    assert result.returncode == 0, result.stderr[-2000:]
    [paths] = root.recordings()
    rid = paths.recording_id
    meta = load_meta(paths)
    folder = outbox_folder(root.outbox, meta.consent.klantmanager, rid, meta.consent.recorded_on)
    held = held_dir(root, rid)
    assert not folder.exists() and (held / "sheet.html").is_file() and (held / "fragments.json").is_file()
    assert {p.stat().st_mode & 0o777 for p in held.iterdir()} == {0o600}
    status = cli("status", "--root", str(root.path), config=config)
    assert "waiting for review: 1" in status.stdout and f"  {rid}" in status.stdout

    again = cli("reprocess", "--root", str(root.path), config=config)  # a routine reprocess: still held
    assert again.returncode == 0, again.stderr[-2000:]
    assert not folder.exists() and (held / "sheet.html").is_file()

    append_record(root, rid, "onderzoeker-1", "general_note", after="Eerste indruk: rustig gesprek.")
    append_record(root, rid, "onderzoeker-1", "publish")  # what the desk's publish button records
    published = cli("reprocess", "--root", str(root.path), config=config)
    assert published.returncode == 0, published.stderr[-2000:]
    assert "Eerste indruk: rustig gesprek." in (folder / "sheet.html").read_text(encoding="utf-8")
    assert not held.exists()
    status = cli("status", "--root", str(root.path), config=config)
    assert "waiting for review: 0" in status.stdout
