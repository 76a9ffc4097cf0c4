"""Agenda setting: the klantmanager names what this conversation will cover, or asks the
client what they want to discuss ("Ik wil vandaag drie dingen bespreken: …", "Wat wil jij
vandaag nog bespreken?"). A topic named mid-conversation without any reference to the plan of
the conversation ("Ik wil je iets vertellen over de schuldhulp") is not an agenda, so a cue
must come with a word about the conversation's plan (``agenda.context``).
"""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView


def detect_agenda(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching agenda cue, or None."""
    if view.role not in context.settings.themes.klantmanager_roles:
        return None
    cue = context.match("agenda.cues", view)
    if cue is None:
        return None
    plan_words = context.words("agenda.context")
    if any(tok.lower in plan_words or tok.lemma in plan_words for tok in view.tokens):
        return cue
    return None
