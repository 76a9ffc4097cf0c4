"""Load labelled conversations (the analysis dev set, the sample-media ground truth).

Both formats hold turns of sentences with per-sentence labels; this turns them into a
:class:`~pipeline.types.Conversation` (one speaker per role) plus the labels in sentence
order, so the quality benchmark and the tests can run the real analysis on them and compare.

- dev set (tests/data/analysis_dev/conv_*.json): ``{"turns": [{"role", "start", "end",
  "sentences": [{"text", "start", "end", "labels", "tags"}]}]}``
- sample ground truth (sample_media/gesprek_tts.json): ``{"duration_s", "utterances":
  [{"speaker", "role", "start", "end", "sentences": [...]}], "moments": [...]}``
- annotation-guide conversations (tests/data/conversations/*.json): ``{"id", "setting",
  "turns": [{"spk": "K"|"C"|"O", "text", <turn labels>, "questions": [...]}]}``, labelled per
  turn and without times; times are made up from the word count, as a transcript would have.

Every item also carries its **turn-level** gold labels in the guide's vocabulary
(:data:`TURN_LABELS`), so all sets are scored the same way, per turn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pipeline.types import Conversation, Role, Sentence, SentenceTheme, Speaker, Turn

# Sentence labels that each stand for the event type of the same name.
THEME_LABELS: tuple[str, ...] = get_args(SentenceTheme)
# Every yes/no label on a labelled sentence; ``form`` and ``focus`` are the other two.
BOOL_LABELS = ("question", "stacked", "self_answered", *THEME_LABELS)

# The annotation guide's turn labels, with the role whose turns carry them.
TURN_LABELS: dict[str, Role] = {
    **dict.fromkeys(
        ("q", "open", "closed", "bel", "feit", "self", "stack"),
        "klantmanager",
    ),
    **dict.fromkeys(("summ", "agenda", "goal", "meta", "fb", "advice"), "klantmanager"),
    "emotion": "client",
    "resistance": "client",
}
# Guide turn label -> the sentence label (dev set) or event type it aggregates.
THEME_OF_TURN_LABEL = {
    "summ": "summary",
    "agenda": "agenda",
    "goal": "goal",
    "meta": "metacommunication",
    "fb": "feedback_request",
    "advice": "advice",
    "emotion": "emotion",
    "resistance": "resistance",
}
GUIDE_ROLES: dict[str, Role] = {"K": "klantmanager", "C": "client", "O": "other"}
WORDS_PER_SECOND = 2.7
TURN_GAP_S = 0.6


@dataclass
class LabelledConversation:
    """A conversation with the gold labels and tags of each sentence, in sentence order."""

    name: str
    conversation: Conversation
    labels: list[dict[str, Any]]
    tags: list[list[str]]
    moments: list[dict[str, Any]] = field(default_factory=list)
    turn_labels: list[dict[str, int | None]] = field(default_factory=list)
    turn_questions: list[list[dict[str, Any]]] = field(default_factory=list)


def turn_labels_from_sentences(turn: Turn, labels: list[dict[str, Any]]) -> dict[str, int | None]:
    """A sentence-labelled turn's gold labels in the guide's turn vocabulary (OR over sentences)."""
    questions = [label for label in labels if label.get("question")]
    out: dict[str, int | None] = {}
    for name, role in TURN_LABELS.items():
        if role != turn.role:
            continue
        if name in THEME_OF_TURN_LABEL:
            value = any(label.get(THEME_OF_TURN_LABEL[name]) for label in labels)
        elif name == "q":
            value = bool(questions)
        elif name in ("open", "closed"):
            value = any(label.get("form") == name for label in questions)
        elif name in ("bel", "feit"):
            value = any(label.get("focus") == ("feeling" if name == "bel" else "fact") for label in questions)
        else:
            key = "self_answered" if name == "self" else "stacked"
            value = any(label.get(key) for label in questions)
        out[name] = int(value)
    return out


def labelled_from_dict(data: dict[str, Any], name: str) -> LabelledConversation:
    """Build a :class:`LabelledConversation` from a parsed dev-set or ground-truth document."""
    raw_turns = data.get("turns") or data.get("utterances") or []
    turns: list[Turn] = []
    labels: list[dict[str, Any]] = []
    tags: list[list[str]] = []
    roles_seen: list[str] = []
    index = 0
    for turn_index, raw in enumerate(raw_turns):
        role = raw["role"]
        if role not in roles_seen:
            roles_seen.append(role)
        sentences = []
        for item in raw["sentences"]:
            sentences.append(
                Sentence(
                    index=index,
                    turn_index=turn_index,
                    start=float(item["start"]),
                    end=float(item["end"]),
                    text=item["text"],
                    speaker=role,
                    role=role,
                )
            )
            labels.append(dict(item.get("labels", {})))
            tags.append(list(item.get("tags", [])))
            index += 1
        turns.append(
            Turn(
                index=turn_index,
                speaker=role,
                role=role,
                label=role,
                start=float(raw["start"]),
                end=float(raw["end"]),
                text=" ".join(s.text for s in sentences),
                sentences=sentences,
            )
        )
    duration = float(data.get("duration_s") or (turns[-1].end if turns else 0.0))
    speakers = [Speaker(id=role, role=role, label=role) for role in roles_seen]
    conversation = Conversation(duration_s=duration, speakers=speakers, turns=turns)
    turn_labels, turn_questions = [], []
    for turn in turns:
        own = [labels[s.index] for s in turn.sentences]
        turn_labels.append(turn_labels_from_sentences(turn, own))
        turn_questions.append(
            [
                {"text": s.text, "form": label.get("form"), "focus": label.get("focus")}
                for s, label in zip(turn.sentences, own, strict=True)
                if label.get("question")
            ]
        )
    return LabelledConversation(
        name, conversation, labels, tags, list(data.get("moments", [])), turn_labels, turn_questions
    )


def guide_from_dict(data: dict[str, Any], name: str) -> LabelledConversation:
    """Build a turn-labelled conversation from an annotation-guide document.

    The turns get times from their word count (and no sentences: the analysis splits them as
    it splits any transcript without sentences), so pauses are uniform and short.
    """
    turns: list[Turn] = []
    turn_labels: list[dict[str, int | None]] = []
    turn_questions: list[list[dict[str, Any]]] = []
    clock = 0.0
    for index, raw in enumerate(data["turns"]):
        role = GUIDE_ROLES[raw["spk"]]
        text = raw["text"].strip()
        duration = max(0.4, len(text.split()) / WORDS_PER_SECOND)
        turns.append(
            Turn(
                index=index,
                speaker=role,
                role=role,
                label=role,
                start=round(clock, 3),
                end=round(clock + duration, 3),
                text=text,
            )
        )
        clock += duration + TURN_GAP_S
        turn_labels.append({k: raw.get(k) for k, r in TURN_LABELS.items() if r == role})
        turn_questions.append(list(raw.get("questions", [])))
    roles_seen = list(dict.fromkeys(turn.role for turn in turns))
    speakers = [Speaker(id=role, role=role, label=role) for role in roles_seen]
    conversation = Conversation(duration_s=round(clock, 3), speakers=speakers, turns=turns)
    return LabelledConversation(
        name, conversation, [], [], [], turn_labels=turn_labels, turn_questions=turn_questions
    )


def load_labelled(path: Path) -> LabelledConversation:
    """Read one labelled JSON file, in either the sentence-labelled or the guide format."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    turns = data.get("turns") or []
    if turns and "spk" in turns[0]:
        return guide_from_dict(data, Path(path).stem)
    return labelled_from_dict(data, Path(path).stem)


def load_labelled_dir(directory: Path) -> list[LabelledConversation]:
    """Every ``conv_*.json`` in ``directory``, sorted by name."""
    return [load_labelled(path) for path in sorted(Path(directory).glob("conv_*.json"))]


def load_topic_labels(directory: Path) -> dict[str, set[int]]:
    """Turns labelled as topic introductions per conversation (``topics.json``; empty if absent)."""
    path = Path(directory) / "topics.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))["conversations"]
    return {name: {item["turn"] for item in items} for name, items in data.items()}
