"""The align stage as the engine sees it: words, speakers and roles into one conversation."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Conversation


def _align(s: StageInput) -> Conversation:
    from pipeline.align.conversation import align, split_sentences
    from pipeline.formats.conversation_files import write_conversation_files
    from pipeline.review.stage_inputs import corrected_conversation

    diarization, roles = s.results["diarize"], s.results["roles"]
    conversation = align(s.results["transcribe"], diarization, roles, s.settings)
    language = s.settings.align.spacy_language
    conversation = corrected_conversation(
        conversation, s.job.data_root, s.job.recording_id, lambda words: split_sentences(words, language)
    )  # the researcher's published corrections (kijkwijzer review) win over the recogniser
    write_conversation_files(conversation, diarization, roles, s.out, s.job.recording_id)
    return conversation


def _warm(settings: Settings) -> None:
    from pipeline.align.conversation import sentencizer

    sentencizer(settings.align.spacy_language)


def _key(job: RecordingJob, settings: Settings) -> Any:
    """The recording id (written into the conversation files) and the published turn corrections."""
    from pipeline.review.stage_inputs import transcript_key

    del settings
    corrections = transcript_key(job.data_root, job.recording_id)
    return job.recording_id if corrections is None else (job.recording_id, corrections)


SPEC = StageSpec(
    "align", ("transcribe", "diarize", "roles"), ("align",),
    ("pipeline.align", "pipeline.formats", "pipeline.review.turn_edits", "pipeline.review.records"),
    _align, TypeAdapter(Conversation), extra=_key, warm=_warm,
)  # fmt: skip
