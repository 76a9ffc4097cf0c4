"""Stacked questions: two or more questions by one speaker before the other answers.

The questions need not be in one sentence or one turn: a speaker who pauses and asks again
without the other having said anything still stacks. A turn by someone else ends the run
unless it is only a backchannel sound ("hm", "mm"): those do not answer. "Ja" does, because
it is the answer to a yes/no question. One sentence can hold two questions, a second
wh-question joined by "en" (:func:`pipeline.analysis.clause_breaks.joined_wh_questions`).
"""

from __future__ import annotations

from pipeline.analysis.clause_breaks import clause_words, joined_wh_questions
from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView
from pipeline.types import Turn


def _is_backchannel(views: list[SentenceView], context: AnalysisContext) -> bool:
    sounds = context.words("words.backchannels")
    words = [tok.lower for view in views for tok in view.tokens if tok.lower not in PUNCT_TOKENS]
    return all(word in sounds for word in words)


def stacked_questions(
    turns: list[Turn],
    views_by_turn: list[list[SentenceView]],
    question_positions: set[int],
    context: AnalysisContext,
) -> set[int]:
    """Positions (sentence views) of the questions that are part of a stack."""
    settings = context.settings.stacked
    open_runs: dict[str, list[int]] = {}
    stacked: set[int] = set()
    lists = clause_words(context)

    def close(speaker: str) -> None:
        run = open_runs.pop(speaker, [])
        if len(run) >= settings.min_questions:
            stacked.update(run)

    for turn, views in zip(turns, views_by_turn, strict=True):
        if not _is_backchannel(views, context):
            for speaker in [s for s in open_runs if s != turn.speaker]:
                close(speaker)
        if turn.role not in settings.roles:
            continue
        run = open_runs.setdefault(turn.speaker, [])
        for view in views:
            if view.position in question_positions:
                asked = 1 + joined_wh_questions(view.tokens, context.nlp, lists)
                run.extend([view.position] * asked)
    for speaker in list(open_runs):
        close(speaker)
    return stacked
