"""Client emotion words (raakmomenten): moments where the client names a feeling ("Ik schaam
me ervoor", "Ik ben bang dat…", "Ik word er verdrietig van"). "Gelukkig" opening a sentence
means "fortunately" and is excluded."""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView


def detect_emotion(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching emotion word pattern, or None."""
    if view.role not in context.settings.themes.emotion_roles:
        return None
    if context.match("emotion.exclusions", view):
        return None
    return context.match("emotion.words", view)
