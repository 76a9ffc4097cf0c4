"""The align stage as the engine sees it: words, speakers and roles into one conversation."""

from __future__ import annotations

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Conversation


def _align(s: StageInput) -> Conversation:
    from pipeline.align.conversation import align
    from pipeline.formats.conversation_files import write_conversation_files

    diarization, roles = s.results["diarize"], s.results["roles"]
    conversation = align(s.results["transcribe"], diarization, roles, s.settings)
    write_conversation_files(conversation, diarization, roles, s.out, s.job.recording_id)
    return conversation


def _recording_id(job: RecordingJob, settings: Settings) -> str:
    del settings
    return job.recording_id  # it is written into the conversation files


SPEC = StageSpec(
    "align", ("transcribe", "diarize", "roles"), ("align",), ("pipeline.align", "pipeline.formats"),
    _align, TypeAdapter(Conversation), extra=_recording_id,
)  # fmt: skip
