"""Open or closed, per question (domain.md).

Open: wh-questions and functional invitations ("Kun je vertellen hoe dat ging?", "Vertel
eens…", "Wil je daar iets meer over zeggen?"). Closed: yes/no questions, either/or
questions (also with a question word: "Welke dag, maandag of dinsdag?"), tag questions and
declaratives said as a question.

Both are constructions, read from the tagger's analysis rather than from phrases:

- an invitation is a verb-first question with a modal ("kunnen", "willen", …) and a
  second-person subject whose infinitive is a verb of telling, however many words lie in
  between: "Kun je mij nog eens rustig uitleggen hoe dat toen ging?";
- "of" joins alternatives only when no subordinate clause follows it: in "Wat maakt dat u
  twijfelt of iemand u wil hebben?" it introduces a clause (subject first, finite verb at its
  end) and the question stays open.
"""

from __future__ import annotations

from typing import Literal

from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView
from pipeline.analysis.questions import QuestionCue
from pipeline.nlp import Token, is_verb

Form = Literal["open", "closed"]


def _subordinate_after(tokens: list[Token], at: int, context: AnalysisContext) -> bool:
    """A subordinate clause starts after ``tokens[at]``: a subject, then a verb later.

    The clause-final verb counts by its part of speech too: the tagger is often unsure whether
    a verb at the end of a clause ("… of je het volhoudt") is finite, and the verb list only
    knows common forms. When the tagger reads "of" itself as a subordinating conjunction
    ("whether", ``SCONJ``, not the ``CCONJ`` of an alternative), a subject after it is enough:
    it sometimes takes that clause-final verb for a noun.
    """
    rest = [tok for tok in tokens[at + 1 :] if tok.lower not in PUNCT_TOKENS]
    if len(rest) < 2 or rest[0].lower not in context.words("words.subject_pronouns"):
        return False
    if context.nlp.is_finite(rest[0]):
        return False
    return tokens[at].pos == "SCONJ" or any(context.nlp.is_finite(tok) or is_verb(tok) for tok in rest[1:])


def _either_or(view: SentenceView, context: AnalysisContext) -> bool:
    """An "of" between two alternatives, not a tag or vague ending ("of niet", "of zo")."""
    core = view.core_tokens
    tokens = [tok.lower for tok in core]
    excluded = context.words("form.not_either_or")
    for i, word in enumerate(tokens[1:-1], start=1):
        if word != "of":
            continue
        phrase = f"of {tokens[i + 1]}"
        if phrase in excluded or word + tokens[i + 1] in excluded:
            continue
        if not _subordinate_after(core, i, context):
            return True
    return False


def invites_telling(view: SentenceView, context: AnalysisContext) -> bool:
    """A modal verb first, "je"/"u" as its subject and an infinitive of telling later on."""
    core = [tok for tok in view.core_tokens if tok.lower not in PUNCT_TOKENS]
    if len(core) < 3 or core[0].lemma not in context.words("form.invitation_modals"):
        return False
    if core[1].lower not in context.words("words.second_person"):
        return False
    telling = context.words("form.telling_lemmas")
    # the infinitive: its form is its lemma (the tagger often reads it as the plural present)
    return any(
        tok.lemma in telling and tok.lower == tok.lemma and (not tok.pos or is_verb(tok)) for tok in core[2:]
    )


def question_form(view: SentenceView, cue: QuestionCue, context: AnalysisContext) -> Form:
    """Classify a detected question as open or closed."""
    if cue.kind == "invitation":
        return "open"
    if cue.kind == "wh":
        return "closed" if _either_or(view, context) else "open"
    invitation = invites_telling(view, context) or context.match("form.open_invitations", view)
    if cue.kind == "yes_no" and invitation:
        return "open"
    return "closed"
