"""Build a long conversation (any number of minutes) from the committed sample recordings.

The utterances of the TTS conversation and of the real-speech clips (``sample_media/*.json``
give each one's time span and role) are laid end to end in blocks of consecutive turns,
so the talk flows locally, with gaps of realistic length between turns, an occasional long
silence, and some overlaps where the next speaker starts before the other has finished.
Roles are kept (klantmanager or client), so the result has two roles; it has four voices,
two per source, because the sources were recorded with different voices.

Used by ``bench/long_recording.py`` (60 minutes by default) and the 10-minute end-to-end
test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mediafactory import write_media

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = ("gesprek_tts", "real_dev_dialogue", "real_dev_hard")
RATE = 16000


@dataclass(frozen=True)
class Built:
    """What was placed: the file, its length and the reference turns (role, start, end)."""

    path: Path
    duration_s: float
    turns: list[tuple[str, float, float]]
    overlaps: int


def _utterances(name: str) -> tuple[np.ndarray, list[dict]]:
    from pipeline.audio import load_audio

    media = PROJECT / "sample_media" / f"{name}.flac"
    info = json.loads(media.with_suffix(".json").read_text(encoding="utf-8"))
    return load_audio(media).samples, info["utterances"]


def build(path: Path, minutes: float, seed: int = 14) -> Built:
    """Write a ``minutes``-long conversation to ``path`` (any container mediafactory knows)."""
    rng = np.random.default_rng(seed)
    sources = [_utterances(name) for name in SOURCES]
    total = int(minutes * 60 * RATE)
    buffer = np.zeros(total + 30 * RATE, dtype=np.float32)
    turns: list[tuple[str, float, float]] = []
    overlaps = 0
    cursor = int(0.5 * RATE)
    previous_role = None
    block = 0
    while cursor < total:
        samples, utterances = sources[block % len(sources)]
        first = int(rng.integers(0, max(1, len(utterances) - 12)))
        for utterance in utterances[first : first + int(rng.integers(8, 16))]:
            piece = samples[int(utterance["start"] * RATE) : int(utterance["end"] * RATE)]
            role = utterance["speaker"]
            gap = rng.uniform(0.25, 1.2) if rng.random() > 0.08 else rng.uniform(2.0, 4.0)
            start = cursor + int(gap * RATE)
            if previous_role not in (None, role) and rng.random() < 0.1:
                start = max(0, cursor - int(rng.uniform(0.3, 0.8) * RATE))  # starts before the other ends
                overlaps += 1
            if start + len(piece) > total:
                cursor = total
                break
            buffer[start : start + len(piece)] += piece
            turns.append((role, start / RATE, (start + len(piece)) / RATE))
            cursor = max(cursor, start + len(piece))
            previous_role = role
        block += 1
    audio = np.clip(buffer[:total], -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_media(path, audio)
    return Built(path, total / RATE, turns, overlaps)


def write_consent(media: Path) -> Path:
    """The sample's consent record (two participants) next to ``media``."""
    text = (PROJECT / "sample_media" / "gesprek_tts.flac.consent.yaml").read_text(encoding="utf-8")
    sidecar = media.with_name(media.name + ".consent.yaml")
    sidecar.write_text(text.replace("research_use: true", "research_use: false"), encoding="utf-8")
    return sidecar
