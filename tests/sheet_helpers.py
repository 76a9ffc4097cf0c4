"""Build a Conversation (and reference events) from a sample's ground-truth JSON.

The sheet tests need a realistic conversation without running ASR and diarisation, so
they take the scripted timeline of ``sample_media/gesprek_tts.json``: its utterances are
the turns and its labelled sentences the sentences. Word times are spread evenly over each
sentence, which is close enough for pauses and talk time at sentence resolution.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.analysis.labelled import THEME_LABELS
from pipeline.types import Analysis, Conversation, Event, Fragment, Sentence, Speaker, TimedWord, Turn

REPO = Path(__file__).resolve().parents[1]
TTS_TRUTH = REPO / "sample_media" / "gesprek_tts.json"
TTS_MEDIA = REPO / "sample_media" / "gesprek_tts.mp4"
MOMENTS_OF_INTEREST = (
    "self_answered",
    "stacked",
    "summary",
    "agenda",
    "feedback_request",
    "emotion",
    "resistance",
)
SPEAKER_IDS = {"klantmanager": "SPEAKER_00", "client": "SPEAKER_01"}


def load_truth(path: Path = TTS_TRUTH) -> dict[str, Any]:
    """The ground-truth document."""
    return json.loads(path.read_text(encoding="utf-8"))


def _words(text: str, start: float, end: float, speaker: str) -> list[TimedWord]:
    tokens = text.split()
    step = (end - start) / max(len(tokens), 1)
    return [
        TimedWord(
            start=round(start + i * step, 3),
            end=round(start + (i + 1) * step, 3),
            text=token,
            speaker=speaker,
        )
        for i, token in enumerate(tokens)
    ]


def conversation_from_truth(truth: dict[str, Any]) -> Conversation:
    """Turns and sentences exactly as scripted, with speaker roles.

    Utterances without labelled sentences (``real_dev_*.json``) become one-sentence turns.
    """
    turns: list[Turn] = []
    sentence_index = 0
    for turn_index, utterance in enumerate(truth["utterances"]):
        role = utterance.get("role", utterance["speaker"])
        role = role if role in ("klantmanager", "client") else "other"
        speaker = SPEAKER_IDS.get(role, f"SPEAKER_{role}")
        sentences, words = [], []
        for item in utterance.get("sentences", [utterance]):
            sentences.append(
                Sentence(
                    index=sentence_index,
                    turn_index=turn_index,
                    start=item["start"],
                    end=item["end"],
                    text=item["text"],
                    speaker=speaker,
                    role=role,
                )
            )
            words += _words(item["text"], item["start"], item["end"], speaker)
            sentence_index += 1
        voice = Speaker(id=speaker, role=role, label=role)
        turn = voice.turn(turn_index, utterance["text"], words, utterance["start"], utterance["end"])
        turns.append(turn.model_copy(update={"sentences": sentences}))
    talk: dict[str, float] = {}
    for turn in turns:
        talk[turn.speaker] = talk.get(turn.speaker, 0.0) + turn.end - turn.start
    speakers = [
        Speaker(id=speaker, role=role, label=role, talk_time_s=round(talk.get(speaker, 0.0), 3))
        for role, speaker in SPEAKER_IDS.items()
    ]
    return Conversation(duration_s=truth["duration_s"], speakers=speakers, turns=turns)


def analysis_from_truth(truth: dict[str, Any], conversation: Conversation) -> Analysis:
    """Events straight from the labels: what a perfect analysis would report."""
    events: list[Event] = []
    for turn in conversation.turns:
        labelled = truth["utterances"][turn.index]["sentences"]
        for sentence, item in zip(turn.sentences, labelled, strict=True):
            labels = item["labels"]
            common = {
                "speaker_role": turn.role,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "turn_index": turn.index,
                "sentence_index": sentence.index,
            }
            if labels["question"]:
                events.append(
                    Event(
                        id=f"e{len(events) + 1}",
                        type="question",
                        form=labels["form"],
                        focus=labels["focus"],
                        stacked=labels["stacked"],
                        self_answered=labels["self_answered"],
                        **common,
                    )
                )
            for kind in THEME_LABELS:
                if labels[kind]:
                    events.append(Event(id=f"e{len(events) + 1}", type=kind, **common))
    for moment in truth["moments"]:
        if moment["type"] in ("monologue", "ping_pong"):
            role = "klantmanager" if moment["type"] == "monologue" else None
            events.append(
                Event(
                    id=f"e{len(events) + 1}",
                    type=moment["type"],
                    speaker_role=role,
                    start=moment["start"],
                    end=moment["end"],
                )
            )
    return Analysis(events=events, metrics={})


def moments_of_interest(truth: dict[str, Any]) -> list[dict[str, Any]]:
    """The ground-truth moments the fragments must cover (issue 5 acceptance)."""
    return [moment for moment in truth["moments"] if moment["type"] in MOMENTS_OF_INTEREST]


def synthetic_conversation(duration_s: float, turn_s: float = 5.0, gap_s: float = 0.6) -> Conversation:
    """Alternating klantmanager/client turns of one sentence each, filling ``duration_s``."""
    turns: list[Turn] = []
    cursor, index = 0.5, 0
    while cursor + turn_s <= duration_s - 0.5:
        role = "klantmanager" if index % 2 == 0 else "client"
        speaker = SPEAKER_IDS[role]
        text = f"Zin nummer {index} van de {role}."
        sentence = Sentence(
            index=index,
            turn_index=index,
            start=cursor,
            end=cursor + turn_s,
            text=text,
            speaker=speaker,
            role=role,
        )
        voice = Speaker(id=speaker, role=role, label=role)
        turn = voice.turn(
            index, text, _words(text, cursor, cursor + turn_s, speaker), cursor, cursor + turn_s
        )
        turns.append(turn.model_copy(update={"sentences": [sentence]}))
        cursor += turn_s + gap_s
        index += 1
    speakers = [Speaker(id=speaker, role=role, label=role) for role, speaker in SPEAKER_IDS.items()]
    return Conversation(duration_s=duration_s, speakers=speakers, turns=turns)


def event_at(
    conversation: Conversation, turn_index: int, event_type: str, number: int, **fields: Any
) -> Event:
    """An event on one turn's sentence of a synthetic conversation."""
    turn = conversation.turns[turn_index]
    return Event(
        id=f"e{number}",
        type=event_type,
        speaker_role=fields.pop("speaker_role", turn.role),
        start=turn.start,
        end=turn.end,
        text=turn.text,
        turn_index=turn.index,
        sentence_index=turn.sentences[0].index,
        **fields,
    )


@lru_cache(maxsize=1)
def tts_case() -> tuple[dict[str, Any], Conversation, Analysis]:
    """The TTS sample's truth, its scripted conversation and the real analysis of it (cached per run)."""
    from pipeline.analysis import analyse
    from pipeline.settings import load_settings

    truth = load_truth()
    conversation = conversation_from_truth(truth)
    return truth, conversation, analyse(conversation, load_settings(environ={}))


def covered(moment: dict[str, Any], fragments: list[Fragment]) -> bool:
    """A ground-truth moment counts as covered when at least half of it lies inside one fragment."""
    length = max(moment["end"] - moment["start"], 1e-6)
    return any(min(f.end, moment["end"]) - max(f.start, moment["start"]) >= 0.5 * length for f in fragments)
