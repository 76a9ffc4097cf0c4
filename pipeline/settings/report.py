"""Settings of the report stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class ReportSettings(Section):
    """Configuration of the report stage (filled in by the stage's owner)."""
