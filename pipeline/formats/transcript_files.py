"""Write the transcription stage's outputs: transcript.json, .vtt and .srt."""

from __future__ import annotations

from pathlib import Path

from pipeline.formats.subtitles import cues_from_words, to_srt, to_webvtt
from pipeline.fsutil import atomic_write_json, atomic_write_text, private_dir
from pipeline.settings.asr import AsrSettings
from pipeline.types import Transcript


def write_transcript_files(transcript: Transcript, out_dir: Path, settings: AsrSettings) -> list[Path]:
    """Write the ASR transcript in JSON, WebVTT and SRT; return the paths."""
    private_dir(out_dir)
    cues = cues_from_words(transcript.words(), settings.subtitle_max_cue_s, settings.subtitle_max_chars)
    return [
        atomic_write_json(out_dir / "transcript.json", transcript.model_dump(mode="json")),
        atomic_write_text(out_dir / "transcript.vtt", to_webvtt(cues)),
        atomic_write_text(out_dir / "transcript.srt", to_srt(cues)),
    ]
