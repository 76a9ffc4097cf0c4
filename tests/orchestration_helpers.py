"""Real media, consent records and CLI runs for the orchestration and reliability tests.

Clips are cut from the committed TTS conversation along its ground-truth utterances, so
each holds a klantmanager turn and a client turn (two voices) and the real stages run
on real speech, while every clip stays a few seconds long to keep CI time sane.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import urllib.request
from functools import lru_cache
from pathlib import Path

import numpy as np
from mediafactory import write_media

from flows.runtime.orphans import PID_TAG

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "sample_media" / "gesprek_tts.flac"
FAST_CONFIG = PROJECT / "tests" / "data" / "orchestration" / "fast.yaml"
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")
CONSENT = """\
klantmanager: "{klantmanager}"
client: "C-{number:04d}"
recorded_on: {recorded_on}
consent:
  recording: true
  analysis: true
  research_use: {research_use}
retention_days: {retention_days}
form_reference: "TF-2026-{number:04d}"
participants: 2
"""


@lru_cache(maxsize=1)
def _sample() -> np.ndarray:
    from pipeline.audio import load_audio

    return load_audio(SAMPLE).samples


@lru_cache(maxsize=1)
def _windows(max_s: float) -> list[tuple[float, float]]:
    """Spans of two consecutive utterances by different speakers, at most ``max_s`` long."""
    utterances = json.loads(SAMPLE.with_suffix(".json").read_text(encoding="utf-8"))["utterances"]
    spans = []
    for first, second in itertools.pairwise(utterances):
        start, end = first["start"] - 0.2, second["end"] + 0.2
        if first["speaker"] != second["speaker"] and end - start <= max_s:
            spans.append((max(start, 0.0), end))
    return spans


def clip(path: Path, index: int, max_s: float = 9.0) -> Path:
    """Write the ``index``-th two-voice clip (distinct content per index) to ``path``."""
    spans = _windows(max_s)
    start, end = spans[index % len(spans)]
    samples = _sample()[int(start * 16000) : int(end * 16000)]
    if index >= len(spans):  # more clips than spans: vary the level so the content differs
        samples = samples * (0.9 ** (index // len(spans)))
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_media(path, samples.astype(np.float32))


def consent(
    media: Path,
    number: int = 1,
    klantmanager: str = "A. de Vries",
    recorded_on: str = "2026-11-20",
    research_use: bool = False,
    retention_days: int = 90,
) -> Path:
    """Write ``<media>.consent.yaml``."""
    sidecar = media.with_name(media.name + ".consent.yaml")
    sidecar.write_text(
        CONSENT.format(
            klantmanager=klantmanager, number=number, recorded_on=recorded_on,
            research_use=str(research_use).lower(), retention_days=retention_days,
        ),
        encoding="utf-8",
    )  # fmt: skip
    return sidecar


def cli(*args: str, timeout: float = 900, config: Path | None = FAST_CONFIG) -> subprocess.CompletedProcess:
    """Run the real ``kijkwijzer`` command (a separate process, like a researcher would)."""
    argv = [str(KIJKWIJZER), *(["--config", str(config)] if config else []), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=PROJECT)


def leftovers(root: Path) -> list[Path]:
    """Temporary files or folders a crash could leave behind (there must be none)."""
    return [p for p in root.rglob("*") if p.name.endswith((".tmp", ".partial")) or ".tmp" in p.suffixes]


def all_files(root: Path) -> list[Path]:
    """Every regular file under ``root``."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def flow_run_states(prefect_home: Path) -> dict[int, str]:
    """State type of every flow run on the local Prefect server of ``prefect_home``, keyed
    by the process id of the command that started it (its owner tag)."""
    url = json.loads((prefect_home / "server.json").read_text(encoding="utf-8"))["url"]
    request = urllib.request.Request(
        f"{url}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        runs = json.load(response)
    return {
        int(tag[len(PID_TAG) :]): run["state_type"]
        for run in runs
        for tag in run["tags"]
        if tag.startswith(PID_TAG)
    }
