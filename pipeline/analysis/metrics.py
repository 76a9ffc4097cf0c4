"""Conversation-level metrics from the events and the turn-taking measures.

Question metrics are given per role because the sheet speaks to the klantmanager about her
own questions; wait time, questions per minute, open-question share and the
reflection-to-question ratio are about the klantmanager's questions.
"""

from __future__ import annotations

from typing import Any, get_args

from pipeline.analysis.context import AnalysisContext
from pipeline.analysis.turn_taking import ROLES
from pipeline.analysis.wait_time import wait_time_metrics
from pipeline.types import Conversation, Event, SentenceTheme

# Themes reported alike (count, times, in opening or closing); summaries and advice have
# richer entries of their own.
COUNTED_THEMES = tuple(kind for kind in get_args(SentenceTheme) if kind not in ("summary", "advice"))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _question_metrics(questions: list[Event], minutes: float) -> dict[str, Any]:
    total = len(questions)
    open_ = sum(1 for q in questions if q.form == "open")
    closed = sum(1 for q in questions if q.form == "closed")
    feeling = sum(1 for q in questions if q.focus == "feeling")
    fact = sum(1 for q in questions if q.focus == "fact")
    return {
        "total": total,
        "per_minute": round(total / minutes, 3) if minutes > 0 else None,
        "open": open_,
        "closed": closed,
        "open_share": _share(open_, open_ + closed),
        "feeling": feeling,
        "fact": fact,
        "no_focus": total - feeling - fact,
        "feeling_share": _share(feeling, feeling + fact),
        "stacked": sum(1 for q in questions if q.stacked),
        "self_answered": sum(1 for q in questions if q.self_answered),
    }


def _theme(events: list[Event], kind: str) -> dict[str, Any]:
    found = [e for e in events if e.type == kind]
    out: dict[str, Any] = {"count": len(found), "first_start": found[0].start if found else None}
    if kind in ("agenda", "goal"):
        out["in_opening"] = any(e.details.get("in_opening") for e in found)
    if kind == "feedback_request":
        out["near_end"] = any(e.details.get("near_end") for e in found)
    return out


def conversation_metrics(
    conversation: Conversation, events: list[Event], turn_metrics: dict[str, Any], context: AnalysisContext
) -> dict[str, Any]:
    """Assemble all metrics (a JSON-ready nested dict)."""
    duration = conversation.duration_s or max((t.end for t in conversation.turns), default=0.0)
    minutes = duration / 60.0
    questions = [e for e in events if e.type == "question"]
    by_role = {role: [q for q in questions if q.speaker_role == role] for role in ROLES}
    km_questions = by_role["klantmanager"]
    waits = [q for q in km_questions if q.details.get("unanswered") is not None]
    latencies = [
        q.answer_latency_s for q in waits if q.answer_latency_s is not None and not q.details["unanswered"]
    ]
    unanswered = [q.id for q in waits if q.details["unanswered"]]
    summaries = [e for e in events if e.type == "summary"]
    advice = [e for e in events if e.type == "advice"]
    wait = wait_time_metrics(latencies, len(unanswered), context.settings.turn_taking)
    wait["unanswered_event_ids"] = unanswered
    return {
        "duration_s": round(duration, 3),
        **turn_metrics,
        "questions": {role: _question_metrics(by_role[role], minutes) for role in ROLES},
        "wait_time": wait,
        "summaries": {"count": len(summaries)},
        "reflection_to_question_ratio": round(len(summaries) / len(km_questions), 4)
        if km_questions
        else None,
        "themes": {
            **{kind: _theme(events, kind) for kind in COUNTED_THEMES},
            "advice": {
                "count": len(advice),
                "at_length": sum(1 for e in advice if e.details.get("at_length")),
                "sentences": sum(len(e.details.get("sentence_indices", [])) for e in advice),
            },
        },
    }
