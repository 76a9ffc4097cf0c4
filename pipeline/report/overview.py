"""The conversation at a glance: the counts at the top of the sheet.

Everything is derived from the analysis events (the typed contract in ``pipeline.types``)
and the conversation's turns, so the sheet agrees with the intention history, which uses
the same definitions (``pipeline.intentions.values``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from pipeline.intentions.values import in_opening, intention_metrics, talk_shares
from pipeline.settings import Settings
from pipeline.types import ROLES, Analysis, Conversation, Event

ROLE_ORDER = ROLES


@dataclass
class Overview:
    """Numbers for "Het gesprek in één oogopslag"."""

    duration_s: float
    talk_share: dict[str, float]
    turns: dict[str, int]
    mean_turn_s: dict[str, float]
    questions: int
    open: int
    closed: int
    feeling: int
    fact: int
    other_focus: int  # feeling + fact + other_focus == questions (a focus of None counts as other)
    stacked: int
    self_answered: int
    summaries: int
    wait_median_s: float | None
    unanswered: int
    longest: tuple[str, float, float] | None  # role, start, seconds
    ping_pong: int
    agenda_at_start: bool
    goal_at_start: bool
    feedback_asked: bool
    overlaps: int = 0  # stretches where two people spoke at once
    interruptions: dict[str, int] = field(default_factory=dict)  # by the role that took the turn
    metrics: dict[str, float | int | bool | None] = field(default_factory=dict)

    @property
    def other_form(self) -> int:
        """Questions that are neither open nor closed, so the forms add up to ``questions``."""
        return self.questions - self.open - self.closed


def _km_questions(events: list[Event]) -> list[Event]:
    return [e for e in events if e.type == "question" and e.speaker_role == "klantmanager"]


def _longest(conversation: Conversation, events: list[Event]) -> tuple[str, float, float] | None:
    """The longest stretch one person spoke: a detected monologue, else the longest turn."""
    monologues = [e for e in events if e.type == "monologue"]
    if monologues:
        longest = max(monologues, key=lambda e: e.end - e.start)
        return longest.speaker_role or "klantmanager", longest.start, longest.end - longest.start
    if not conversation.turns:
        return None
    turn = max(conversation.turns, key=lambda t: t.end - t.start)
    return turn.role, turn.start, turn.end - turn.start


def _interruptions(events: list[Event]) -> dict[str, int]:
    """How often each role started speaking while the other was still talking."""
    counts: dict[str, int] = {}
    for event in events:
        if event.type == "interruption" and event.speaker_role is not None:
            counts[event.speaker_role] = counts.get(event.speaker_role, 0) + 1
    return {role: counts[role] for role in ROLE_ORDER if role in counts}


def build_overview(analysis: Analysis, conversation: Conversation, settings: Settings) -> Overview:
    """Count what the sheet shows at the top."""
    events = analysis.events
    questions = _km_questions(events)
    metrics = intention_metrics(analysis, conversation, settings)
    turns: dict[str, list[float]] = {}
    for turn in conversation.turns:
        turns.setdefault(turn.role, []).append(turn.end - turn.start)
    answered = [q for q in questions if not q.self_answered and not q.details.get("unanswered")]
    latencies = [q.answer_latency_s for q in answered if q.answer_latency_s is not None]
    opening = settings.report.intentions.opening_s
    km_or_unknown = [e for e in events if e.speaker_role in ("klantmanager", None)]
    shares = talk_shares(conversation)
    return Overview(
        duration_s=conversation.duration_s,
        talk_share={role: shares[role] for role in ROLE_ORDER if role in shares},
        turns={role: len(turns[role]) for role in ROLE_ORDER if role in turns},
        mean_turn_s={role: statistics.fmean(turns[role]) for role in ROLE_ORDER if role in turns},
        questions=len(questions),
        open=sum(q.form == "open" for q in questions),
        closed=sum(q.form == "closed" for q in questions),
        feeling=sum(q.focus == "feeling" for q in questions),
        fact=sum(q.focus == "fact" for q in questions),
        other_focus=sum(q.focus not in ("feeling", "fact") for q in questions),
        stacked=int(metrics["stacked_questions"] or 0),
        self_answered=int(metrics["self_answered_questions"] or 0),
        summaries=int(metrics["summaries"] or 0),
        wait_median_s=statistics.median(latencies) if latencies else None,
        unanswered=sum(1 for q in questions if q.details.get("unanswered")),
        longest=_longest(conversation, events),
        ping_pong=sum(1 for e in events if e.type == "ping_pong"),
        agenda_at_start=bool(metrics["agenda_at_start"]),
        goal_at_start=any(e.type == "goal" and in_opening(e, opening) for e in km_or_unknown),
        feedback_asked=bool(metrics["feedback_asked"]),
        overlaps=len(conversation.overlaps),
        interruptions=_interruptions(events),
        metrics=metrics,
    )
