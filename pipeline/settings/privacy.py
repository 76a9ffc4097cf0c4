"""Settings of the privacy stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class PrivacySettings(Section):
    """Configuration of the privacy stage (filled in by the stage's owner)."""
