"""Memory a stage frees in its own thread does not stay resident after it (glibc)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import threading
from pipeline.stages.memory import release_freed_memory

def rss():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS'))

def stage():  # 200 MB in small blocks, freed again, as a diariser's windows are
    blocks = [bytearray(4000) for _ in range(50_000)]
    del blocks

before = rss()
thread = threading.Thread(target=stage)
thread.start()
thread.join()
kept = rss() - before
release_freed_memory()
print(kept, rss() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, /proc")
def test_memory_freed_by_a_stage_thread_is_returned_to_the_os() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    kept_kib, after_kib = map(int, done.stdout.split())
    assert kept_kib > 100_000  # glibc kept the freed blocks resident
    assert after_kib < kept_kib / 4
