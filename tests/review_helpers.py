"""Archives for the review desk tests: a synthetic one in seconds, the processed TTS sample once.

``desk_archive`` writes a reviewable recording from the sample's scripted turns
(``sheet_helpers.tts_case``) with the real analysis and fragment selection, in the formats the
pipeline writes (``recording.json``, ``out/transcript.json``, ``out/analysis.json``, the
fragment stage's ``result.json``), so the server tests need no ASR. ``processed_sample`` runs
the real ``kijkwijzer watch --once`` on the TTS sample (ASR and all) once per test session.
"""

from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from orchestration_helpers import FAST_CONFIG, KIJKWIJZER, PROJECT, cli
from sheet_helpers import TTS_MEDIA, tts_case

from pipeline.fragments import select_fragments
from pipeline.fsutil import atomic_write_json, atomic_write_text, private_dir
from pipeline.ingest.consent import read_consent
from pipeline.ingest.hashing import recording_id_for, sha256_of
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import RecordingMeta, now_utc, save_meta
from pipeline.settings import load_settings

CONSENT = TTS_MEDIA.with_name(TTS_MEDIA.name + ".consent.yaml")
URL = re.compile(r"review desk: (http://127\.0\.0\.1:(\d+)/([\w-]+)/\S*)")


def desk_archive(base: Path, research_use: bool = True) -> tuple[DataRoot, str]:
    """A data root with one reviewable recording (the TTS sample's script, analysed for real)."""
    settings = load_settings(environ={})
    root = DataRoot(base).ensure()
    sha = sha256_of(TTS_MEDIA)
    recording_id = recording_id_for(sha)
    paths = root.recording(recording_id)
    private_dir(paths.dir)
    shutil.copyfile(TTS_MEDIA, paths.media(".mp4"))
    consent = read_consent(CONSENT, settings.orchestration.ingest.sidecar)
    consent = consent.model_copy(
        update={"consent": consent.consent.model_copy(update={"research_use": research_use})}
    )
    save_meta(
        paths,
        RecordingMeta(
            recording_id=recording_id, sha256=sha, size_bytes=TTS_MEDIA.stat().st_size,
            media_file="original.mp4", original_name="gesprek.mp4", consent=consent,
            ingested_at=now_utc(), status="done", processed_at=now_utc(),
        ),
    )  # fmt: skip
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    atomic_write_json(paths.out / "transcript.json", conversation.model_dump(mode="json"))
    atomic_write_json(paths.out / "analysis.json", analysis.model_dump(mode="json"))
    atomic_write_text(paths.out / "interview_guide.html", "<!DOCTYPE html><title>leidraad</title>")
    atomic_write_json(
        paths.cache / "fragments-test" / "result.json", [f.model_dump(mode="json") for f in fragments]
    )
    return root, recording_id


def _cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@lru_cache(maxsize=1)
def processed_sample() -> Path:
    """A data root in which ``watch --once`` processed the TTS sample video (about 2-4 minutes)."""
    base = Path(tempfile.mkdtemp(prefix="kijkwijzer-desk-"))
    atexit.register(_cleanup, base)
    root = base / "root"
    inbox = private_dir(root / "inbox")
    shutil.copyfile(TTS_MEDIA, inbox / "gesprek.mp4")
    shutil.copyfile(CONSENT, inbox / "gesprek.mp4.consent.yaml")
    time.sleep(1.2)  # fast.yaml: a file is complete after 1 s without writes
    result = cli("watch", "--once", "--root", str(root))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "processed: 1" in result.stdout, result.stdout
    return root


def copy_of_sample(target: Path) -> DataRoot:
    """A private copy of the processed sample's data root (tests change it)."""
    shutil.copytree(processed_sample(), target, symlinks=True)
    return DataRoot(target)


def start_desk(
    root: Path, *args: str, config: Path | None = FAST_CONFIG
) -> tuple[subprocess.Popen, str, int, str]:
    """Start the real ``kijkwijzer review`` (no browser); return the process, URL, port and token."""
    argv = [str(KIJKWIJZER), *(["--config", str(config)] if config else []), "review", "--root", str(root),
            "--no-browser", "--researcher", "onderzoeker-1", *args]  # fmt: skip
    process = subprocess.Popen(argv, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := URL.search(line):
            return process, match.group(1), int(match.group(2)), match.group(3)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"review did not start: {line!r} {process.stderr.read() if process.stderr else ''}")


def stop_desk(process: subprocess.Popen) -> None:
    """Stop the desk (SIGTERM, which it handles like Ctrl-C) and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
