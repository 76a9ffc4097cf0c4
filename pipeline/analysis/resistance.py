"""Resistance markers from the client: "ja maar", futility ("dat heeft geen zin"), refusal
("dat ga ik niet doen"), dismissal ("laat maar", "weet ik veel"), blaming the system ("jullie
willen altijd…"). These are the fight/flight signs of a mismatch in SLIM terms."""

from __future__ import annotations

from pipeline.analysis.context import AnalysisContext, SentenceView


def detect_resistance(view: SentenceView, context: AnalysisContext) -> str | None:
    """The matching resistance cue, or None."""
    if view.role not in context.settings.themes.resistance_roles:
        return None
    return context.match("resistance.cues", view)
