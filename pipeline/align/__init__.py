"""Align stage: attribute every word to a speaker and build turns, sentences and overlaps."""

from pipeline.align.conversation import align
from pipeline.diarize.words import word_speakers

__all__ = ["align", "word_speakers"]
