"""Transcription stage: Dutch speech to timed words with faster-whisper, offline."""

from pipeline.transcribe.model import ResolvedModel, resolve_model
from pipeline.transcribe.whisper import transcribe

__all__ = ["ResolvedModel", "resolve_model", "transcribe"]
