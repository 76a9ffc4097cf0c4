"""Conversation analysis: run every detector over an aligned conversation.

``analyse`` tokenises the sentences once, runs the per-sentence detectors (questions with
form, focus, stacking and self-answers; summaries; agenda, goal, metacommunication, feedback
requests, emotion, resistance, advice) and the turn-taking detectors, and assembles
:class:`~pipeline.types.Event` objects with stable ids ``e1, e2, …`` in time order, plus the
conversation-level metrics. ``write_analysis_files`` writes analysis.json, events.csv,
metrics.csv and metrics.parquet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.analysis.output import write_analysis_files
    from pipeline.analysis.runner import analyse

__all__ = ["analyse", "write_analysis_files"]


def __getattr__(name: str) -> Any:
    """Import on first use: the stage plan imports this package to read its declaration,
    and pandas and scipy (half a second) are needed only when something is analysed."""
    if name == "analyse":
        from pipeline.analysis.runner import analyse

        return analyse
    if name == "write_analysis_files":
        from pipeline.analysis.output import write_analysis_files

        return write_analysis_files
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
