"""The research stage: pseudonymised researcher exports, only with the client's consent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec

if TYPE_CHECKING:
    from pipeline.privacy.pseudonyms import Pseudonymizer


def recording_pseudonymizer(job: RecordingJob, settings: Settings) -> Pseudonymizer:
    """One pseudonymiser per recording, which knows the klantmanager's name from the consent."""
    from pipeline.privacy.pseudonyms import Pseudonymizer

    return Pseudonymizer(settings.privacy, known_names=[job.consent.klantmanager])


def _research(s: StageInput) -> list[str]:
    from pipeline.analysis.output import write_analysis_files
    from pipeline.formats.conversation_files import write_conversation_files
    from pipeline.fragments import load_themes
    from pipeline.fsutil import atomic_write_json
    from pipeline.privacy.exports import (
        pseudonymize_analysis,
        pseudonymize_conversation,
        pseudonymize_fragments,
    )
    from pipeline.privacy.research_files import write_research_files

    pseudonymizer = recording_pseudonymizer(s.job, s.settings)
    conversation = pseudonymize_conversation(s.results["align"], pseudonymizer)  # first: fixes numbering
    analysis = pseudonymize_analysis(s.results["analysis"], pseudonymizer)
    fragments = pseudonymize_fragments(s.results["fragments"], pseudonymizer)
    written = write_conversation_files(
        conversation, s.results["diarize"], s.results["roles"], s.out, s.job.recording_id
    )
    written += write_analysis_files(analysis, s.out)
    written.append(
        atomic_write_json(s.out / "fragments.json", [f.model_dump(mode="json") for f in fragments])
    )
    titles = {key: theme.title for key, theme in load_themes(s.settings).themes.items()}
    written += write_research_files(conversation, analysis, fragments, s.out, titles, s.job.media)
    return sorted({Path(path).name for path in written})


def _researchers_may_see(job: RecordingJob) -> bool:
    return job.data_root is not None and job.consent.consent.research_use


def _identity(job: RecordingJob, settings: Settings) -> tuple[str, str, str]:
    del settings
    return job.recording_id, job.consent.klantmanager, str(job.media)  # the EAF links the media


SPEC = StageSpec(
    "research", ("align", "analysis", "fragments", "diarize", "roles"), ("privacy",),
    ("pipeline.privacy", "pipeline.formats", "pipeline.analysis"), _research, TypeAdapter(list[str]),
    extra=_identity, when=_researchers_may_see, publish="research",
)  # fmt: skip
