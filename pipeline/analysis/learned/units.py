"""The units the learned decisions judge, with their features, built from the rules' findings.

- every sentence (question or not, focus, self-answered): its words and part-of-speech
  n-grams, its place, the next sentence of the turn, the client's previous turn, and what
  the rules said about it;
- every turn (the themes, which the annotation guide labels per turn): its sentences'
  features pooled (without the part-of-speech n-grams), plus the same context.

Training (``models/analysis/train.py``) builds exactly these from the labelled
conversations, so the model sees at run time what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.findings import Findings
from pipeline.analysis.learned.features import (
    Features,
    merge,
    pooled,
    sentence_context,
    syntax_features,
    text_features,
)
from pipeline.analysis.questions import QuestionCue
from pipeline.analysis.self_answered import answer_evidence
from pipeline.types import Conversation

# Turn-level theme decisions: finding name -> role whose turns it judges.
THEMES = {
    "summary": "klantmanager",
    "agenda": "klantmanager",
    "goal": "klantmanager",
    "metacommunication": "klantmanager",
    "feedback_request": "klantmanager",
    "advice": "klantmanager",
    "emotion": "client",
    "resistance": "client",
}


def rule_features(position: int, found: Findings) -> Features:
    """What the rule detectors decided about one sentence, as features."""
    out: Features = {}
    cue = found.questions.get(position)
    if cue is not None:
        out[f"rule:q:{cue.kind}"] = 1.0
        if cue.wh:
            out[f"rule:wh:{cue.wh}"] = 1.0
        out[f"rule:form:{found.forms.get(position)}"] = 1.0
        out[f"rule:focus:{found.focus.get(position) or 'other'}"] = 1.0
        if position in found.stacked:
            out["rule:stacked"] = 1.0
    answer = found.self_answers.get(position)
    if answer is not None:
        out["rule:self"] = 1.0
        for name in answer.evidence:
            out[f"rule:self:{name}"] = 1.0
    summary = found.summaries.get(position)
    if summary is not None:
        out["rule:summary"] = 1.0
        out["rule:summary:cue" if summary.cue else "rule:summary:evidence"] = 1.0
    for name, hits in found.themes.items():
        if position in hits:
            out[f"rule:{name}"] = 1.0
    advice = found.advice.get(position)
    if advice is not None:
        out["rule:advice"] = 1.0
        out[f"rule:advice:{advice}"] = 1.0
    return out


def answer_features(
    view: SentenceView, following: SentenceView, found: Findings, context: AnalysisContext
) -> Features:
    """How the next sentence of the turn relates to this one, were this a question.

    The rules' answer evidence (hedge, answer particle, filled slot, fragment…) is computed
    for every pair, not only where the rules accepted a self-answer, so the model can weigh
    evidence the rules' point threshold discarded.
    """
    cue = found.questions.get(view.position) or QuestionCue("yes_no")
    out: Features = {
        f"next:evidence:{name}": 1.0 for name, _ in answer_evidence(view, cue, following, context)
    }
    if following.position in found.questions:
        out["next:is_question"] = 1.0
    if context.match("self_answer.not_an_answer", following):
        out["next:not_an_answer"] = 1.0
    return out


@dataclass
class Units:
    """Features of every sentence (by position) and every turn (by turn position)."""

    sentences: list[Features]
    turns: list[Features]


def _previous_other(
    grouped: list[list[SentenceView]], turn_position: int, speaker: str
) -> list[SentenceView]:
    for position in range(turn_position - 1, -1, -1):
        group = grouped[position]
        if group and group[0].sentence.speaker != speaker:
            return group
    return []


def build_units(
    conversation: Conversation,
    views: list[SentenceView],
    grouped: list[list[SentenceView]],
    found: Findings,
    context: AnalysisContext,
) -> Units:
    """Features of every sentence and turn of the conversation."""
    sentences: list[Features] = [{} for _ in views]
    turns: list[Features] = []
    duration = max(conversation.duration_s, 1e-6)
    for turn_position, group in enumerate(grouped):
        turn = conversation.turns[turn_position]
        previous = _previous_other(grouped, turn_position, turn.speaker)
        next_start = (
            conversation.turns[turn_position + 1].start
            if turn_position + 1 < len(conversation.turns)
            else None
        )
        before = {
            f"prev:{name}": value
            for view in previous
            for name, value in rule_features(view.position, found).items()
        }
        parts = []
        for i, view in enumerate(group):
            after = group[i + 1].sentence.start if i + 1 < len(group) else next_start
            pause = None if after is None else max(0.0, after - view.sentence.end)
            following = group[i + 1] if i + 1 < len(group) else None
            features = merge(
                text_features(view),
                sentence_context(view, group, previous, pause, context),
                rule_features(view.position, found),
                before,
                answer_features(view, following, found, context) if following is not None else {},
            )
            parts.append(features)
            sentences[view.position] = merge(
                features,
                syntax_features(view),
                syntax_features(following, "next:") if following is not None else {},
            )
        turn_features = pooled(parts)
        turn_features[f"turn:sentences:{min(len(group), 5)}"] = 1.0
        turn_features[f"turn:questions:{min(sum(v.position in found.questions for v in group), 3)}"] = 1.0
        share = turn.start / duration
        if turn_position < 4:
            turn_features["turn:opening"] = 1.0
        if share > 0.85:
            turn_features["turn:closing"] = 1.0
        turns.append(turn_features)
    return Units(sentences, turns)
