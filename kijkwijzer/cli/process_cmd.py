"""``kijkwijzer process MEDIA --out DIR``: one recording through every stage, as a Prefect flow.

The consent gate and the hostile-input checks run first, before anything else touches
the file; without a valid sidecar (``MEDIA.consent.yaml`` or ``--consent FILE``) the
command refuses with exit code 2. Stage results are cached in ``<DIR>/../.kijkwijzer/``,
so running it again on the same recording (even into another folder) reuses them.
Prefect's home is the data root's (so a running ``kijkwijzer server`` shows the run) when
that root exists, else ``<DIR>/../.kijkwijzer/prefect``. When every stage is already stored
(:mod:`pipeline.stages.stored`), the outputs are published straight from the store: no
Prefect server, no flow run, no stage libraries.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kijkwijzer.cli.app import app, state

if TYPE_CHECKING:
    from pipeline.stages.jobs import RecordingJob


class StageProgress:
    """Progress on stderr: one line per stage for a single recording, counters for a batch."""

    def __init__(self, single: bool, enabled: bool = True) -> None:
        self.single = single
        self.enabled = enabled
        self.bars: dict[str, Any] = {}
        self.started: dict[tuple[str, str], float] = {}
        self.reported: set[tuple[str, str]] = set()

    def __call__(
        self, recording_id: str, stage: str, event: str, done: float | None, total: float | None
    ) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        key = (recording_id, stage)
        if event == "start":
            self.started[key] = time.monotonic()
        if self.single:
            if event == "progress" and total:
                bar = self.bars.get(stage)
                if bar is None:
                    bar = self.bars[stage] = tqdm(
                        total=round(total, 1), desc=f"  {stage}", unit="s", leave=False, file=sys.stderr
                    )
                bar.update(max(0.0, round(done or 0.0, 1) - bar.n))
            elif event in ("finished", "cached", "failed") and key not in self.reported:
                self.reported.add(key)
                if stage in self.bars:
                    self.bars.pop(stage).close()
                took = time.monotonic() - self.started.get(key, time.monotonic())
                mark = {"finished": f"done in {took:.1f} s", "cached": "cached", "failed": "FAILED"}[event]
                print(f"  {stage:<10} {mark}", file=sys.stderr, flush=True)
            return
        if event == "submitted":
            self.bars[stage] = tqdm(total=int(total or 0), desc=f"  {stage:<10}", unit="rec", file=sys.stderr)
        elif event in ("finished", "cached", "failed") and key not in self.reported and stage in self.bars:
            self.reported.add(key)
            self.bars[stage].update(1)
            if self.bars[stage].n >= self.bars[stage].total:
                self.bars.pop(stage).close()

    def close(self) -> None:
        """Close any bar still open."""
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()


def run_with_progress(runtime: Any, single: bool, call: Any) -> Any:
    """Run ``call()`` against ``runtime``'s API while drawing stage progress."""
    from pipeline.stages import progress

    bars = StageProgress(single, enabled=not state.debug)
    progress.set_reporter(bars)
    try:
        with runtime.active():
            return call()
    finally:
        progress.set_reporter(None)
        bars.close()


@app.command()
def process(
    media: Annotated[Path, typer.Argument(help="Audio or video file of the conversation.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    consent: Annotated[
        Path | None, typer.Option("--consent", help="Consent sidecar (default: MEDIA.consent.yaml).")
    ] = None,
    speakers: Annotated[
        int | None, typer.Option("--speakers", min=1, help="Number of speakers (default: from the consent).")
    ] = None,
    min_speakers: Annotated[int | None, typer.Option("--min-speakers", min=1)] = None,
    max_speakers: Annotated[int | None, typer.Option("--max-speakers", min=1)] = None,
) -> None:
    """Transcribe, diarise, analyse and write the prep sheet for one recording into --out."""
    from pipeline.fsutil import atomic_write_text
    from pipeline.ingest.audit import audit
    from pipeline.ingest.consent import read_consent, sidecar_for
    from pipeline.ingest.errors import IngestRefusal
    from pipeline.ingest.gate import check_media_file
    from pipeline.ingest.hashing import recording_id_for, sha256_of
    from pipeline.stages.jobs import RecordingJob, process_job_file

    settings = state.settings
    ingest = settings.orchestration.ingest
    out = out.resolve()
    workspace = out.parent / ".kijkwijzer"
    try:
        check_media_file(media, ingest)
        record = read_consent(consent or sidecar_for(media, ingest.sidecar_suffix), ingest.sidecar)
    except IngestRefusal as exc:
        audit(workspace / "audit.log", "refused", None, exc.code, "process")
        raise
    media = media.resolve()
    sha256 = sha256_of(media)
    recording_id = recording_id_for(sha256)
    job = RecordingJob(
        recording_id=recording_id,
        media=media,
        sha256=sha256,
        consent=record,
        cache_dir=workspace / "cache" / recording_id,
        out_dirs=(out,),
        media_href=os.path.relpath(media, out),
        num_speakers=speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
    )
    atomic_write_text(process_job_file(workspace, recording_id), job.model_dump_json(indent=2))
    if _served_from_store(job):
        _finish(job)
        return
    from flows.runtime.server import start_runtime

    configured_home = settings.orchestration.prefect_home
    data_root = settings.resolve(settings.root)
    if configured_home:
        home = settings.resolve(configured_home)
    elif data_root.is_dir():  # share the data root's Prefect (and `kijkwijzer server`'s UI)
        home = data_root / ".prefect"
    else:
        home = workspace / "prefect"
    runtime = start_runtime(settings, home, quiet=not state.debug)  # starts the server while we import
    try:
        from flows.process import process_recording

        config = str(state.config.resolve()) if state.config else None
        typer.echo(f"{media.name}: {recording_id} (Prefect: {runtime.mode} server)", err=True)
        run_with_progress(runtime, True, lambda: process_recording(str(workspace), recording_id, config))
    finally:
        runtime.stop()
    _finish(job)


def _served_from_store(job: RecordingJob) -> bool:
    """Publish from the result store when every stage is stored: no Prefect, no stage libraries.

    Such a run records no Prefect flow run (it computes nothing); the audit log has it as
    any other. When a stage is missing nothing has been written and the flow runs.
    """
    from pipeline.stages import progress
    from pipeline.stages.stored import publish_stored, stored_refs

    refs = stored_refs(job, state.settings)
    if refs is None:
        return False
    typer.echo(f"{job.media.name}: {job.recording_id} (every stage stored: no Prefect run)", err=True)
    bars = StageProgress(True, enabled=not state.debug)
    progress.set_reporter(bars)
    try:
        publish_stored(job, state.settings, refs)
    finally:
        progress.set_reporter(None)
        bars.close()
    return True


def _finish(job: RecordingJob) -> None:
    """Audit the run and list the outputs on stdout."""
    from pipeline.ingest.audit import audit

    log = job.cache_dir.parent.parent / "audit.log"  # the workspace's
    audit(log, "processed", job.recording_id, "outputs_written", "process")
    for path in sorted(job.out_dirs[0].iterdir()):
        if path.is_file():
            typer.echo(path)
