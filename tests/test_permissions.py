"""Everything the pipeline writes is owner-only: files 0600, folders 0700.

The commands run as real subprocesses with a permissive umask (022), so a file that comes out
owner-only does so because the app made it so, not because the test environment did.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from privacy_helpers import (
    KIJKWIJZER,
    guarded_environment,
    lifecycle,
    owner_only_violations,
    process_run,
    registered_commands,
    run_offline,
    short_clip,
)

from pipeline.fsutil import atomic_write_text, private_dir

VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
<v klantmanager>Goedemorgen. Hoe gaat het met je?

00:00:04.500 --> 00:00:09.000
<v client>Het gaat wel. Ik vond het spannend om hier te komen.

00:00:09.500 --> 00:00:13.000
<v klantmanager>Dat klinkt alsof het je veel deed. Wat maakte het spannend?

00:00:14.000 --> 00:00:20.000
<v client>Ik weet niet wat er gaat gebeuren met mijn uitkering.
"""


def test_fsutil_is_owner_only_under_a_permissive_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        target = atomic_write_text(tmp_path / "a" / "b" / "file.txt", "inhoud")
        folder = private_dir(tmp_path / "c" / "d")
    finally:
        os.umask(previous)
    assert owner_only_violations(tmp_path / "a") == []
    assert owner_only_violations(tmp_path / "c") == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert folder.is_dir()


@pytest.mark.slow
def test_transcribe_writes_owner_only(tmp_path):
    env, _ = guarded_environment(tmp_path)
    media = short_clip(tmp_path / "media" / "gesprek.wav", seconds=10)
    out = tmp_path / "nested" / "out"
    result = run_offline([str(KIJKWIJZER), "transcribe", str(media), "--out", str(out)], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "transcript.json").exists()
    assert owner_only_violations(tmp_path / "nested") == []


def test_analyse_writes_owner_only(tmp_path):
    if "analyse" not in registered_commands():
        pytest.skip("waiting for `kijkwijzer analyse` (analysis, issue 4)")
    env, _ = guarded_environment(tmp_path)
    transcript = tmp_path / "gesprek.vtt"
    transcript.write_text(VTT, encoding="utf-8")
    out = tmp_path / "nested" / "analysis"
    result = run_offline([str(KIJKWIJZER), "analyse", str(transcript), "--out", str(out)], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert any(out.iterdir())
    assert owner_only_violations(tmp_path / "nested") == []


@pytest.mark.slow
def test_process_writes_owner_only():
    run = process_run()
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    problems = owner_only_violations(run.out) + owner_only_violations(run.workspace)
    assert _real_problems(problems, run.out) == []


@pytest.mark.slow
def test_watch_writes_owner_only_everywhere_in_the_data_root():
    """After `watch --once`: archive, outbox, research exports, audit log, Prefect's database.

    Hostile inputs kept in quarantine exactly as they arrived (symlinks, a FIFO, a dropped
    folder and its contents: moved, never followed or opened) are the only exemptions.
    """
    run = lifecycle()
    assert run.results["watch"].returncode == 0, run.results["watch"].stderr[-3000:]
    assert _real_problems(run.violations_after_watch, run.root) == []


def _real_problems(problems: list[str], top: Path) -> list[str]:
    """The problems left after the exemptions above, and after symlinks the pipeline made to
    its own files (the sheet's link to the archived recording)."""
    real = []
    for problem in problems:
        path_text, _, what = problem.rpartition(": ")
        path = Path(path_text)
        if what == "symlink" and path.resolve().is_relative_to(top.resolve()):
            continue
        if _kept_as_dropped(path, top):
            continue
        real.append(problem)
    return real


def _kept_as_dropped(path: Path, top: Path) -> bool:
    """A quarantined input that is not a regular file (or lies inside a dropped folder)."""
    parts = path.relative_to(top).parts
    if len(parts) < 3 or parts[0] != "quarantine":
        return False
    entry = top.joinpath(*parts[:3])
    return entry.is_symlink() or not entry.is_file()
