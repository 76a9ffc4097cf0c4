"""Open or closed, per question (domain.md).

Open: wh-questions and functional invitations ("Kun je vertellen hoe dat ging?", "Vertel
eens…", "Wil je daar iets meer over zeggen?"). Closed: yes/no questions, either/or
questions (also with a question word: "Welke dag, maandag of dinsdag?"), tag questions and
declaratives said as a question.
"""

from __future__ import annotations

from typing import Literal

from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.questions import QuestionCue

Form = Literal["open", "closed"]


def _either_or(view: SentenceView, context: AnalysisContext) -> bool:
    """An "of" between two alternatives, not a tag or vague ending ("of niet", "of zo")."""
    tokens = [tok.lower for tok in view.core_tokens]
    excluded = context.words("form.not_either_or")
    for i, word in enumerate(tokens[1:-1], start=1):
        if word != "of":
            continue
        phrase = f"of {tokens[i + 1]}"
        if phrase not in excluded and word + tokens[i + 1] not in excluded:
            return True
    return False


def question_form(view: SentenceView, cue: QuestionCue, context: AnalysisContext) -> Form:
    """Classify a detected question as open or closed."""
    if cue.kind == "invitation":
        return "open"
    if cue.kind == "wh":
        return "closed" if _either_or(view, context) else "open"
    if cue.kind == "yes_no" and context.match("questions.open_invitations", view):
        return "open"
    return "closed"
