"""Settings of the deliver stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class DeliverSettings(Section):
    """Configuration of the deliver stage (filled in by the stage's owner)."""
