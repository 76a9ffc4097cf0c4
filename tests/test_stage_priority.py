"""A niced stage runs in its own lower-priority thread; the caller's priority is untouched."""

from __future__ import annotations

import os
import threading

import pytest

from pipeline.settings import load_settings
from pipeline.stages.priority import run_niced


def _own_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_work_runs_niced_in_another_thread_and_the_caller_keeps_its_priority() -> None:
    before = _own_nice()
    seen = run_niced(lambda: (threading.get_native_id(), _own_nice()), 5)
    assert seen[0] != threading.get_native_id()
    assert seen[1] == min(19, before + 5)
    assert _own_nice() == before
    assert run_niced(lambda: threading.get_native_id(), 0) == threading.get_native_id()


def test_errors_of_the_work_are_raised_in_the_caller() -> None:
    def fail() -> None:
        raise ValueError("kapot.flac: broken")

    with pytest.raises(ValueError, match=r"kapot\.flac"):
        run_niced(fail, 10)


def test_diarisation_is_niced_by_default_and_transcription_is_not() -> None:
    nice = load_settings(environ={}).orchestration.stage_nice
    assert nice.get("diarize", 0) > 0 and nice.get("transcribe", 0) == 0
