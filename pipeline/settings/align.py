"""Settings of the align stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class AlignSettings(Section):
    """Configuration of the align stage (filled in by the stage's owner)."""
