"""The values of the intention metrics for one analysed conversation.

They are computed from the analysis events and the conversation's turns (the typed
contract in ``pipeline.types``), so they mean the same thing whichever detector version
produced the events, and the sheet's counts and the history always agree.
"""

from __future__ import annotations

from pipeline.settings import Settings
from pipeline.types import Analysis, Conversation, Event

MetricValue = float | int | bool | None


def _km_questions(events: list[Event]) -> list[Event]:
    return [e for e in events if e.type == "question" and e.speaker_role == "klantmanager"]


def _groups(events: list[Event]) -> int:
    """Count runs: stacked questions in one turn are one moment of stacking."""
    seen: set[object] = set()
    for event in events:
        seen.add(event.turn_index if event.turn_index is not None else round(event.start))
    return len(seen)


def talk_shares(conversation: Conversation) -> dict[str, float]:
    """Share of all speaking time per role (klantmanager, client, other)."""
    totals: dict[str, float] = {}
    for turn in conversation.turns:
        totals[turn.role] = totals.get(turn.role, 0.0) + max(turn.end - turn.start, 0.0)
    spoken = sum(totals.values())
    return {role: (seconds / spoken if spoken else 0.0) for role, seconds in totals.items()}


def intention_metrics(
    analysis: Analysis, conversation: Conversation, settings: Settings
) -> dict[str, MetricValue]:
    """All eight metrics; a share is None when there is nothing to divide by.

    Shares count only questions whose form (or focus) is known, as the analysis metrics do,
    so the sheet, the history and metrics.csv tell the same story.
    """
    events = analysis.events
    questions = _km_questions(events)
    opening = settings.report.intentions.opening_s
    km_events = [e for e in events if e.speaker_role in ("klantmanager", None)]
    open_, closed = sum(q.form == "open" for q in questions), sum(q.form == "closed" for q in questions)
    feeling, fact = sum(q.focus == "feeling" for q in questions), sum(q.focus == "fact" for q in questions)
    return {
        "open_question_share": _share(open_, open_ + closed),
        "feeling_question_share": _share(feeling, feeling + fact),
        "stacked_questions": _groups([q for q in questions if q.stacked]),
        "self_answered_questions": sum(1 for q in questions if q.self_answered),
        "talk_share": talk_shares(conversation).get("klantmanager"),
        "summaries": sum(1 for e in km_events if e.type == "summary"),
        "agenda_at_start": any(e.type == "agenda" and in_opening(e, opening) for e in km_events),
        "feedback_asked": any(e.type == "feedback_request" for e in km_events),
    }


def in_opening(event: Event, opening_s: float) -> bool:
    """The detector's own verdict (``details.in_opening``) when it gives one, else by time."""
    verdict = event.details.get("in_opening")
    return bool(verdict) if verdict is not None else event.start <= opening_s


def _share(part: int, whole: int) -> float | None:
    """Same definition as the analysis metrics: open of open+closed, feeling of feeling+fact."""
    return part / whole if whole else None
