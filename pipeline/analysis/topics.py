"""Who introduces topics: turns that move the conversation to a subject (domain.md, "Who
introduces topics").

A klantmanager who brings up every subject herself leaves the client little room to raise
what matters to him. Plain lexical novelty does not mark a new subject in talk (answers and
follow-up questions bring new words about the same subject: on the dev set it scored F1
0.20-0.34), so a turn counts only with a signal of moving on, and must name a subject word
(a content lemma not in ``topics.generic``):

- an explicit move in any sentence (``topics.moves``): "Dan de sollicitaties.", "Hoe staat
  het met je rijbewijs?", "Ik wil nog iets anders met je bespreken.";
- a reply to an invitation to raise something (``topics.invitations``: "Heb je nog vragen
  voor mij?", "Wat is er aan de hand?") that names a subject;
- a klantmanager turn that closes the last subject first ("Goed.", "Oké.",
  ``topics.closers``) and then goes on with mostly new subject words compared with the last
  ``window_turns`` turns (a client's "Goed." usually answers "Hoe gaat het?").

Talk about the conversation itself (the feedback request, a summary, the next appointment:
``topics.not_subjects``) opens no subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas
from pipeline.types import Conversation


@dataclass(frozen=True)
class TopicIntroduction:
    """A turn that moves the conversation to a (new or earlier) subject."""

    turn_position: int
    signal: str  # move, invitation or closure
    words: tuple[str, ...]  # its subject words not heard in the last turns


def _subject_words(turn: list[SentenceView], context: AnalysisContext) -> set[str]:
    generic = context.words("topics.generic")
    return {lemma for view in turn for lemma in content_lemmas(view, context) if lemma not in generic}


def _signal(
    turn: list[SentenceView],
    before: list[SentenceView],
    new: set[str],
    words: set[str],
    context: AnalysisContext,
) -> str | None:
    config = context.settings.topics
    if any(context.match("topics.not_subjects", view) for view in turn):
        return None
    if any(context.match("topics.moves", view) for view in turn):
        return "move"
    if before and before[-1].role != turn[0].role and context.match("topics.invitations", before[-1]):
        return "invitation"
    closes = (
        turn[0].role in config.closure_roles
        and len(turn) > 1
        and context.match("topics.closers", turn[0]) is not None
    )
    if closes and len(new) >= config.min_new_words and len(words - new) <= config.max_overlap * len(words):
        return "closure"
    return None


def topic_introductions(
    grouped: list[list[SentenceView]], context: AnalysisContext
) -> list[TopicIntroduction]:
    """Topic introductions in turn order (``grouped``: the sentence views of each turn)."""
    window = context.settings.topics.window_turns
    words = [_subject_words(turn, context) for turn in grouped]
    found: list[TopicIntroduction] = []
    for position, turn in enumerate(grouped):
        if not turn or not words[position]:
            continue
        new = words[position] - set().union(*words[max(0, position - window) : position])
        before = next((grouped[i] for i in range(position - 1, -1, -1) if grouped[i]), [])
        signal = _signal(turn, before, new, words[position], context)
        if signal is not None:
            found.append(TopicIntroduction(position, signal, tuple(sorted(new))))
    return found


def topic_metrics(
    conversation: Conversation, found: list[TopicIntroduction], roles: tuple[str, ...]
) -> dict[str, Any]:
    """Counts per role and the introducing turns (times and role only: no words, which may
    hold names, so the metrics need no pseudonymising)."""
    turns = [conversation.turns[item.turn_position] for item in found]
    counts = {role: sum(1 for turn in turns if turn.role == role) for role in roles}
    return {
        "introduced_by": counts,
        "client_share": round(counts.get("client", 0) / len(found), 4) if found else None,
        "introductions": [
            {
                "turn_index": turn.index,
                "role": turn.role,
                "start": turn.start,
                "end": turn.end,
                "signal": item.signal,
            }
            for item, turn in zip(found, turns, strict=True)
        ],
    }
