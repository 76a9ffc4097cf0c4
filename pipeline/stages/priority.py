"""Run a stage's work at a lower CPU priority, so it takes the cores another stage leaves idle.

Why: diarisation runs beside transcription on the same cores, and the user waits for
transcription, the longer of the two. At equal priority the diariser slows ASR by about as much
CPU as it uses; niced, it mostly runs in ASR's idle moments (its Python parts, its one-threaded
steps) and finishes the rest after it.

On Linux ``setpriority(PRIO_PROCESS, tid)`` changes one thread (and the threads it then starts),
not the process. An unprivileged thread cannot take a raise back, so the work runs in a fresh
thread that carries the lower priority and ends with it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def _lower_own_priority(nice: int) -> None:
    """This thread ``nice`` steps lower (where the OS allows it; 0: unchanged)."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError as exc:  # e.g. a sandbox that forbids it: run at the caller's priority
        log.debug("could not lower the priority of thread %s: %s", tid, exc)


def run_niced(work: Callable[[], T], nice: int) -> T:
    """``work()`` in a thread ``nice`` steps lower than the caller (0: in the caller's thread)."""
    if nice <= 0 or not hasattr(os, "setpriority"):
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


def start_niced(work: Callable[[], None], nice: int, name: str) -> threading.Thread:
    """Start ``work()`` in a daemon thread ``nice`` steps lower, and return without waiting.

    For work nobody waits on (a warm-up): a daemon thread never holds up the end of a command.
    """

    def body() -> None:
        _lower_own_priority(nice)
        work()

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread
