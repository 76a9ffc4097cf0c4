"""Settings of the fragments stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class FragmentSettings(Section):
    """Configuration of the fragments stage (filled in by the stage's owner)."""
