"""Goal statement: the klantmanager says what this conversation is for ("Het doel van dit
gesprek is…", "We zitten hier om…", "Aan het eind van dit gesprek wil ik…")."""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView


def detect_goal(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching goal cue, or None."""
    if view.role not in context.settings.themes.klantmanager_roles:
        return None
    return context.match("goal.cues", view)
