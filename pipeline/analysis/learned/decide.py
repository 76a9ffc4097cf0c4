"""Revise the rules' findings with the learned decisions, keeping each decision explainable.

Where lexical semantics decides (annotation guide: focus, self-answered, summary, the
themes, emotion, resistance, advice), a word list cannot hold all the ways Dutch says it, so
a linear model over the rules' own output plus words, character n-grams and context makes
the call:

- **questions without "?"**: in a transcript that has (almost) no "?" at all, the model adds
  questions from word order and words that the rules missed; where the transcript marks its
  questions, the rules read them (in CV the model there only added false questions);
- **focus** of every question: feeling, fact or other;
- **form** of every question, open or closed: an invitation with words between "kun je" and
  "vertellen", or a question without "?" whose word order the rules misread, is judged on its
  words and part-of-speech n-grams together with the rules' own form;
- **self-answered**: whether the next sentence of the turn answers the question; the model
  only adds to the rules here (self-answers are rare in the labelled data, and a hedged
  guess after a question, the textbook case, must never be lost);
- **themes**, per turn (the guide labels turns): when the model says yes and no rule found
  the sentence, the event goes on the sentence the model scores highest; when it says no,
  the rules' events in that turn are dropped, except for the decisions in
  ``learned.add_only``, where the rules are precise and the model only adds recall.

Every event the model adds or decides names the features that weighed most (``cue`` or
``evidence``), so the sheet's reason for a moment stays readable.
"""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.findings import Findings
from pipeline.analysis.learned.linear import AnalysisModel, Decision, Scores
from pipeline.analysis.learned.units import THEMES, Units
from pipeline.analysis.question_form import question_form
from pipeline.analysis.questions import QuestionCue
from pipeline.analysis.self_answered import SelfAnswer
from pipeline.analysis.stacked import stacked_questions
from pipeline.analysis.summaries import Summary
from pipeline.types import Conversation

MODEL_CUE = "model"


def _reason(decision: Decision, features: dict[str, float], cls: str | None = None) -> str:
    top = decision.explain(features, cls)
    return f"{MODEL_CUE}: {', '.join(top)}" if top else MODEL_CUE


def _new_cue(view: SentenceView, context: AnalysisContext) -> QuestionCue:
    """The cue of a question found by the model: a wh-question when a question word leads."""
    core = [tok.lower for tok in view.core_tokens]
    if core and core[0] in context.words("words.question_words"):
        return QuestionCue("wh", core[0])
    return QuestionCue("yes_no")


def _questions(
    found: Findings, views: list[SentenceView], scores: Scores, context: AnalysisContext, add_only: bool
) -> None:
    roles = context.settings.self_answer.roles
    spoken = [view for view in views if view.role in roles and view.words]
    marked = sum(view.qmark for view in spoken) / max(1, len(spoken))
    if marked > context.settings.learned.question_marks_trusted_above:
        return  # the transcript marks its questions: the rules read them from "?" and word order
    for view in spoken:
        if view.qmark:
            continue
        yes = scores.positive("question", view.position)
        if not yes and add_only:
            continue
        if yes and view.position not in found.questions:
            cue = _new_cue(view, context)
            found.questions[view.position] = cue
            found.forms[view.position] = question_form(view, cue, context)
        elif not yes and view.position in found.questions:
            for table in (found.questions, found.forms, found.focus, found.self_answers, found.waits):
                table.pop(view.position, None)  # type: ignore[attr-defined]


def _focus(found: Findings, scores: Scores) -> None:
    for position in found.questions:
        found.focus[position] = scores.classify("focus", position)


def _forms(found: Findings, scores: Scores) -> None:
    for position in found.questions:
        found.forms[position] = "open" if scores.positive("form", position) else "closed"


def _self_answers(
    found: Findings,
    grouped: list[list[SentenceView]],
    units: Units,
    scores: Scores,
    model: AnalysisModel,
    context: AnalysisContext,
) -> None:
    decision = model["self_answered"]
    for group in grouped:
        for i, view in enumerate(group[:-1]):
            if view.position not in found.questions:
                continue
            if view.position in found.self_answers or not scores.positive("self_answered", view.position):
                continue
            answer = group[i + 1]
            pause = round(max(0.0, answer.sentence.start - view.sentence.end), 3)
            if pause > context.settings.self_answer.max_pause_s:
                continue  # the client had room to answer: by definition not self-answered
            reason = _reason(decision, units.sentences[view.position])
            found.self_answers[view.position] = SelfAnswer(answer.position, pause, 0, (reason,))


def _theme_hits(found: Findings, name: str) -> dict[int, str]:
    if name == "summary":
        return {p: s.cue or "" for p, s in found.summaries.items()}
    if name == "advice":
        return found.advice
    return found.themes[name]


def _themes(
    found: Findings,
    conversation: Conversation,
    grouped: list[list[SentenceView]],
    units: Units,
    model: AnalysisModel,
    scores: tuple[Scores, Scores],
    use: set[str],
    add_only: set[str],
) -> None:
    sentence_scores, turn_scores = scores
    for name, role in THEMES.items():
        if name not in use:
            continue
        decision = model[name]
        hits = _theme_hits(found, name)
        for turn_position, group in enumerate(grouped):
            if not group or conversation.turns[turn_position].role != role:
                continue
            features = units.turns[turn_position]
            in_turn = [view.position for view in group if view.position in hits]
            if not turn_scores.positive(name, turn_position):
                if name not in add_only:
                    for position in in_turn:
                        hits.pop(position)
                continue
            if in_turn:
                continue
            best = max(group, key=lambda v: sentence_scores.probability(name, v.position))
            reason = _reason(decision, features)
            if name == "summary":
                found.summaries[best.position] = Summary(reason, (reason,), 0.0, ())
            else:
                hits[best.position] = reason


def revise(
    found: Findings,
    conversation: Conversation,
    views: list[SentenceView],
    grouped: list[list[SentenceView]],
    units: Units,
    model: AnalysisModel,
    context: AnalysisContext,
) -> None:
    """Apply the configured learned decisions to ``found`` (in place)."""
    use = set(context.settings.learned.decisions)
    sentence_scores, turn_scores = model.score(units.sentences), model.score(units.turns)
    if "question" in use:
        _questions(found, views, sentence_scores, context, "question" in context.settings.learned.add_only)
        found.stacked = stacked_questions(conversation.turns, grouped, set(found.questions), context)
    if "focus" in use:
        _focus(found, sentence_scores)
    if "form" in use:
        _forms(found, sentence_scores)
    if "self_answered" in use:
        _self_answers(found, grouped, units, sentence_scores, model, context)
    add_only = set(context.settings.learned.add_only)
    _themes(found, conversation, grouped, units, model, (sentence_scores, turn_scores), use, add_only)
