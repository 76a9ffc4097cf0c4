"""ASR confidence: uncertain words are marked on the sheet, and an event decided by them is not counted.

The conversation is synthetic but the rule runs on the real analysis event fields: a
question decided by its question word, heard at p = 0.42 ("Het is vooral…" heard as
"Wat is vooral…", as on the TTS sample), is left out of the counts and the fragment
scores; the same question written with the recogniser's question mark is kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sheet_helpers import event_at, synthetic_conversation

from pipeline.fragments.confidence import WordIndex, confident, is_uncertain
from pipeline.report import write_sheet
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis, Conversation, Event


@pytest.fixture(scope="module")
def settings() -> Settings:
    quick = load_settings(environ={})
    quick.report.pdf = False
    return quick


def _misheard(text: str) -> tuple[Conversation, Event]:
    """Turn 10 says ``text``; its first word was heard with p = 0.42."""
    conversation = synthetic_conversation(240)
    turn = conversation.turns[10]
    step = (turn.end - turn.start) / len(text.split())
    words = [
        turn.words[0].model_copy(
            update={
                "text": token,
                "start": turn.start + i * step,
                "end": turn.start + (i + 1) * step,
                "probability": 0.42 if i == 0 else 0.95,
            }
        )
        for i, token in enumerate(text.split())
    ]
    sentence = turn.sentences[0].model_copy(update={"text": text})
    conversation.turns[10] = turn.model_copy(update={"text": text, "words": words, "sentences": [sentence]})
    event = event_at(
        conversation,
        10,
        "question",
        1,
        form="open",
        focus="fact",
        stacked=True,
        details={"question_word": "wat"},
    )
    return conversation, event.model_copy(update={"text": text})


def test_question_decided_by_a_misheard_word_is_not_counted(tmp_path: Path, settings: Settings) -> None:
    conversation, event = _misheard("Wat is vooral de motivatiebrief, denk ik.")
    index = WordIndex(conversation)
    assert is_uncertain(event, index, settings.fragments)
    analysis = Analysis(events=[event], metrics={})
    assert confident(analysis, conversation, settings.fragments).events == []
    write_sheet(conversation, analysis, [], tmp_path, settings)
    md = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "We hoorden geen vragen van jou." in md
    assert "1 moment telt niet mee" in md
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert '<span class="unsure" title="onzeker verstaan">Wat' in html


def test_a_question_mark_from_the_recogniser_keeps_the_question(settings: Settings) -> None:
    conversation, event = _misheard("Wat is er nu lastig aan de motivatiebrief?")
    assert not is_uncertain(event, WordIndex(conversation), settings.fragments)
    strict = settings.model_copy(deep=True)
    strict.fragments.uncertain_below = 0.0  # the threshold is configurable: nothing is uncertain below 0
    plain, plain_event = _misheard("Wat is vooral de motivatiebrief, denk ik.")
    assert not is_uncertain(plain_event, WordIndex(plain), strict.fragments)


def test_a_question_left_alone_in_its_turn_is_no_longer_stacked(settings: Settings) -> None:
    conversation, misheard = _misheard("Wat is vooral de motivatiebrief, denk ik.")
    first = misheard.model_copy(update={"id": "e0", "text": "Wat lukt er dan niet?", "details": {}})
    other = event_at(conversation, 20, "question", 2, form="open", stacked=True)
    twin = other.model_copy(update={"id": "e3"})
    analysis = Analysis(events=[first, misheard, other, twin], metrics={})
    kept = {e.id: e for e in confident(analysis, conversation, settings.fragments).events}
    assert set(kept) == {"e0", "e2", "e3"}
    assert kept["e0"].stacked is False  # its stack partner was the misheard one
    assert kept["e2"].stacked and kept["e3"].stacked  # a turn that lost nothing keeps its stack
