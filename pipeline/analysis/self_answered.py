"""Self-answered questions: the klantmanager asks and fills in the answer herself.

A question is self-answered when, in the same turn and after a pause shorter than
``self_answer.max_pause_s`` (so the client could not answer), the next sentence by the same
speaker is an answer or a suggested answer (domain.md: "Wat lukt er nu niet? Het is vooral de
planning, denk ik."). Not answers: why she asks ("Ik vraag het omdat…"), reassurance ("Je
mag er ook later op terugkomen"), a reflection on earlier talk ("Je zei net…"), another
question (that makes a stack instead).

Evidence that a sentence answers, each scored: a guess or hedge ("denk ik", "misschien"), an
answer particle after a yes/no question ("Nee, …"), a filled question slot (a time after
"wanneer", a number after "hoeveel", "omdat" after "waarom"), a verbless fragment ("Vooral de
planning."), a copular answer ("Het is…"), a statement about the listener ("Je vindt…"), and
words shared with the question.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import (
    PUNCT_TOKENS,
    AnalysisContext,
    SentenceView,
    content_lemmas,
    has_finite_verb,
)
from pipeline.analysis.questions import QuestionCue


@dataclass(frozen=True)
class SelfAnswer:
    """The answering sentence, the pause before it, and the evidence that it answers."""

    answer_position: int
    pause_s: float
    score: int
    evidence: tuple[str, ...]


def _slot_filled(
    question: SentenceView, cue: QuestionCue, answer: SentenceView, context: AnalysisContext
) -> bool:
    words = {tok.lower for tok in answer.words}
    wh = cue.wh or ""
    if wh in ("wanneer", "hoelang") or (
        wh == "hoe" and any(t.lower in ("lang", "laat", "vaak") for t in question.words)
    ):
        return bool(words & context.words("words.time_words")) or any(w.isdigit() for w in words)
    if wh in ("hoeveel", "hoeveelste"):
        return bool(words & context.words("words.number_words")) or any(w.isdigit() for w in words)
    if wh in ("waar", "waarheen", "waarvandaan"):
        return bool(words & context.words("words.place_words"))
    if wh in ("waarom", "waardoor", "hoezo"):
        return context.match("self_answer.reason_answer", answer) is not None
    return False


def answer_evidence(
    question: SentenceView, cue: QuestionCue, answer: SentenceView, context: AnalysisContext
) -> list[tuple[str, int]]:
    evidence: list[tuple[str, int]] = []
    words = answer.words
    if context.match("self_answer.hedges", answer):
        evidence.append(("hedge", 2))
    if (
        cue.kind in ("yes_no", "tag", "declarative")
        and answer.markers
        and (answer.markers[0] in context.words("words.answer_particles"))
    ):
        evidence.append(("answer_particle", 2))
    if _slot_filled(question, cue, answer, context):
        evidence.append(("slot_filled", 2))
    has_verb = has_finite_verb(answer, context)
    if not has_verb and 0 < len(words) <= 6:
        evidence.append(("fragment", 2))
    if context.match("self_answer.copular_answer", answer):
        evidence.append(("copular", 1))
    core = [tok for tok in answer.core_tokens if tok.lower not in PUNCT_TOKENS]
    if core and core[0].lower in context.words("words.second_person") and has_verb:
        evidence.append(("about_listener", 1))
    if content_lemmas(question, context) & content_lemmas(answer, context):
        evidence.append(("shared_words", 1))
    return evidence


def _main_verbs(view: SentenceView, context: AnalysisContext) -> set[str]:
    return {tok.lemma for tok in view.words if context.nlp.is_finite(tok)}


def _suggestion_in_question_form(
    question: SentenceView,
    cue: QuestionCue,
    answer: SentenceView,
    answer_cue: QuestionCue,
    context: AnalysisContext,
) -> str | None:
    """A candidate answer phrased as a question: "Hoeveel uur is dat? Acht?".

    After a wh-question: a closed question that offers a filler (verbless, alternatives,
    "toch", or the same verb: "Wat wil je? Wil je werk?"). After a yes/no question only an
    answer ("Nee, je bent gestopt, toch?") or a presumption about the listener ("Die heeft u
    toch…?"). Never a new wh-question, nor an "Of…?" that turns the question into a choice.
    """
    if answer_cue.kind == "wh" or (answer.markers and answer.markers[0] == "of"):
        return None
    words = answer.words
    first = next((tok.lower for tok in answer.core_tokens if tok.lower not in PUNCT_TOKENS), "")
    presumes = any(tok.lower in context.words("questions.confirmation_particles") for tok in words) or bool(
        context.match("self_answer.hedges", answer)
    )
    if answer.markers and answer.markers[0] in context.words("words.answer_particles"):
        return "answer_particle"
    if cue.kind != "wh":
        if presumes and first not in context.words("words.first_person_subjects"):
            return "presumption"
        return None
    if not has_finite_verb(answer, context):
        return "fragment"
    if any(tok.lower == "of" for tok in words[1:-1]):
        return "alternatives"
    if presumes:
        return "presumption"
    shared_verbs = _main_verbs(question, context) & _main_verbs(answer, context)
    if shared_verbs - context.words("self_answer.light_verbs"):
        return "same_verb"
    return None


def self_answer(
    question: SentenceView,
    cue: QuestionCue,
    following: list[SentenceView],
    question_cues: dict[int, QuestionCue],
    context: AnalysisContext,
) -> SelfAnswer | None:
    """Whether ``question`` is answered by the next sentences of the same turn (``following``)."""
    settings = context.settings.self_answer
    if question.role not in settings.roles:
        return None
    sounds = context.words("words.backchannels")
    for answer in following:
        if all(tok.lower in sounds for tok in answer.words):
            continue  # "eh…" between question and answer
        pause = max(0.0, answer.sentence.start - question.sentence.end)
        if pause > settings.max_pause_s:
            return None
        answer_cue = question_cues.get(answer.position)
        if answer_cue is not None:
            how = _suggestion_in_question_form(question, cue, answer, answer_cue, context)
            return None if how is None else SelfAnswer(answer.position, round(pause, 3), 2, (how,))
        if context.match("self_answer.not_an_answer", answer):
            return None
        evidence = answer_evidence(question, cue, answer, context)
        score = sum(points for _, points in evidence)
        if score < settings.min_score:
            return None
        return SelfAnswer(answer.position, round(pause, 3), score, tuple(name for name, _ in evidence))
    return None
