"""Summaries and reflections: the klantmanager restates what the client said or felt.

A restatement that introduces itself ("Als ik je goed begrijp…", "Je zei net…", "Dat klinkt
alsof…", "Ik hoor dat u boos bent") or names the client's feeling ("Je bent bang dat…") is a
summary on its own. Without such a cue, evidence is weighed (settings ``summaries.points``):
the opener "Dus", a sentence about the listener ("U wilt ze beschermen."), a named feeling,
reuse of the client's own words (lemma overlap with the other speakers' last turns), opening
the turn right after the client spoke, and continuing a summary begun in the sentence before.
It needs "Dus", the listener, a continuation or strong overlap to count at all, so a generic
remark that happens to share a word is not a reflection.

Not summaries: acknowledgements ("Dat begrijp ik."), her own view or plans, instructions and
information ("Je moet…", "U krijgt…"), reassurance, recaps of agreed actions ("Jij belt
morgen…"), bare echoes ("Vier, oké."), and real questions without a strong cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas, has_finite_verb
from pipeline.analysis.questions import QuestionCue


@dataclass(frozen=True)
class Summary:
    """Why a sentence is a summary: the cue (if any), the evidence and the overlap."""

    cue: str | None
    evidence: tuple[str, ...]
    overlap: float
    shared: tuple[str, ...]


def others_lemmas_before(
    view: SentenceView, views: list[SentenceView], turn_speakers: list[str], context: AnalysisContext
) -> set[str]:
    """Content lemmas of the other speakers' last turns before ``view`` (within the lookback).

    Other speakers, not only the client: with an interpreter, the client's words reach the
    klantmanager through the interpreter's turns.
    """
    settings = context.settings.summaries
    lemmas: set[str] = set()
    turns_seen: set[int] = set()
    for position in range(view.position - 1, -1, -1):
        other = views[position]
        if view.sentence.start - other.sentence.end > settings.lookback_s:
            break
        if turn_speakers[other.turn_position] == view.sentence.speaker:
            continue
        if other.turn_position not in turns_seen:
            if len(turns_seen) >= settings.lookback_turns:
                break
            turns_seen.add(other.turn_position)
        lemmas |= content_lemmas(other, context)
    return lemmas


def _stem(lemma: str) -> str:
    """A crude suffix strip so that "schulden"/"schuld" and "spannend"/"spanning" meet."""
    for suffix in ("ingen", "ing", "end", "en", "es", "e", "s", "t"):
        if len(lemma) > len(suffix) + 3 and lemma.endswith(suffix):
            return lemma[: -len(suffix)]
    return lemma


def _about_listener(view: SentenceView, context: AnalysisContext) -> bool:
    listener = context.words("words.second_person") | {"uw"}
    return any(tok.lower in listener for tok in view.words)


def detect_summary(
    view: SentenceView,
    cue: QuestionCue | None,
    others_lemmas: set[str],
    opens_turn: bool,
    previous_is_summary: bool,
    context: AnalysisContext,
) -> Summary | None:
    """Whether a (klantmanager) sentence restates what the other said or felt."""
    settings = context.settings.summaries
    if view.role not in settings.roles:
        return None
    if context.match("summary.exclusions", view) or context.match("summary.action_recap", view):
        return None
    if any(context.match(key, view) for key in ("advice.cues", "advice.information", "goal.cues")):
        return None
    own = content_lemmas(view, context)
    if not own and not context.match("summary.strong_cues", view):
        return None
    other_stems = {_stem(lemma) for lemma in others_lemmas}
    shared = tuple(sorted(lemma for lemma in own if _stem(lemma) in other_stems))
    overlap = round(len(shared) / len(own), 3) if own else 0.0
    is_question = cue is not None and cue.kind != "declarative"
    strong = context.match("summary.strong_cues", view)
    if strong:
        if is_question and len(view.words) < settings.question_min_words:
            return None  # "Heb ik dat goed begrepen?" checks a summary, it is not one
        return Summary(strong, ("cue",), overlap, shared)
    if is_question or context.match("summary.first_person_subject", view):
        return None
    opener = context.match("summary.opener", view)
    if cue is not None and not opener:
        return None  # a declarative question summarises only when it says so: "Dus je wilt…?"
    if not opener and not has_finite_verb(view, context) and len(view.words) <= settings.echo_max_words:
        return None  # a bare echo: "Vier, oké."
    points = settings.points
    evidence: list[tuple[str, int]] = []
    if opener:
        evidence.append(("opener", points.opener))
    if _about_listener(view, context):
        evidence.append(("about_listener", points.about_listener))
    if context.match("emotion.words", view):
        evidence.append(("names_feeling", points.names_feeling))
    if overlap >= settings.min_overlap and len(shared) >= 1:
        evidence.append(("overlap", points.overlap))
    strong_overlap = overlap >= settings.strong_overlap and len(shared) >= settings.strong_overlap_shared
    if strong_overlap:
        evidence.append(("strong_overlap", points.strong_overlap))
    if opens_turn:
        evidence.append(("opens_turn", points.opens_turn))
    if previous_is_summary:
        evidence.append(("continues_summary", points.continues_summary))
    names = {name for name, _ in evidence}
    if not names & {"opener", "about_listener", "strong_overlap", "continues_summary"}:
        return None
    if sum(p for _, p in evidence) < settings.min_points:
        return None
    return Summary(None, tuple(sorted(names)), overlap, shared)
