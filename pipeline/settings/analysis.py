"""Settings of the analysis stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class AnalysisSettings(Section):
    """Configuration of the analysis stage (filled in by the stage's owner)."""
