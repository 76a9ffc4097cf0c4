"""``kijkwijzer analyse TRANSCRIPT --out DIR``: the conversation analysis on its own.

Reads the pipeline's transcript.json or a hand-corrected WebVTT with voice tags, so a
researcher can fix a transcript and re-run only the analysis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kijkwijzer.cli.app import app, state


@app.command()
def analyse(
    transcript: Annotated[
        Path, typer.Argument(help="transcript.json from 'kijkwijzer process', or a WebVTT with voice tags.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
) -> None:
    """Find questions, summaries, turn-taking patterns and Kijkwijzer themes in a transcript."""
    from pipeline.analysis import analyse as run_analysis
    from pipeline.analysis import write_analysis_files
    from pipeline.formats.transcript_reader import read_transcript

    settings = state.settings
    conversation = read_transcript(transcript, settings.analysis)
    analysis = run_analysis(conversation, settings)
    for path in write_analysis_files(analysis, out):
        typer.echo(path)
