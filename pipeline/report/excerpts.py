"""Transcript excerpts for a fragment: who said what, with short tags on the detected moments.

The text is untrusted (it is whatever was said, then recognised); it stays plain data here
and the templates escape it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.fragments import clock
from pipeline.fragments.confidence import WordIndex
from pipeline.types import Conversation, Event, Fragment, Sentence

EDGE_TOLERANCE_S = 0.05  # fragment edges are rounded to 0.01 s, outwards


@dataclass
class Line:
    """One sentence of the excerpt with its tags, and its words with whether each was heard uncertainly."""

    start: float
    text: str
    marks: list[str] = field(default_factory=list)
    words: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def uncertain_words(self) -> list[str]:
        """The words the recogniser was not sure of."""
        return [word for word, unsure in self.words if unsure]


def line_words(sentence: Sentence, index: WordIndex, uncertain_below: float) -> list[tuple[str, bool]]:
    """The sentence's text as (word, uncertain) pairs.

    The text shown is always the sentence's own (pseudonymised where the sheet is); the
    recognised words only lend their probabilities, position by position, when they line
    up with it. When they do not, the sentence is shown without marks.
    """
    tokens = sentence.text.split()
    words = index.sentence_words(sentence.index)
    if len(words) != len(tokens):
        return [(sentence.text, False)]
    return [(token, word.probability < uncertain_below) for token, word in zip(tokens, words, strict=True)]


@dataclass
class Block:
    """Consecutive sentences of one speaker inside a fragment."""

    role: str
    label: str
    start: float
    clock: str
    lines: list[Line] = field(default_factory=list)


def _mark_keys(event: Event) -> list[str]:
    """Tag keys (see ``marks`` in the texts file) for one event."""
    if event.type != "question":
        return [event.type]
    if event.speaker_role != "klantmanager":
        return []
    keys = [{"open": "question_open", "closed": "question_closed"}.get(event.form or "", "question")]
    if event.focus == "feeling":
        keys.append("feeling")
    if event.stacked:
        keys.append("stacked")
    if event.self_answered:
        keys.append("self_answered")
    return keys


def _events_in(sentence: Sentence, events: list[Event]) -> list[Event]:
    """Events that sit in this sentence: by index when the detector gave one, else by time."""
    found = []
    for event in events:
        if event.type in ("monologue", "ping_pong", "interruption"):
            continue  # stretches, not sentences: the fragment's reason names them
        if event.sentence_index is not None:
            if event.sentence_index == sentence.index:
                found.append(event)
            continue
        overlap = min(event.end, sentence.end) - max(event.start, sentence.start)
        if overlap >= 0.5 * max(min(event.end - event.start, sentence.end - sentence.start), 1e-6):
            found.append(event)
    return found


def excerpt(
    fragment: Fragment,
    conversation: Conversation,
    events: list[Event],
    role_labels: dict[str, str],
    mark_labels: dict[str, str],
    max_sentences: int,
    index: WordIndex,
    uncertain_below: float,
) -> tuple[list[Block], bool]:
    """The fragment's sentences grouped by speaker, and whether some were left out."""
    shown_events = [event for event in events if event.id in set(fragment.event_ids)]
    # a line never starts before the clip does (the fragment's edges follow the turns)
    sentences = [
        s
        for s in conversation.sentences()
        if fragment.start - EDGE_TOLERANCE_S <= s.start and (s.start + s.end) / 2 <= fragment.end
    ]
    truncated = len(sentences) > max_sentences
    blocks: list[Block] = []
    for sentence in sentences[:max_sentences]:
        marks: list[str] = []
        for event in _events_in(sentence, shown_events):
            for key in _mark_keys(event):
                label = mark_labels.get(key)
                if label and label not in marks:
                    marks.append(label)
        line = Line(
            start=sentence.start,
            text=sentence.text,
            marks=marks,
            words=line_words(sentence, index, uncertain_below),
        )
        if blocks and blocks[-1].role == sentence.role and blocks[-1].label == role_labels.get(sentence.role):
            blocks[-1].lines.append(line)
            continue
        blocks.append(
            Block(
                role=sentence.role,
                label=role_labels.get(sentence.role, sentence.role),
                start=sentence.start,
                clock=clock(sentence.start),
                lines=[line],
            )
        )
    return blocks, truncated
