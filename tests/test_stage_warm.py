"""What stages will need loads beside other work, only for a recording that is new."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

from test_stages_store import _job

from pipeline.settings import load_settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import BY_NAME, STAGES, stage_key
from pipeline.stages.store import stage_dir
from pipeline.stages.warm import later_stages, media_stages, new_recordings, start_warming

SETTINGS = load_settings(environ={})


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_plan_warms_transcription_first_and_align_and_analysis_later() -> None:
    assert [spec.name for spec in media_stages(STAGES)] == ["transcribe"]
    assert [spec.name for spec in later_stages(STAGES)] == ["align", "analysis"]


def test_only_recordings_whose_media_stages_are_missing_are_warmed_for(tmp_path: Path) -> None:
    stored, new = _job(tmp_path / "a"), _job(tmp_path / "b")
    assert new_recordings([stored, new], SETTINGS, STAGES) == [stored, new]
    for name in ("transcribe", "diarize"):  # the stages that read only the media
        folder = stage_dir(stored.cache_dir, name, stage_key(BY_NAME[name], stored, SETTINGS, {}))
        folder.mkdir(parents=True)
        (folder / "result.json").write_text("{}")
    assert new_recordings([stored, new], SETTINGS, STAGES) == [new]
    dask = SETTINGS.model_copy(deep=True)
    dask.orchestration.task_runner = "dask"
    assert new_recordings([new], dask, STAGES) == []  # the workers load their own


def test_warm_ups_run_in_plan_order_niced_and_a_failing_one_stops_nothing(tmp_path: Path) -> None:
    seen: list[tuple[str, str, int]] = []

    def warm(name: str, fail: bool = False):
        def body(job: RecordingJob, settings: object) -> None:
            del settings
            seen.append((name, job.recording_id, _nice()))
            if fail:
                raise RuntimeError("model file missing")

        return body

    jobs = [_job(tmp_path)]
    specs = [
        dataclasses.replace(BY_NAME["align"], warm=warm("align", fail=True)),
        dataclasses.replace(BY_NAME["analysis"], warm=warm("analysis")),
    ]
    thread = start_warming(specs, jobs, SETTINGS, nice=4)
    assert thread is not None and thread.daemon
    thread.join(timeout=30)
    nice = min(19, _nice() + 4)
    assert seen == [("align", jobs[0].recording_id, nice), ("analysis", jobs[0].recording_id, nice)]
    assert start_warming([], jobs, SETTINGS, 0) is None and start_warming(specs, [], SETTINGS, 0) is None


def test_the_real_warm_ups_load_what_the_stages_then_find_loaded(tmp_path: Path) -> None:
    from pipeline.align.conversation import sentencizer
    from pipeline.analysis.context import AnalysisContext
    from pipeline.audio.shared import _cached, shared_audio
    from pipeline.nlp import _loaded
    from pipeline.transcribe.whisper import _load_whisper, load_whisper

    media = Path(__file__).resolve().parents[1] / "sample_media" / "real_dev_dialogue.flac"
    job = _job(tmp_path, media=media, sha256="b" * 64)
    thread = start_warming([*media_stages(STAGES), *later_stages(STAGES)], [job], SETTINGS, nice=0)
    assert thread is not None
    thread.join(timeout=300)
    assert not thread.is_alive()
    caches = [_loaded, sentencizer, _cached, _load_whisper]
    misses = [cache.cache_info().misses for cache in caches]
    AnalysisContext.from_settings(SETTINGS)  # what the stages call
    sentencizer(SETTINGS.align.spacy_language)
    assert shared_audio(job.media, job.sha256).duration_s > 100
    load_whisper(SETTINGS)
    assert [cache.cache_info().misses for cache in caches] == misses  # every call a hit
