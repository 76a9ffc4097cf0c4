"""Agenda setting: the klantmanager names what this conversation will cover, or asks the
client what they want to discuss ("Ik wil vandaag drie dingen bespreken: …", "Wat wil jij
vandaag nog bespreken?"). A topic named mid-conversation without any reference to the plan of
the conversation ("Ik wil je iets vertellen over de schuldhulp") is not an agenda, so a cue
must come with a word about the conversation's plan (``agenda.context``). Later in the
conversation, an explicit move to the next topic ("Dan wil ik nu naar de cursus.", "Dan de
sollicitaties.") is agenda too, as the annotation guide says (``agenda_transitions``).
"""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView, has_finite_verb
from pipeline.analysis.registry import SentenceDetector, register


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
    """Klantmanager moves to the next topic (annotation guide: an explicit move is agenda).

    A full transition names the move with a verb ("Dan wil ik nu naar de cursus.", "Laten we
    het nu hebben over je uitkering.", ``agenda.transitions``); an elliptic one is a short,
    verbless "Dan de sollicitaties." / "Dan nog één ding." (``agenda.elliptic_moves``, at
    most ``themes.elliptic_move_max_words`` words). Moving on just by asking a question does
    not count, so questions are left out.
    """
    found: dict[int, str] = {}
    roles = context.settings.themes.klantmanager_roles
    limit = context.settings.themes.elliptic_move_max_words
    for view in views:
        if view.position in agenda or view.role not in roles or view.qmark:
            continue
        cue = context.match("agenda.transitions", view)
        if cue is None and len(view.words) <= limit and not has_finite_verb(view, context):
            cue = context.match("agenda.elliptic_moves", view)
        if cue is not None:
            found[view.position] = cue
    return found


AGENDA = register(
    SentenceDetector("agenda", detect_agenda, "agenda_roles", ("agenda.cues", "agenda.context"), "opening")
)
