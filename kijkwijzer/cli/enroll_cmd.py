"""``kijkwijzer enroll --klantmanager NAME MEDIA [--start S --end S]``: store a voice profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kijkwijzer.cli.app import app, state


@app.command()
def enroll(
    media: Annotated[Path, typer.Argument(help="Audio or video with the klantmanager's voice.")],
    klantmanager: Annotated[str, typer.Option("--klantmanager", help="Name of the klantmanager.")],
    start: Annotated[float | None, typer.Option("--start", help="Start of her speech, seconds.")] = None,
    end: Annotated[float | None, typer.Option("--end", help="End of her speech, seconds.")] = None,
) -> None:
    """Store a voice profile so later recordings recognise the klantmanager by her voice.

    Use a stretch where only she speaks (--start/--end), e.g. her opening of an earlier recording.
    """
    from dataclasses import replace

    from pipeline.audio import load_audio
    from pipeline.errors import KijkwijzerError
    from pipeline.roles import enroll as store_profile

    audio = load_audio(media)
    first = 0.0 if start is None else start
    last = audio.duration_s if end is None else min(end, audio.duration_s)
    if first < 0 or last <= first:
        raise KijkwijzerError(f"{media}: --start {first} / --end {last} is not a stretch of the recording")
    rate = audio.sample_rate
    audio = replace(audio, samples=audio.samples[round(first * rate) : round(last * rate)])
    typer.echo(store_profile(audio, state.settings, klantmanager))
