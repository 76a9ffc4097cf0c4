"""The data root's lock: one changing command at a time on one data root.

``watch``, ``reprocess``, ``purge`` and ``forget`` each hold it while they change the
archive, the quarantine or the claims, so a purge never removes a folder a watcher is
writing, two watchers never ingest the same claim, and tidying an interrupted claim
never races a watcher that is moving files. ``status`` reads without it and changes
nothing. The lock is an ``flock`` on ``<root>/.lock``: the kernel drops it when the
holder dies, so a killed command never leaves the root locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator

from pipeline.fsutil import FILE_MODE
from pipeline.ingest.layout import DataRoot

LOCK_FILE = ".lock"


@contextlib.contextmanager
def root_lock(root: DataRoot, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the data root's lock; ``on_wait`` is called once if another command holds it."""
    root.ensure()
    fd = os.open(root.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
