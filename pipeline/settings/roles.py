"""Settings of the roles stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class RolesSettings(Section):
    """Configuration of the roles stage (filled in by the stage's owner)."""
