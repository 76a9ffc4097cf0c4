"""Advising and explaining by the klantmanager: the "teacher" (and "parent figure") role.

A sentence advises when it carries an advice cue ("Mijn advies is…", "Je moet…", "Het is
belangrijk om…", "Hoe eerder…, hoe…"), is an instruction (an imperative of an action verb
without a subject after it: "Neem de brieven mee."), or explains rules, procedures and
options ("Bij beslag moet er altijd…", "Er bestaan ook andere vormen van hulp", "Anders krijg
je een terugvordering"). Questions and restatements of the client are never advice. The
detector groups a turn's advice sentences into one event; it is "at length" when the turn is
long or holds several advice sentences, which is what the sheet asks the klantmanager to look
at.
"""

from __future__ import annotations

from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView


def _imperative(view: SentenceView, context: AnalysisContext) -> bool:
    tokens = [tok for tok in view.core_tokens if tok.lower not in PUNCT_TOKENS]
    if len(tokens) < 2 or view.qmark:
        return False
    verb, nxt = tokens[0], tokens[1]
    return (
        context.nlp.is_bare_stem(verb)
        and verb.lemma in context.words("advice.imperative_lemmas")
        and nxt.lower
        not in context.words("words.subject_pronouns") - context.words("words.ambiguous_pronouns")
    )


def detect_advice(view: SentenceView, context: AnalysisContext) -> str | None:
    """Why a (non-question) sentence advises or explains: the cue, "imperative", or None."""
    if view.role not in context.settings.themes.klantmanager_roles:
        return None
    cue = context.match("advice.cues", view) or context.match("advice.information", view)
    if cue:
        return cue
    return "imperative" if _imperative(view, context) else None
