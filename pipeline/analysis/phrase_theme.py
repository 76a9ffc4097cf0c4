"""Phrase themes: one configurable component for the themes a single list of phrases marks.

A sentence of one of the theme's roles that matches one of its phrases (and none of its
exclusions) carries the theme; the matching phrase is the cue. Four configs:

- **goal**: the klantmanager says what this conversation is for ("Het doel van dit gesprek
  is…", "We zitten hier om…", "Aan het eind van dit gesprek wil ik…");
- **metacommunication**: the klantmanager names what she is doing in the conversation and why
  ("Ik merk dat we afdwalen", "Zullen we even teruggaan naar…", "Mag ik je even onderbreken?");
- **emotion**: the client names a feeling, a moment of emotion (raakmoment): "Ik schaam me
  ervoor", "Ik ben bang dat…". "Gelukkig" opening a sentence means "fortunately" and is excluded;
- **resistance**: the client's "ja maar", futility ("dat heeft geen zin"), refusal ("dat ga ik
  niet doen"), dismissal ("laat maar"), blaming the system: fight/flight signs in SLIM terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.registry import SentenceDetector, register


@dataclass(frozen=True)
class PhraseTheme:
    """A theme marked by one phrase list, in the sentences of some roles."""

    roles: str  # the ``analysis.themes`` field listing the roles it listens to
    cues: str  # lexicon key of its phrases
    exclusions: str | None = None  # lexicon key of phrases that rule a sentence out

    def __call__(self, view: SentenceView, context: AnalysisContext) -> str | None:
        """The matching phrase, or None."""
        if view.role not in getattr(context.settings.themes, self.roles):
            return None
        if self.exclusions is not None and context.match(self.exclusions, view):
            return None
        return context.match(self.cues, view)


def phrase_theme(
    name: str, roles: str, cues: str, exclusions: str | None = None, window: str | None = None
) -> SentenceDetector:
    """Register the phrase theme ``name``."""
    theme = PhraseTheme(roles, cues, exclusions)
    lexicon = (cues,) if exclusions is None else (cues, exclusions)
    return register(SentenceDetector(name, theme, roles, lexicon, window))  # type: ignore[arg-type]


GOAL = phrase_theme("goal", "klantmanager_roles", "goal.cues", window="opening")
METACOMMUNICATION = phrase_theme("metacommunication", "metacommunication_roles", "metacommunication.cues")
EMOTION = phrase_theme("emotion", "emotion_roles", "emotion.words", exclusions="emotion.exclusions")
RESISTANCE = phrase_theme("resistance", "resistance_roles", "resistance.cues")
