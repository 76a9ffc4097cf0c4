"""Run the real ASR model at most once per test session per file.

Several test modules (transcription, diarisation, roles, analysis end to end)
need the real transcript of the sample media; transcribing once and sharing
keeps CI time down without resorting to canned transcripts.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from pipeline.audio import Audio, load_audio
from pipeline.settings import load_settings
from pipeline.transcribe import transcribe
from pipeline.types import Transcript

SAMPLE_MEDIA = Path(__file__).resolve().parents[1] / "sample_media"


@lru_cache(maxsize=8)
def audio_of(name: str) -> Audio:
    """Decoded audio of a file in sample_media/."""
    return load_audio(SAMPLE_MEDIA / name)


@lru_cache(maxsize=8)
def transcript_of(name: str) -> Transcript:
    """Real faster-whisper transcript of a file in sample_media/, with default settings."""
    return transcribe(audio_of(name), load_settings(environ={}))


def ground_truth(name: str) -> dict:
    """The ground-truth JSON next to a sample file (``<stem>.json``)."""
    return json.loads((SAMPLE_MEDIA / name).with_suffix(".json").read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Lowercase, drop punctuation, collapse spaces: the usual WER normalisation."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
