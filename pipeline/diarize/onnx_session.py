"""The onnxruntime sessions of the diariser's shipped models (overlap, hidden voices).

Both models are optional refinements: a missing file turns that refinement off with one
warning naming the fix, and the diariser runs as without it. Sessions are cached per file
and thread count, since one process diarises many recordings.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _session(path: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def load_session(path: Path, threads: int, refinement: str, switch: str) -> Any:
    """The session, or None (with one warning naming the fix) when the model file is missing.

    ``refinement`` names what is off without it ("overlap detection"), ``switch`` the setting
    that turns it off on purpose ("diarization.overlap.enabled").
    """
    if not path.is_file():
        log.warning(
            "%s is off: model %s is missing (restore it with `git checkout -- %s`, or set %s: false)",
            refinement,
            path,
            path,
            switch,
        )
        return None
    return _session(path, threads)
