"""``kijkwijzer transcribe MEDIA --out DIR``: the transcription stage on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kijkwijzer.cli.app import app, state
from kijkwijzer.cli.progress import audio_progress


@app.command()
def transcribe(
    media: Annotated[Path, typer.Argument(help="Audio or video file.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
) -> None:
    """Transcribe Dutch speech to transcript.json, .vtt and .srt with timed words."""
    from pipeline.audio import load_audio
    from pipeline.formats.transcript_files import write_transcript_files
    from pipeline.transcribe import transcribe as run_transcription

    settings = state.settings
    audio = load_audio(media)
    show = audio.duration_s >= settings.asr.progress_min_duration_s
    with audio_progress("transcribing", audio.duration_s, enabled=show) as on_progress:
        transcript = run_transcription(audio, settings, on_progress=on_progress)
    for path in write_transcript_files(transcript, out, settings.asr):
        typer.echo(path)
