"""Prefect tasks: one per stage (cached in the archive), plus publishing and history.

Prefect sees every stage as its own task run with its own state: ``Cached`` when the
stage's key has a stored result, ``Completed`` when it ran, ``Failed`` with the reason.
Its cache record (``<stage>-<key>.prefect`` in the recording's cache folder) holds only a
:class:`~flows.cache.StageRef`; the data itself is the result folder next to it, which
is the source of truth: a record whose folder is gone is dropped and the stage runs again.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.cache import StageRef, digest, existing_ref, prefect_record
from flows.jobs import RecordingJob
from flows.stage_runner import run_stage
from flows.stages import BY_NAME, STAGES, load_result, stage_key
from pipeline.fsutil import atomic_write_bytes, private_dir
from pipeline.settings import Settings


def _cache_key(context: Any, parameters: dict[str, Any]) -> str:
    spec = BY_NAME[parameters["stage"]]
    job: RecordingJob = parameters["job"]
    key = stage_key(spec, job, parameters["settings"], parameters["inputs"])
    record = prefect_record(job.cache_dir, spec.name, key)
    if record.exists() and (existing_ref(job.cache_dir, spec.name, key) is None or not _readable(record)):
        record.unlink()  # the result behind this record is gone or damaged: compute it again
    return record.name


def _readable(record: Path) -> bool:
    try:
        json.loads(record.read_bytes())
    except (ValueError, UnicodeDecodeError, FileNotFoundError):
        return False
    return True


STAGE_TASKS = {
    spec.name: task(
        run_stage,
        name=spec.name,
        task_run_name=f"{spec.name} {{job.recording_id}}",
        cache_key_fn=_cache_key,
        persist_result=True,
        result_serializer="json",
    )
    for spec in STAGES
}


def task_for(stage: str, cache_dir: Path, refresh: bool = False) -> Any:
    """The stage's task with its results stored in this recording's cache folder.

    ``Task.with_options`` would rebuild the task and re-hash its source for every
    recording (about 20 ms each, most of a cached task's cost); a shallow copy with the
    two per-recording options set is equivalent and costs nothing.
    """
    prepared = copy.copy(STAGE_TASKS[stage])
    prepared.result_storage = cache_dir
    prepared.refresh_cache = refresh
    return prepared


def outputs_key(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> str:
    """Identifies one set of published outputs: the stage results and where they go."""
    return digest(
        {
            "refs": {name: ref.key for name, ref in sorted(refs.items())},
            "out": [str(path) for path in job.out_dirs],
            "deliver": settings.deliver.model_dump(mode="json"),
        }
    )


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


@task(name="publish", task_run_name="publish {job.recording_id}", cache_policy=NO_CACHE)
def publish_outputs(job: RecordingJob, settings: Settings, refs: dict[str, StageRef]) -> str:
    """Write the output files into every out folder, the research folder and the outbox.

    Later stages win on equal file names (the aligned transcript.json replaces nothing
    earlier today, but the rule keeps publishing independent of which stages exist).
    """
    os.umask(0o077)
    files: dict[str, dict[str, Path]] = {"out": {}, "research": {}}
    for spec in STAGES:
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
        from pipeline.ingest.layout import DataRoot

        root = DataRoot(job.data_root)
        if files["research"]:
            _copy_outputs(files["research"], root.recording(job.recording_id).research)
        if "sheet" in refs:
            from pipeline.review.hold import hold_sheet, must_hold, release_hold

            consent = job.consent
            if must_hold(settings, root, job.recording_id):  # deliver.review: required, not yet published
                hold_sheet(refs["sheet"].path, root, job.recording_id, settings)
            else:
                deliver(
                    refs["sheet"].path, root.outbox, consent.klantmanager, job.recording_id,
                    consent.recorded_on, job.media, settings,
                )  # fmt: skip
                release_hold(root, job.recording_id)
    return outputs_key(job, settings, refs)


@task(name="record-history", task_run_name="history {job.recording_id}", cache_policy=NO_CACHE)
def record_history(job: RecordingJob, settings: Settings, analysis: StageRef, conversation: StageRef) -> None:
    """Store this recording's intention metrics so later sheets can show "Sinds vorige keer"."""
    from pipeline.intentions import intention_metrics, record_metrics

    os.umask(0o077)
    loaded_analysis, loaded_conversation = load_result(analysis), load_result(conversation)
    metrics = intention_metrics(loaded_analysis, loaded_conversation, settings)
    assert job.data_root is not None
    record_metrics(
        job.data_root, job.consent.klantmanager, job.recording_id, job.consent.recorded_on,
        metrics, loaded_conversation.duration_s, settings,
    )  # fmt: skip
