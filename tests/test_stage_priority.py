"""A niced or idle stage runs in its own lower-priority thread; the caller's priority is untouched."""

from __future__ import annotations

import os
import threading

import pytest

from pipeline.settings import load_settings
from pipeline.stages.priority import IDLE, run_niced


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


def _idle_class_allowed() -> bool:
    """Whether this OS (and sandbox) lets a thread enter the idle class: probed in a thread of its own."""
    if not hasattr(os, "SCHED_IDLE"):
        return False
    allowed: list[bool] = []

    def probe() -> None:
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            allowed.append(True)
        except OSError:
            allowed.append(False)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return allowed[0]


IDLE_ALLOWED = _idle_class_allowed()


@pytest.mark.skipif(not IDLE_ALLOWED, reason="no idle scheduling class here (OS or sandbox)")
def test_idle_work_runs_in_the_idle_class_and_the_caller_keeps_its_own() -> None:
    policy = os.sched_getscheduler(0)
    seen = run_niced(lambda: os.sched_getscheduler(threading.get_native_id()), IDLE)
    assert seen == os.SCHED_IDLE
    assert os.sched_getscheduler(threading.get_native_id()) == policy


def test_threads_the_work_starts_inherit_its_class() -> None:
    """The voice encoder's worker threads must stay as low as the diariser that starts them."""
    if not IDLE_ALLOWED:
        pytest.skip("no idle scheduling class here (OS or sandbox)")

    def start_a_worker() -> int:
        seen: list[int] = []
        worker = threading.Thread(target=lambda: seen.append(os.sched_getscheduler(0)))
        worker.start()
        worker.join()
        return seen[0]

    assert run_niced(start_a_worker, IDLE) == os.SCHED_IDLE


def test_diarisation_runs_idle_by_default_and_transcription_does_not() -> None:
    nice = load_settings(environ={}).orchestration.stage_nice
    assert nice.get("diarize") == IDLE and nice.get("transcribe", 0) == 0
