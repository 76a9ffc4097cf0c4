"""Publishing a recording's stage results: out folders, the research folder, the outbox.

What goes where is read from each stage's declaration (``publish``, ``deliver``), so a new
stage's files are published without an edit here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pipeline.fsutil import atomic_write_bytes, private_dir
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageSpec
from pipeline.stages.store import StageRef, digest


def outputs_key(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> str:
    """Identifies one set of published outputs: the stage results and where they go."""
    return digest(
        {
            "refs": {name: ref.key for name, ref in sorted(refs.items())},
            "out": [str(path) for path in job.out_dirs],
            "deliver": settings.deliver.model_dump(mode="json"),
        }
    )


def job_is_current(root: DataRoot, job: RecordingJob, key: str) -> bool:
    """Whether the outputs for ``key`` were already published (then publishing is skipped)."""
    from pipeline.deliver.outbox import outbox_folder  # imports the sheet code: only for archives

    meta = load_meta(root.recording(job.recording_id))
    consent = meta.consent
    delivered = outbox_folder(root.outbox, consent.klantmanager, job.recording_id, consent.recorded_on)
    return meta.status == "done" and meta.outputs_key == key and delivered.is_dir()


def _copy_outputs(files: dict[str, Path], target: Path) -> None:
    private_dir(target)
    for name, source in files.items():
        atomic_write_bytes(target / name, source.read_bytes())


def _link_media(job: RecordingJob, out_dir: Path) -> None:
    """Put the recording next to an archived sheet as a relative link, so its player works."""
    if job.media_href is None or "/" in job.media_href:
        return
    link = out_dir / job.media_href
    target = os.path.relpath(job.media, out_dir)
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = out_dir / f".{job.media_href}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish_outputs(
    job: RecordingJob, settings: Settings, refs: dict[str, StageRef], stages: Sequence[StageSpec]
) -> str:
    """Write the output files into every out folder, the research folder and the outbox.

    Later stages win on equal file names (the aligned transcript.json replaces nothing
    earlier today, but the rule keeps publishing independent of which stages exist).
    """
    os.umask(0o077)
    files: dict[str, dict[str, Path]] = {"out": {}, "research": {}}
    for spec in stages:
        ref = refs.get(spec.name)
        if ref is None:
            continue
        for path in sorted(ref.path.iterdir()):
            if path.name != "result.json" and path.is_file():
                files[spec.publish][path.name] = path
    for out_dir in job.out_dirs:
        _copy_outputs(files["out"], out_dir)
        if job.data_root is not None:
            _link_media(job, out_dir)
    if job.data_root is not None:
        from pipeline.deliver.outbox import deliver
        from pipeline.review.hold import hold_sheet, must_hold, release_hold

        root = DataRoot(job.data_root)
        if files["research"]:
            _copy_outputs(files["research"], root.recording(job.recording_id).research)
        consent = job.consent
        for spec in stages:
            if not (spec.deliver and spec.name in refs):
                continue
            if must_hold(settings, root, job.recording_id):  # deliver.review: required, not yet published
                hold_sheet(refs[spec.name].path, root, job.recording_id, settings)
                continue
            deliver(
                refs[spec.name].path, root.outbox, consent.klantmanager, job.recording_id,
                consent.recorded_on, job.media, settings,
            )  # fmt: skip
            release_hold(root, job.recording_id)
    return outputs_key(job, settings, refs)
