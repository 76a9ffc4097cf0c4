"""Quality floor on the labelled dev set (tests/data/analysis_dev).

The floors sit a little below what bench/analysis_quality.py measures, so a change that
makes a detector worse fails here; improve the detectors and raise the floors together.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from analysis_quality import DEV_DIR, Report, evaluate  # noqa: E402

from pipeline.analysis.labelled import load_labelled_dir, load_topic_labels  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

FLOORS = {
    "question": 0.97,
    "stacked": 0.94,
    "self_answered": 0.88,
    "summary": 0.85,
    "focus=feeling": 0.90,
    "focus=fact": 0.86,
    "agenda": 0.76,
    "goal": 0.88,
    "metacommunication": 0.90,
    "feedback_request": 0.85,
    "emotion": 0.80,
    "resistance": 0.85,
    "advice": 0.71,
    "topic_introduction": 0.55,
}
FORM_ACCURACY_FLOOR = 0.96


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(load_labelled_dir(DEV_DIR), load_settings(environ={}), load_topic_labels(DEV_DIR))


@pytest.mark.parametrize("detector", sorted(FLOORS))
def test_f1_floor(report: Report, detector: str) -> None:
    assert report.scores[detector].f1 >= FLOORS[detector], f"{detector}: F1 {report.scores[detector].f1:.3f}"


def test_open_closed_accuracy_floor(report: Report) -> None:
    assert report.form_accuracy >= FORM_ACCURACY_FLOOR
