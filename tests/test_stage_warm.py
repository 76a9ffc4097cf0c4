"""Later stages' models load in a low-priority thread, only for a recording that is new."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

from test_stages_store import _job

from pipeline.settings import load_settings
from pipeline.stages.plan import BY_NAME, STAGES, stage_key
from pipeline.stages.store import stage_dir
from pipeline.stages.warm import stages_to_warm, start_warming

SETTINGS = load_settings(environ={})


def test_a_new_recording_warms_align_and_analysis_and_a_stored_one_nothing(tmp_path: Path) -> None:
    job = _job(tmp_path)
    assert [spec.name for spec in stages_to_warm([job], SETTINGS, STAGES)] == ["align", "analysis"]
    for name in ("transcribe", "diarize"):  # the stages that read only the media
        folder = stage_dir(job.cache_dir, name, stage_key(BY_NAME[name], job, SETTINGS, {}))
        folder.mkdir(parents=True)
        (folder / "result.json").write_text("{}")
    assert stages_to_warm([job], SETTINGS, STAGES) == []
    assert [spec.name for spec in stages_to_warm([job, _job(tmp_path / "b")], SETTINGS, STAGES)] == [
        "align",
        "analysis",
    ]


def test_warm_ups_run_in_plan_order_niced_and_a_failing_one_stops_nothing() -> None:
    seen: list[tuple[str, int]] = []

    def warm(name: str, fail: bool = False):
        def body(settings: object) -> None:
            del settings
            seen.append((name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
            if fail:
                raise RuntimeError("model file missing")

        return body

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    specs = [
        dataclasses.replace(BY_NAME["align"], warm=warm("align", fail=True)),
        dataclasses.replace(BY_NAME["analysis"], warm=warm("analysis")),
    ]
    thread = start_warming(specs, SETTINGS)
    assert thread is not None and thread.daemon
    thread.join(timeout=30)
    nice = min(19, before + SETTINGS.orchestration.warm_nice)
    assert seen == [("align", nice), ("analysis", nice)]
    assert start_warming([], SETTINGS) is None


def test_the_real_warm_ups_load_what_the_stages_then_find_loaded() -> None:
    from pipeline.align.conversation import sentencizer
    from pipeline.analysis.context import AnalysisContext
    from pipeline.nlp import _loaded

    thread = start_warming([BY_NAME["align"], BY_NAME["analysis"]], SETTINGS)
    assert thread is not None
    thread.join(timeout=300)
    assert not thread.is_alive()
    loads, sentencizers = _loaded.cache_info().misses, sentencizer.cache_info().misses
    AnalysisContext.from_settings(SETTINGS)  # what the stages call
    sentencizer(SETTINGS.align.spacy_language)
    assert _loaded.cache_info().misses == loads and sentencizer.cache_info().misses == sentencizers
    assert _loaded.cache_info().currsize >= 1
