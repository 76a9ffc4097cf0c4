"""What the sentence-level detectors found in one conversation, keyed by sentence position.

The rules fill it first; the learned decisions (:mod:`pipeline.analysis.learned`) then
revise it; the runner turns it into events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.analysis.questions import QuestionCue
from pipeline.analysis.self_answered import SelfAnswer
from pipeline.analysis.summaries import Summary
from pipeline.analysis.wait_time import Wait


@dataclass
class Findings:
    """Everything the sentence-level detectors found, keyed by sentence position."""

    questions: dict[int, QuestionCue] = field(default_factory=dict)
    forms: dict[int, str] = field(default_factory=dict)
    focus: dict[int, str | None] = field(default_factory=dict)
    stacked: set[int] = field(default_factory=set)
    self_answers: dict[int, SelfAnswer] = field(default_factory=dict)
    waits: dict[int, Wait] = field(default_factory=dict)
    summaries: dict[int, Summary] = field(default_factory=dict)
    themes: dict[str, dict[int, str]] = field(default_factory=dict)
    advice: dict[int, str] = field(default_factory=dict)
