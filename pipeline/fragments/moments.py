"""Turn analysis events into scored moments: what could be worth looking at again.

A moment is one or more events of the same kind (three stacked questions in one turn
are one moment, not three). Its kind refines the event type where the sheet says
something different: a self-answered question is not just a question, and an open
feeling question that the client answers at length is a moment that went well.
Weights, themes and the "went well" flag come from settings, not from code.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from pipeline.settings import Settings
from pipeline.settings.fragments import FragmentSettings
from pipeline.types import Analysis, Conversation, Event, Turn

_WORD = re.compile(r"[\wÀ-ÿ']+")


@dataclass
class Moment:
    """A scored stretch of the conversation built from one or more events."""

    kind: str
    theme: str
    weight: float
    tone: str  # positive, neutral or attention (see KindSettings)
    seed: bool
    start: float
    end: float  # may reach into the client's answer, so the fragment shows it
    events: list[Event] = field(default_factory=list)

    @property
    def event_ids(self) -> list[str]:
        """Ids of the events behind this moment."""
        return [event.id for event in self.events]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class _TurnOrder:
    """The turns in time order, with the latest end up to each, to find "the reply" by bisection.

    Scanning from the first turn for every question made moments grow with the square of the
    recording; turns that ended before ``after`` are skipped at once instead.
    """

    def __init__(self, turns: list[Turn]) -> None:
        self.turns = sorted(turns, key=lambda turn: turn.start)
        self._reach = list(itertools.accumulate((turn.end for turn in self.turns), max))

    def next_client_turn(self, after: float) -> Turn | None:
        """The first client turn that starts after ``after``, unless the klantmanager speaks again first."""
        for i in range(bisect.bisect_right(self._reach, after), len(self.turns)):
            turn = self.turns[i]
            if turn.end <= after:
                continue
            if turn.role == "client" and turn.start >= after - 0.2:
                return turn
            if turn.role == "klantmanager" and turn.start > after + 0.2:
                return None
        return None


def _confirms(reply: Turn, frag: FragmentSettings) -> bool:
    """Whether a client reply starts by confirming (``ja, precies``) and not by objecting."""
    opening = " ".join(_words(reply.text)[: frag.confirm_first_words])
    padded = f" {opening} "
    if any(f" {blocker} " in padded for blocker in frag.confirm_blockers):
        return False
    return any(f" {word} " in padded for word in frag.confirm_words)


def _kind(event: Event, turns: _TurnOrder, frag: FragmentSettings) -> tuple[str | None, float]:
    """The event's kind and the time up to which a fragment should show it."""
    if event.type == "question":
        if event.speaker_role != "klantmanager":
            return None, event.end
        if event.self_answered:
            return "question_self_answered", event.end
        if event.stacked:
            return "question_stacked", event.end
        if event.focus == "feeling":
            answer = turns.next_client_turn(event.end)
            if event.form == "open" and answer and answer.end - answer.start >= frag.long_answer_s:
                return "question_feeling_answered", answer.end
            return "question_feeling", event.end
        return {"open": "question_open", "closed": "question_closed"}.get(
            event.form or "", "question"
        ), event.end
    if event.type == "summary":
        if event.speaker_role not in (None, "klantmanager"):
            return None, event.end
        reply = turns.next_client_turn(event.end)
        if reply and reply.start - event.end <= frag.confirm_window_s and _confirms(reply, frag):
            return "summary_confirmed", reply.end
        return "summary", event.end
    return event.type, event.end


def _same_moment(previous: Moment, event: Event, kind: str, frag: FragmentSettings) -> bool:
    last = previous.events[-1]
    return (
        previous.kind == kind
        and last.turn_index is not None
        and last.turn_index == event.turn_index
        and (kind == "question_stacked" or event.start - last.end <= frag.group_gap_s)
    )


def _same_turn_tail(moments: list[Moment], event: Event) -> list[Moment]:
    """The latest moments that end in the event's turn (other kinds may sit in between)."""
    tail = []
    for moment in reversed(moments):
        if event.turn_index is None or moment.events[-1].turn_index != event.turn_index:
            break
        tail.append(moment)
    return tail


def find_moments(analysis: Analysis, conversation: Conversation, settings: Settings) -> list[Moment]:
    """All moments in time order; events of unconfigured kinds are ignored."""
    frag = settings.fragments
    turns = _TurnOrder(conversation.turns)
    moments: list[Moment] = []
    for event in sorted(analysis.events, key=lambda event: (event.start, event.end)):
        kind, shown_until = _kind(event, turns, frag)
        if kind is None or kind not in frag.kinds:
            continue
        config = frag.kinds[kind]
        joined = next(
            (m for m in _same_turn_tail(moments, event) if _same_moment(m, event, kind, frag)), None
        )
        if joined is not None:
            joined.events.append(event)
            joined.end = max(joined.end, shown_until)
            continue
        moments.append(
            Moment(
                kind=kind,
                theme=config.theme,
                weight=config.weight,
                tone=config.tone,
                seed=config.seed and config.weight > 0,
                start=event.start,
                end=max(event.end, shown_until),
                events=[event],
            )
        )
    return moments
