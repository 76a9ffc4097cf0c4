"""Conversation analysis: run every detector over an aligned conversation.

``analyse`` tokenises the sentences once, runs the per-sentence detectors (questions with
form, focus, stacking and self-answers; summaries; agenda, goal, metacommunication, feedback
requests, emotion, resistance, advice) and the turn-taking detectors, and assembles
:class:`~pipeline.types.Event` objects with stable ids ``e1, e2, …`` in time order, plus the
conversation-level metrics. ``write_analysis_files`` writes analysis.json, events.csv,
metrics.csv and metrics.parquet.
"""

from __future__ import annotations

from pipeline.analysis.output import write_analysis_files
from pipeline.analysis.runner import analyse

__all__ = ["analyse", "write_analysis_files"]
