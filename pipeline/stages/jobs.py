"""What a flow needs to know about one recording, in one serialisable object.

The same :class:`RecordingJob` travels to a local thread or to a Dask worker on another
machine, so it holds only paths (on storage every worker can reach) and plain values.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from pipeline.ingest.consent import ConsentRecord
from pipeline.settings import Settings


class RecordingJob(BaseModel):
    """One recording to run through the stages."""

    model_config = ConfigDict(frozen=True)

    recording_id: str
    media: Path
    sha256: str
    consent: ConsentRecord
    cache_dir: Path  # stage results: archive/<id>/cache, or the workspace of `process`
    out_dirs: tuple[Path, ...] = ()  # where the output files are published
    media_href: str | None = None  # how sheet.html refers to the recording
    data_root: Path | None = None  # set for archived recordings: history, outbox, research
    num_speakers: int | None = None  # overrides the consent record's participants
    min_speakers: int | None = None
    max_speakers: int | None = None

    @property
    def speakers(self) -> int | None:
        """The expected number of speakers: given on the command line, else from the consent."""
        return self.num_speakers or self.consent.participants


def archived_job(root: Path, recording_id: str, settings: Settings) -> RecordingJob:
    """The job for a recording in the archive: outputs in ``out/``, sheet to the outbox."""
    from pipeline.deliver.outbox import media_name
    from pipeline.ingest.layout import DataRoot
    from pipeline.ingest.records import load_meta

    paths = DataRoot(root).recording(recording_id)
    meta = load_meta(paths)
    media = paths.dir / meta.media_file
    return RecordingJob(
        recording_id=recording_id,
        media=media,
        sha256=meta.sha256,
        consent=meta.consent,
        cache_dir=paths.cache,
        out_dirs=(paths.out,),
        media_href=media_name(media, settings),
        data_root=root,
    )


def process_job_file(workspace: Path, recording_id: str) -> Path:
    """Where ``kijkwijzer process`` stores the job of one recording (next to its cache)."""
    return workspace / "cache" / recording_id / "job.json"
