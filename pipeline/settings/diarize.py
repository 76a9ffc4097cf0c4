"""Settings of the diarize stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class DiarizationSettings(Section):
    """Configuration of the diarize stage (filled in by the stage's owner)."""
