"""Load labelled conversations (the analysis dev set, the sample-media ground truth).

Both formats hold turns of sentences with per-sentence labels; this turns them into a
:class:`~pipeline.types.Conversation` (one speaker per role) plus the labels in sentence
order, so the quality benchmark and the tests can run the real analysis on them and compare.

- dev set (tests/data/analysis_dev/conv_*.json): ``{"turns": [{"role", "start", "end",
  "sentences": [{"text", "start", "end", "labels", "tags"}]}]}``
- sample ground truth (sample_media/gesprek_tts.json): ``{"duration_s", "utterances":
  [{"speaker", "role", "start", "end", "sentences": [...]}], "moments": [...]}``
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pipeline.types import Conversation, Sentence, SentenceTheme, Speaker, Turn

# Sentence labels that each stand for the event type of the same name.
THEME_LABELS: tuple[str, ...] = get_args(SentenceTheme)
# Every yes/no label on a labelled sentence; ``form`` and ``focus`` are the other two.
BOOL_LABELS = ("question", "stacked", "self_answered", *THEME_LABELS)


@dataclass
class LabelledConversation:
    """A conversation with the gold labels and tags of each sentence, in sentence order."""

    name: str
    conversation: Conversation
    labels: list[dict[str, Any]]
    tags: list[list[str]]
    moments: list[dict[str, Any]] = field(default_factory=list)


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
    return LabelledConversation(name, conversation, labels, tags, list(data.get("moments", [])))


def load_labelled(path: Path) -> LabelledConversation:
    """Read one labelled JSON file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
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
