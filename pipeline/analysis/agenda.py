"""Agenda setting: the klantmanager names what this conversation will cover, or asks the
client what they want to discuss ("Ik wil vandaag drie dingen bespreken: …", "Wat wil jij
vandaag nog bespreken?"). A topic named mid-conversation without any reference to the plan of
the conversation ("Ik wil je iets vertellen over de schuldhulp") is not an agenda, so a cue
must come with a word about the conversation's plan (``agenda.context``). Later in the
conversation, a transition that moves on to a topic the agenda named ("Dan wil ik nu naar de
cursus.") announces the next agenda item (``agenda_transitions``).
"""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas


def detect_agenda(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching agenda cue, or None."""
    if view.role not in context.settings.themes.agenda_roles:
        return None
    cue = context.match("agenda.cues", view)
    if cue is None:
        return None
    plan_words = context.words("agenda.context")
    if any(tok.lower in plan_words or tok.lemma in plan_words for tok in view.tokens):
        return cue
    return None


def agenda_follow_ups(
    views: list[SentenceView],
    agenda: dict[int, str],
    questions: set[int],
    context: AnalysisContext,
) -> dict[int, str]:
    """Agenda talk that only context reveals.

    A question right after an agenda statement in the same turn asks about the agenda ("Is dat
    goed?", "Wil je er nog iets aan toevoegen?"); the first sentence of the other speaker's
    answer to an agenda question that names a topic adds to it ("Misschien ook iets over mijn
    cv.").
    """
    found: dict[int, str] = {}
    roles = context.settings.themes.agenda_roles
    for position in sorted(agenda):
        after = position + 1
        if (
            after < len(views)
            and after in questions
            and after not in agenda
            and views[after].turn_position == views[position].turn_position
            and context.match("agenda.follow_up_checks", views[after])
        ):
            found[after] = "follows agenda"
        if position in questions or (position + 1) in found:
            answer = next(
                (v for v in views[position + 1 :] if v.turn_position != views[position].turn_position), None
            )
            if (
                answer is not None
                and answer.role in roles
                and answer.sentence.speaker != views[position].sentence.speaker
                and context.match("agenda.client_additions", answer)
            ):
                found[answer.position] = "adds to agenda"
    return found


def agenda_transitions(
    views: list[SentenceView], agenda: dict[int, str], context: AnalysisContext
) -> dict[int, str]:
    """Klantmanager transitions that move on to a topic named on the agenda earlier.

    "Dan wil ik nu naar de cursus bij het werkcentrum." after "Ik wil vandaag drie dingen
    bespreken: …, en de cursus bij het werkcentrum." announces the next agenda item. The
    sentence must be a full transition (``agenda.transitions``: a verb of moving on), and
    share a topic word with an earlier agenda sentence; words about the plan itself
    (``agenda.context``) do not count as shared topics, and elliptic transitions ("Dan de
    cursus.") are left out, as the dev set's labelling rules ask.
    """
    found: dict[int, str] = {}
    plan_words = context.words("agenda.context")
    roles = context.settings.themes.klantmanager_roles
    topics: set[str] = set()
    for view in views:
        if view.position in agenda:
            topics |= content_lemmas(view, context) - plan_words
            continue
        if not topics or view.role not in roles:
            continue
        cue = context.match("agenda.transitions", view)
        if cue is not None and (content_lemmas(view, context) - plan_words) & topics:
            found[view.position] = cue
    return found
