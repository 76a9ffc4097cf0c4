"""Import spaCy without letting thinc import torch, and without touching other threads.

thinc imports torch at import time whenever it is installed (the optional pyannote backend
installs it), which doubles spaCy's start-up time; the analysis never needs it. The block is a
finder on ``sys.meta_path`` that refuses ``torch`` only in the thread that is importing spaCy.
An earlier version put ``None`` into ``sys.modules["torch"]`` for the duration instead; that
is visible to every thread, and a diariser running beside the analysis warm-up then found a
``None`` torch module (``'NoneType' object has no attribute 'Tensor'``).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_BLOCKED = "torch"


class _ThreadTorchBlock(importlib.abc.MetaPathFinder):
    """Refuses ``torch`` (and its submodules) to the one thread that has switched it on."""

    def __init__(self) -> None:
        self._local = threading.local()

    def active(self) -> bool:
        return getattr(self._local, "active", False)

    def set_active(self, active: bool) -> None:
        self._local.active = active

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if self.active() and (fullname == _BLOCKED or fullname.startswith(_BLOCKED + ".")):
            raise ModuleNotFoundError(f"No module named {fullname!r} (blocked while importing spaCy)")
        return None


_IMPORT_LOCK = threading.Lock()
_BLOCK = _ThreadTorchBlock()


def import_spacy() -> Any:
    """spaCy, imported once per process with torch hidden from thinc in this thread only.

    When torch is already imported (the pyannote backend ran first), thinc simply finds it.
    """
    with _IMPORT_LOCK:
        if "spacy" in sys.modules or _BLOCKED in sys.modules:
            import spacy

            return spacy
        sys.meta_path.insert(0, _BLOCK)
        _BLOCK.set_active(True)
        try:
            import spacy
        finally:
            _BLOCK.set_active(False)
            sys.meta_path.remove(_BLOCK)
        return spacy
