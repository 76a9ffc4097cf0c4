"""The sentence-theme detectors, registered by the modules that define them (spaCy's factories).

A detector declares, in one :class:`SentenceDetector` next to its code: the event type it
emits, the call that looks at one sentence, the settings field with the roles it listens
to, the lexicon keys it reads and where in the conversation its events are marked. The
runner reads this registry; adding a detector is one module plus its lexicon entry (see
the README's "Extending").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pipeline.analysis.context import AnalysisContext, SentenceView


@dataclass(frozen=True)
class SentenceDetector:
    """One sentence-theme detector: it marks single sentences with a cue."""

    name: str  # the event type of its events
    detect: Callable[[SentenceView, AnalysisContext], str | None]  # the matching cue, or None
    roles: str  # the ``analysis.themes`` field listing the roles it listens to
    lexicon: tuple[str, ...]  # the lexicon keys it reads
    window: Literal["opening", "closing"] | None = None  # marks in_opening / near_end on events


DETECTORS: dict[str, SentenceDetector] = {}


def register(detector: SentenceDetector) -> SentenceDetector:
    """Add ``detector`` to the analysis (in registration order)."""
    DETECTORS[detector.name] = detector
    return detector
