"""Feedback request: the klantmanager asks the client how the conversation, or her way of
working, was for them ("Hoe vond je dit gesprek?", "Wat kan ik beter doen?"). A question about
an event in the client's life ("Hoe vond je de training?") is not one: the cues need the
conversation, the collaboration or the klantmanager herself as their object."""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.registry import SentenceDetector, register


def detect_feedback_request(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching feedback-request cue, or None."""
    if view.role not in context.settings.themes.klantmanager_roles:
        return None
    return context.match("feedback_request.cues", view)


def feedback_follow_ups(
    views: list[SentenceView], requests: dict[int, str], questions: set[int]
) -> dict[int, str]:
    """A question right after a feedback request in the same turn continues it ("Hoe vond je
    het om via een tolk te praten? Ging dat goed?")."""
    found: dict[int, str] = {}
    for position in requests:
        after = position + 1
        if (
            after < len(views)
            and after in questions
            and after not in requests
            and views[after].turn_position == views[position].turn_position
        ):
            found[after] = "follows feedback request"
    return found


FEEDBACK_REQUEST = register(
    SentenceDetector(
        "feedback_request",
        detect_feedback_request,
        "klantmanager_roles",
        ("feedback_request.cues",),
        "closing",
    )
)
