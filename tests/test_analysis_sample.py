"""The analysis on the sample media's ground truth (sample_media/gesprek_tts.json).

The scripted TTS conversation contains every phenomenon once or more, with exact times; the
detectors must find its labelled moments with reasonable recall. Its labels were written
for the sample, separately from the dev set, so this is a check on other phrasings too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analysis import analyse
from pipeline.analysis.labelled import LabelledConversation, load_labelled
from pipeline.settings import load_settings
from pipeline.types import Analysis, Event

SAMPLE = Path(__file__).resolve().parents[1] / "sample_media" / "gesprek_tts.json"

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="sample_media/gesprek_tts.json not generated")


@pytest.fixture(scope="module")
def sample() -> tuple[LabelledConversation, Analysis]:
    item = load_labelled(SAMPLE)
    return item, analyse(item.conversation, load_settings(environ={}))


def _found(moment: dict, events: list[Event]) -> bool:
    kind = moment["type"]
    for event in events:
        if event.start >= moment["end"] or event.end <= moment["start"]:
            continue
        if event.type == kind:
            return True
        if kind in ("stacked", "self_answered") and event.type == "question" and getattr(event, kind):
            return True
    return False


def test_questions_match_the_labels(sample: tuple[LabelledConversation, Analysis]) -> None:
    item, analysis = sample
    gold = {i for i, labels in enumerate(item.labels) if labels.get("question")}
    found = {e.sentence_index for e in analysis.events if e.type == "question"}
    assert len(gold & found) / len(gold) >= 0.9
    assert len(found - gold) <= 2


@pytest.mark.parametrize(
    ("kind", "min_recall"),
    [
        ("stacked", 1.0),
        ("self_answered", 1.0),
        ("summary", 1.0),
        ("goal", 1.0),
        ("agenda", 0.4),
        ("metacommunication", 0.6),
        ("feedback_request", 1.0),
        # relabelled to the guide: 5 moments now, incl. one-word confirmations ("Ja. Heel erg.")
        ("emotion", 0.6),
        ("resistance", 1.0),
        ("monologue", 1.0),
        ("ping_pong", 1.0),
    ],
)
def test_labelled_moments_are_found(
    sample: tuple[LabelledConversation, Analysis], kind: str, min_recall: float
) -> None:
    item, analysis = sample
    moments = [m for m in item.moments if m["type"] == kind]
    if not moments:
        pytest.skip(f"no {kind} moment in this version of the sample")
    recall = sum(_found(m, analysis.events) for m in moments) / len(moments)
    assert recall >= min_recall, f"{kind}: {recall:.2f}"


def test_agenda_and_goal_come_in_the_opening(sample: tuple[LabelledConversation, Analysis]) -> None:
    _, analysis = sample
    themes = analysis.metrics["themes"]
    assert themes["goal"]["in_opening"] and themes["agenda"]["in_opening"]
    assert themes["feedback_request"]["near_end"]
