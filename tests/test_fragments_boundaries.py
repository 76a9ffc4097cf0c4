"""Fragment edges follow the conversation, checked on fragments.json against the turns.

On the TTS sample and on ``real_dev_dialogue`` (real read speech), with the real analysis:
no fragment starts or ends inside a turn, none ends on a klantmanager question whose
answer follows within ``reply_within_s``, a fragment that opens on the client's turn
shows the klantmanager's short turn before it, and each excerpt shows exactly the
sentences of the turns inside the clip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sheet_helpers import REPO, conversation_from_truth, load_truth, synthetic_conversation, tts_case

from pipeline.analysis import analyse
from pipeline.fragments import select_fragments
from pipeline.fragments.boundaries import TurnEdges
from pipeline.fragments.windows import Window
from pipeline.report import write_sheet
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis, Conversation

TOLERANCE_S = 0.05  # edges are rounded outwards to 0.01 s


@pytest.fixture(scope="module")
def settings() -> Settings:
    quick = load_settings(environ={})
    quick.report.pdf = False
    return quick


def _cases(settings: Settings) -> list[tuple[str, Conversation, Analysis]]:
    _, tts, tts_analysis = tts_case()
    dev = conversation_from_truth(load_truth(REPO / "sample_media" / "real_dev_dialogue.json"))
    return [("tts", tts, tts_analysis), ("real_dev_dialogue", dev, analyse(dev, settings))]


def _asks(text: str) -> bool:
    return text.rstrip().endswith("?")


@pytest.mark.parametrize("case", ["tts", "real_dev_dialogue"])
def test_fragments_follow_the_turns(case: str, tmp_path: Path, settings: Settings) -> None:
    name, conversation, analysis = next(c for c in _cases(settings) if c[0] == case)
    fragments = select_fragments(analysis, conversation, settings)
    write_sheet(conversation, analysis, fragments, tmp_path, settings)
    written = json.loads((tmp_path / "fragments.json").read_text(encoding="utf-8"))
    assert len(written) >= 3, name
    turns = sorted(conversation.turns, key=lambda turn: turn.start)
    questions = {e.turn_index for e in analysis.events if e.type == "question"}
    frag = settings.fragments
    for item in written:
        start, end = item["start"], item["end"]
        for turn in turns:
            assert not turn.start + TOLERANCE_S < start < turn.end - TOLERANCE_S, (name, start, turn.text)
            assert not turn.start + TOLERANCE_S < end < turn.end - TOLERANCE_S, (name, end, turn.text)
        inside = [t for t in turns if t.start >= start - TOLERANCE_S and t.end <= end + TOLERANCE_S]
        assert inside, (name, start, end)
        last, after = inside[-1], [t for t in turns if t.start >= end - TOLERANCE_S][:1]
        if after and last.role == "klantmanager" and (last.index in questions or _asks(last.text)):
            assert after[0].start - last.end > frag.reply_within_s, (name, end, last.text, after[0].text)
        first = inside[0]
        before = [t for t in turns if t.end <= first.start + TOLERANCE_S and t is not first][-1:]
        if first.role != "klantmanager" and before and before[0].role == "klantmanager":
            lead = before[0]
            assert first.start - lead.end > frag.lead_within_s or lead.end - lead.start > frag.lead_max_s, (
                name,
                start,
                lead.text,
            )
        expected = [s.text for t in inside for s in t.sentences][: settings.report.excerpt_max_sentences]
        assert [line["text"] for line in item["excerpt"]] == expected, name


def test_a_question_at_the_end_pulls_in_its_answer(settings: Settings) -> None:
    conversation = synthetic_conversation(300)
    asking = conversation.turns[11]  # a client turn; the klantmanager's question is turn 12
    question = conversation.turns[12]
    sentence = question.sentences[0].model_copy(update={"text": "Hoe ging dat?"})
    conversation.turns[12] = question.model_copy(update={"text": "Hoe ging dat?", "sentences": [sentence]})
    edges = TurnEdges(conversation, [], settings.fragments)
    aligned = edges.align(Window(asking.start + 1.0, question.end - 1.0))
    answer = conversation.turns[13]
    assert aligned.start <= conversation.turns[10].start + TOLERANCE_S  # the lead-in, not mid-turn
    assert aligned.end >= answer.end - TOLERANCE_S  # the reply is in
    assert aligned.end <= conversation.turns[14].start + TOLERANCE_S  # and nothing of the next turn
