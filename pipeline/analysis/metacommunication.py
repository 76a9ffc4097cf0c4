"""Metacommunication: the klantmanager names what she is doing in the conversation and why
("Ik merk dat we afdwalen", "Zullen we even teruggaan naar…", "Dan wil ik nu naar het laatste
punt", "Mag ik je even onderbreken?")."""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView


def detect_metacommunication(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching metacommunication cue, or None."""
    if view.role not in context.settings.themes.metacommunication_roles:
        return None
    return context.match("metacommunication.cues", view)
