"""A full disk during a run: one clear line, exit code 2, nothing half-written, nothing lost.

The data root (and for ``process`` the output folder) lives on a small tmpfs that is filled
up right before the command runs, so the first stage results no longer fit. Afterwards the
original must be unchanged, no temporary or partial file may be left, and once space is
freed the same command must finish the work. Mounting needs root (this machine and CI run
as root); elsewhere the test is skipped with that reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from orchestration_helpers import cli, clip, consent, leftovers

from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root"),
]
STAGE_FOLDER = re.compile(r"^[a-z]+-[0-9a-f]{24}$")
FREE_BYTES = 48 * 1024  # room for the claim and the metadata, not for the stage results


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "8m") -> Iterator[Path]:
    path.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(mount: Path, leave: int = FREE_BYTES) -> Path:
    """Fill the file system up to ``leave`` free bytes; returns the filler to delete later."""
    info = os.statvfs(mount)
    free = info.f_bavail * info.f_frsize
    filler = mount / "filler.bin"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_disk_full(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr[-3000:])
    errors = [line for line in result.stderr.splitlines() if line.startswith("kijkwijzer: ")]
    assert len(errors) == 1 and errors[0].startswith("kijkwijzer: error: "), result.stderr[-3000:]
    assert "disk is full" in errors[0] and "internal error" not in result.stderr
    print(errors[0])  # for the record of which step hit the full disk


def assert_nothing_half_written(folder: Path) -> None:
    assert leftovers(folder) == []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".prefect"):
            json.loads(path.read_bytes())  # every record is complete
        if path.is_dir() and STAGE_FOLDER.match(path.name):
            assert (path / "result.json").is_file(), path  # no stage folder without its result


def test_watch_on_a_full_disk_then_with_space(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk") as mount:
        root = DataRoot(mount / "data").ensure()
        media = clip(root.inbox / "gesprek.flac", 11)
        consent(media, number=11)
        original = sha(media)
        time.sleep(1.2)  # fast.yaml: complete after 1 s
        filler = fill(mount)
        full = cli("watch", "--once", "--root", str(root.path))
        assert_one_line_disk_full(full)
        kept = [p.find_media() for p in root.recordings()] or [media]
        assert [sha(p) for p in kept if p is not None] == [original]  # untouched, wherever it is
        assert not list(root.outbox.rglob("*")) and list(root.quarantine.iterdir()) == []
        assert_nothing_half_written(root.path)
        filler.unlink()
        again = cli("watch", "--once", "--root", str(root.path))
        assert again.returncode == 0, again.stderr[-3000:]
        assert "processed: 1" in again.stdout
        [paths] = root.recordings()
        assert load_meta(paths).status == "done" and sha(paths.find_media()) == original
        assert len(list(root.outbox.glob("*/*/sheet.html"))) == 1
        assert_nothing_half_written(root.path)


def test_process_on_a_full_disk_then_with_space(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk") as mount:
        media = clip(mount / "gesprek.flac", 12)
        consent(media, number=12)
        original = sha(media)
        out = mount / "uit"
        filler = fill(mount)
        full = cli("process", str(media), "--out", str(out))
        assert_one_line_disk_full(full)
        assert sha(media) == original
        assert not out.exists() or list(out.iterdir()) == []  # no partial outputs
        assert_nothing_half_written(mount)
        filler.unlink()
        again = cli("process", str(media), "--out", str(out))
        assert again.returncode == 0, again.stderr[-3000:]
        assert (out / "sheet.html").is_file() and sha(media) == original
        assert_nothing_half_written(mount)
