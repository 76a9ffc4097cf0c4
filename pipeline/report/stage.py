"""The sheet stage: the reflection prep sheet, pseudonymised unless the settings keep real words."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec


def _history(job: RecordingJob, settings: Settings) -> Any:
    """The klantmanager's earlier recordings ("Sinds vorige keer"), for archived recordings only."""
    if job.data_root is None:
        return None
    from pipeline.intentions import load_history

    return load_history(
        job.data_root, job.consent.klantmanager, settings, job.recording_id, job.consent.recorded_on
    )


def _sheet_key(job: RecordingJob, settings: Settings) -> Any:
    from pipeline.review.stage_inputs import sheet_key

    history = _history(job, settings)
    key = {
        "media_href": job.media_href,
        "recorded_on": job.consent.recorded_on,
        "history": history.model_dump(mode="json") if history is not None else None,
    }
    review = sheet_key(job.data_root, job.recording_id)  # the published fragment choices and notes
    return key if review is None else {**key, "review": review}


def _sheet(s: StageInput) -> list[str]:
    from pipeline.report.interview_guide import write_interview_guide
    from pipeline.report.sheet import load_texts, write_sheet
    from pipeline.review.stage_inputs import reviewed_fragments
    from pipeline.stages.store import stored_results

    conversation, analysis, fragments = s.results["align"], s.results["analysis"], s.results["fragments"]
    review = reviewed_fragments(
        fragments, analysis, s.job.data_root, s.job.recording_id, load_texts(s.settings)["review"]
    )
    if review is not None:  # a researcher published: her selection, in her order
        fragments = [item.fragment for item in review.kept()]
    if not s.settings.privacy.sheet_keeps_real_words:
        from pipeline.privacy.exports import (
            pseudonymize_analysis,
            pseudonymize_conversation,
            pseudonymize_fragments,
        )
        from pipeline.privacy.stage import recording_pseudonymizer

        pseudonymizer = recording_pseudonymizer(s.job, s.settings)
        conversation = pseudonymize_conversation(conversation, pseudonymizer)
        analysis = pseudonymize_analysis(analysis, pseudonymizer)
        fragments = pseudonymize_fragments(fragments, pseudonymizer)
    written = write_interview_guide(analysis, fragments, s.out, s.settings, s.job.consent.recorded_on)
    written += write_sheet(
        conversation,
        analysis,
        fragments,
        s.out,
        s.settings,
        media_href=s.job.media_href,
        history=_history(s.job, s.settings),
        recorded_on=s.job.consent.recorded_on,
        review=review,
        earlier=stored_results(s.job.cache_dir, SPEC.name),  # their PDF serves an unchanged sheet
    )
    return sorted(path.name for path in written)


SPEC = StageSpec(
    "sheet", ("align", "analysis", "fragments"), ("report", "fragments", "privacy"),
    ("pipeline.report", "pipeline.intentions", "pipeline.fragments", "pipeline.privacy",
     "pipeline.review.fragment_edits", "pipeline.review.records"), _sheet,
    TypeAdapter(list[str]), extra=_sheet_key, deliver=True,
)  # fmt: skip
