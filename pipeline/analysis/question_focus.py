"""Feeling/experience or fact, per question; null when the question asks for neither.

Feeling (belevingsvraag): emotion and experience ("Hoe was dat voor je?", "Wat raakte je
daarin?"), meaning ("Wat betekent dat voor u?"), wishes and preferences ("Wil je later
blijven klussen?"), worries, opinions ("Hoe kijk je ertegenaan?"), what would help, coping,
wellbeing ("Hoe gaat het met je?") and feedback on the conversation. Null: questions about
the conversation itself, proposals, offers and permission ("Zullen we…?", "Mag ik…?"),
repair and bare checks ("Oké?", "Is dat goed?"), and how-is-it-going questions without a
person ("Hoe gaat het met de cursus?"), which are genuinely unclear. Everything else asks for
facts: events, numbers, actions, documents, procedures.

Some questions take their focus from the discourse (:func:`inherit_focus`): "Klopt dat?"
checks what was just said; a suggested answer ("Hoeveel uur? Acht?") and an elliptic
follow-up ("En voor uzelf?") continue the question before them; an interpreter's question in
another language renders the klantmanager's question.
"""

from __future__ import annotations

from typing import Literal

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas, has_finite_verb
from pipeline.analysis.questions import QuestionCue, is_foreign

Focus = Literal["feeling", "fact"]


def content_focus(view: SentenceView, context: AnalysisContext) -> Focus | None:
    """The focus of a sentence's own content: feeling or emotion words, else fact, else null."""
    if context.match("focus.feeling", view) or context.match("emotion.words", view):
        return "feeling"
    return "fact" if content_lemmas(view, context) else None


def question_focus(view: SentenceView, cue: QuestionCue, context: AnalysisContext) -> Focus | None:
    """Classify a detected question's focus from its own words."""
    process = context.match("focus.process", view) and not context.match("focus.not_process", view)
    if process or context.match("focus.unclear", view):
        return None
    if context.match("focus.feeling", view):
        return "feeling"
    content = content_lemmas(view, context) - context.words("form.telling_lemmas")
    if cue.wh in context.words("focus.factual_question_words"):
        return "fact"  # "Waar dan?" asks for a place even without other content
    if not content and (cue.kind in ("tag", "declarative", "invitation") or len(view.words) <= 2):
        return None  # "Toch?", "Vertel eens."
    return "fact"


def inherit_focus(
    views: list[SentenceView],
    cues: dict[int, QuestionCue],
    focus: dict[int, Focus | None],
    forms: dict[int, str],
    suggestions: dict[int, int],
    context: AnalysisContext,
) -> None:
    """Give discourse-dependent questions the focus (and form) of what they continue.

    ``suggestions`` maps a suggested-answer question to the question it answers. Updates
    ``focus`` and ``forms`` in place, in conversation order, so chains resolve.
    """
    previous_question: int | None = None
    for position in sorted(cues):
        view = views[position]
        same_speaker = previous_question is not None and (
            views[previous_question].sentence.speaker == view.sentence.speaker
        )
        elliptic = not has_finite_verb(view, context)
        if position in suggestions:
            focus[position] = focus[suggestions[position]]
        elif context.match("focus.confirmation_checks", view):
            before = next(
                (v for v in reversed(views[:position]) if v.turn_position == view.turn_position), None
            )
            focus[position] = content_focus(before, context) if before is not None else None
        elif previous_question is not None and is_foreign(view, context):
            focus[position] = focus[previous_question]
            forms[position] = forms[previous_question]
        elif elliptic and same_speaker and previous_question == position - 1:
            focus[position] = focus[previous_question]  # "Een ochtend? Twee?"
        elif elliptic and same_speaker and view.markers[:1] == ["en"]:
            focus[position] = focus[previous_question]  # "En voor uzelf?"
            forms[position] = forms[previous_question]  # type: ignore[index]
        elif elliptic and view.markers[:1] == ["en"] and position >= 1:
            # "En nu?" after talk about a feeling continues that talk
            recent = [content_focus(v, context) for v in views[max(0, position - 2) : position]]
            focus[position] = "feeling" if "feeling" in recent else focus[position]
        previous_question = position
