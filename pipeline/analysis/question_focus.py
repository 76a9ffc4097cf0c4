"""Feeling/experience or fact, per question; null when the question asks for neither.

Feeling (belevingsvraag): the question names an emotion or experience ("Hoe was dat voor
je?", "Wat raakte je daarin?", "Waar kijk je naar uit?"), asks for an evaluation ("Hoe vond
je…") or for wellbeing ("Hoe gaat het met je?"). Null: questions about the conversation
itself, confirmation checks and repair ("Klopt dat?", "Wat wil jij vandaag bespreken?",
"Hoe bedoel je?"), and content-free checks ("Toch?"). Everything else asks for facts.
"""

from __future__ import annotations

from typing import Literal

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas
from pipeline.analysis.questions import QuestionCue

Focus = Literal["feeling", "fact"]


def question_focus(view: SentenceView, cue: QuestionCue, context: AnalysisContext) -> Focus | None:
    """Classify a detected question's focus."""
    if context.match("focus.process", view):
        return None
    feeling = context.match("focus.feeling", view)
    if feeling and not context.match("focus.fact_overrides", view):
        return "feeling"
    if not content_lemmas(view, context) and cue.kind in ("tag", "declarative"):
        return None
    if not content_lemmas(view, context) and len(view.words) <= 2:
        return None
    return "fact"
