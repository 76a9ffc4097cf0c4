"""spaCy is imported with torch hidden from thinc, in the importing thread only.

The analysis warm-up imports spaCy in a thread while the diariser runs in another; hiding torch
through ``sys.modules`` once made the diariser fail with ``'NoneType' object has no attribute
'Tensor'`` (CI, fourth session). These run in a fresh interpreter, because spaCy is imported
once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import importlib.util, json, sys, threading
from pipeline.nlp import spacy_import

# The finder refuses torch to the thread that switched it on, and to no other.
spacy_import._BLOCK.set_active(True)
try:
    spacy_import._BLOCK.find_spec("torch", None)
    refused_here = False
except ModuleNotFoundError:
    refused_here = True
spacy_import._BLOCK.set_active(False)
other = {}
def look():
    spacy_import._BLOCK.find_spec("torch", None)  # raises if the block leaked into this thread
    other["ok"] = True
worker = threading.Thread(target=look)
spacy_import._BLOCK.set_active(True)
worker.start(); worker.join()
spacy_import._BLOCK.set_active(False)

none_seen = []
stop = threading.Event()
def watch():
    while not stop.is_set():
        if "torch" in sys.modules and sys.modules["torch"] is None:
            none_seen.append(True)
watcher = threading.Thread(target=watch)
watcher.start()
spacy_import.import_spacy()
stop.set(); watcher.join()
import thinc.compat
torch_installed = importlib.util.find_spec("torch") is not None
print(json.dumps({
    "refused_here": refused_here,
    "other_thread_free": other.get("ok", False),
    "none_seen": bool(none_seen),
    "finder_left": spacy_import._BLOCK in sys.meta_path,
    "thinc_has_torch": thinc.compat.has_torch,
    "torch_installed": torch_installed,
    "torch_loaded": "torch" in sys.modules,
}))
"""


def _run() -> dict[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=PROJECT, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_torch_is_hidden_from_thinc_only_in_the_importing_thread() -> None:
    seen = _run()
    assert seen["refused_here"] and seen["other_thread_free"]
    assert not seen["none_seen"], "another thread saw sys.modules['torch'] = None"
    assert not seen["finder_left"], "the import block stayed on sys.meta_path"
    assert not seen["torch_loaded"], "importing spaCy loaded torch"
    if not seen["torch_installed"]:
        pytest.skip("torch is not installed (the pyannote extra); thinc cannot have imported it anyway")
    assert not seen["thinc_has_torch"]


def test_torch_imports_normally_after_spacy() -> None:
    pytest.importorskip("torch")
    script = (
        "from pipeline.nlp.spacy_import import import_spacy; import_spacy(); "
        "import torch; print(torch.zeros(2).sum().item())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "0.0"
