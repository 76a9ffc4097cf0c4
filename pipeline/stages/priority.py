"""Run a stage's work at a lower CPU priority, so it takes the cores another stage leaves idle.

Why: diarisation runs beside transcription on the same cores, and the user waits for
transcription, the longer of the two. At equal priority the diariser slows ASR by about as much
CPU as it uses; niced, it mostly runs in ASR's idle moments (its Python parts, its one-threaded
steps) and finishes the rest after it.

On Linux ``setpriority(PRIO_PROCESS, tid)`` changes one thread (and the threads it then starts),
not the process. An unprivileged thread cannot take a raise back, so the work runs in a fresh
thread that carries the lower priority and ends with it.

``idle`` puts the thread in the OS's idle scheduling class (``SCHED_IDLE``): it runs on what
no normal thread wants. Niced by 10, the diariser still took about a tenth of a core from ASR
whenever both wanted one, and ASR's threads wait on each other, so each slice it lost stalled
both (20 minutes of audio: transcription 93 s beside the diariser, 65 s alone). Where the
class does not exist, ``idle`` is the lowest nice.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Literal, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
IDLE = "idle"  # the OS's idle scheduling class instead of a number of nice steps
Priority = int | Literal["idle"]


def _lowers(priority: Priority) -> bool:
    """Whether ``priority`` asks for anything below the caller's (0: it does not)."""
    return hasattr(os, "setpriority") and (priority == IDLE or int(priority) > 0)


def _lower_own_priority(priority: Priority) -> None:
    """This thread ``priority`` steps lower, or in the idle class (where the OS allows it)."""
    if not _lowers(priority):
        return
    tid = threading.get_native_id()
    if priority == IDLE:
        if hasattr(os, "SCHED_IDLE"):
            try:
                os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
                return
            except OSError as exc:
                log.debug("no idle class for thread %s (%s): lowest nice instead", tid, exc)
        priority = 19
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + int(priority)))
    except OSError as exc:  # e.g. a sandbox that forbids it: run at the caller's priority
        log.debug("could not lower the priority of thread %s: %s", tid, exc)


def run_niced(work: Callable[[], T], nice: Priority) -> T:
    """``work()`` in a thread ``nice`` steps lower than the caller, or in the idle class
    (0: in the caller's thread)."""
    if not _lowers(nice):
        return work()
    outcome: dict[str, object] = {}

    def body() -> None:
        _lower_own_priority(nice)
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread, raised there
            outcome["error"] = exc

    thread = threading.Thread(target=body, name=f"{threading.current_thread().name}-niced")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def start_niced(work: Callable[[], None], nice: Priority, name: str) -> threading.Thread:
    """Start ``work()`` in a daemon thread ``nice`` steps lower, and return without waiting.

    For work nobody waits on (a warm-up): a daemon thread never holds up the end of a command.
    """

    def body() -> None:
        _lower_own_priority(nice)
        work()

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread
