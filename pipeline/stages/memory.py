"""Hand the memory a finished stage has freed back to the operating system.

Why: glibc keeps freed heap memory in the arena of the thread that used it, so after the
diariser (in its own niced thread) finished on an hour of talk, its freed working memory stayed
resident while transcription went on, and the models the later stages load came on top of it.
``malloc_trim(0)`` returns the free pages of every arena. Elsewhere than glibc it is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)


def release_freed_memory() -> None:
    """Return free heap pages to the OS (glibc), so that resident memory is what is in use."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
