"""Candidate video fragments for the reflection talk (see ``select.py`` for how they are chosen)."""

from pipeline.fragments.clock import clock
from pipeline.fragments.select import select_fragments
from pipeline.fragments.themes import ThemeCatalog, load_themes

__all__ = ["ThemeCatalog", "clock", "load_themes", "select_fragments"]
