"""Settings of the orchestration stage."""

from __future__ import annotations

from pipeline.settings.base import Section


class OrchestrationSettings(Section):
    """Configuration of the orchestration stage (filled in by the stage's owner)."""
