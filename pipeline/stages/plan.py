"""The stages of ``process_recording`` as data: inputs, settings, code, model, adapter.

Adding a stage is one :class:`StageSpec` in :data:`STAGES`; the batch runner, the cache
keys, ``reprocess --stage`` and the progress bars all follow from it. The adapters only
translate between the flow's inputs (loaded upstream results, the recording job) and the
stage function in ``pipeline/``; they contain no analysis logic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from flows.cache import StageRef, code_version, config_identity, content_sha256, digest
from flows.jobs import RecordingJob
from pipeline.settings import Settings
from pipeline.types import Analysis, Conversation, Diarization, Fragment, RoleAssignment, Transcript

ProgressFn = Callable[[float, float], None]


@dataclass(frozen=True)
class StageInput:
    """What an adapter gets: the job, settings, loaded upstream results and a folder for files."""

    job: RecordingJob
    settings: Settings
    results: dict[str, Any]
    out: Path
    on_progress: ProgressFn


@dataclass(frozen=True)
class StageSpec:
    """One stage of the pipeline."""

    name: str
    inputs: tuple[str, ...]  # upstream stages; none means the media itself
    sections: tuple[str, ...]  # settings sections whose values are part of the key
    code: tuple[str, ...]  # modules whose source is the stage's code version
    compute: Callable[[StageInput], Any]
    result: TypeAdapter
    model: Callable[[Settings], Any] | None = None  # model identity, part of the key
    extra: Callable[[RecordingJob, Settings], Any] | None = None  # other key inputs
    when: Callable[[RecordingJob], bool] = lambda job: True
    publish: Literal["out", "research"] = "out"  # where its files are published


# --- shared helpers ----------------------------------------------------------------

_audio_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cached_audio(path: Path, sha256: str) -> Any:
    from pipeline.audio import load_audio

    del sha256  # part of the memo key: a replaced file with the same name is decoded again
    return load_audio(path)


def _audio(job: RecordingJob) -> Any:
    """Decode the media once per process for the stages that need samples (ASR, diarisation)."""
    with _audio_lock:
        return _cached_audio(job.media, job.sha256)


@lru_cache(maxsize=8)
def _dir_identity(path: Path) -> str:
    """A model folder's identity from its file names, sizes and times (hashing GBs is too slow)."""
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return digest([(str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns) for p in files])


# --- adapters ----------------------------------------------------------------------


def _asr_identity(settings: Settings) -> Any:
    asr = settings.asr
    if asr.model_dir is None:  # the shipped model, verified by this sha256 when assembled
        return {"name": asr.model_name, "sha256": asr.default_model_sha256}
    from pipeline.transcribe import resolve_model

    return resolve_model(settings).identity.model_dump()


def _transcribe(s: StageInput) -> Transcript:
    from pipeline.transcribe import transcribe

    return transcribe(_audio(s.job), s.settings, on_progress=s.on_progress)


def _diarization_identity(settings: Settings) -> Any:
    config = settings.diarization
    if config.backend == "pyannote" and config.pyannote.pipeline_dir is not None:
        return {"pyannote": _dir_identity(settings.resolve(config.pyannote.pipeline_dir))}
    from pipeline.diarize.voice_encoder import default_weights_path

    weights = config.embedded.weights_path
    path = settings.resolve(weights) if weights is not None else default_weights_path()
    segmentation = settings.resolve(config.overlap.model_path)
    overlap = content_sha256(segmentation) if config.overlap.enabled and segmentation.is_file() else None
    return {"embedded": content_sha256(path), "overlap": overlap}


def _analysis_identity(settings: Settings) -> Any:
    from pipeline.analysis.learned.linear import learned_identity
    from pipeline.nlp import model_identity

    return {"nlp": model_identity(settings.analysis.nlp.model), "learned": learned_identity(settings)}


def _diarize(s: StageInput) -> Diarization:
    from pipeline.diarize import diarize

    job = s.job
    counts = {
        "num_speakers": job.speakers,
        "min_speakers": job.min_speakers,
        "max_speakers": job.max_speakers,
    }
    return diarize(_audio(job), s.settings, **counts)


def _speaker_key(job: RecordingJob, settings: Settings) -> Any:
    return {"speakers": job.speakers, "min": job.min_speakers, "max": job.max_speakers}


def _roles_key(job: RecordingJob, settings: Settings) -> Any:
    from pipeline.roles import profile_path

    profile = profile_path(settings, job.consent.klantmanager)  # enrolling her voice changes roles
    return {
        "klantmanager": job.consent.klantmanager,
        "participants": job.speakers,
        "profile": content_sha256(profile) if profile.is_file() else None,
    }


def _roles(s: StageInput) -> RoleAssignment:
    from pipeline.roles import assign_roles

    return assign_roles(
        s.results["diarize"],
        s.results["transcribe"],
        s.settings,
        klantmanager=s.job.consent.klantmanager,
        participants=s.job.speakers,
    )


def _align(s: StageInput) -> Conversation:
    from pipeline.align import align
    from pipeline.formats.conversation_files import write_conversation_files

    diarization, roles = s.results["diarize"], s.results["roles"]
    conversation = align(s.results["transcribe"], diarization, roles, s.settings)
    write_conversation_files(conversation, diarization, roles, s.out, s.job.recording_id)
    return conversation


def _analysis(s: StageInput) -> Analysis:
    from pipeline.analysis import analyse, write_analysis_files

    analysis = analyse(s.results["align"], s.settings)
    write_analysis_files(analysis, s.out)
    return analysis


def _fragments(s: StageInput) -> list[Fragment]:
    from pipeline.fragments import select_fragments

    return select_fragments(s.results["analysis"], s.results["align"], s.settings)


def _history(job: RecordingJob, settings: Settings) -> Any:
    if job.data_root is None:
        return None
    from pipeline.intentions import load_history

    return load_history(
        job.data_root, job.consent.klantmanager, settings, job.recording_id, job.consent.recorded_on
    )


def _sheet_key(job: RecordingJob, settings: Settings) -> Any:
    history = _history(job, settings)
    return {
        "media_href": job.media_href,
        "recorded_on": job.consent.recorded_on,
        "history": history.model_dump(mode="json") if history is not None else None,
    }


def _pseudonymizer(job: RecordingJob, settings: Settings) -> Any:
    from pipeline.privacy import Pseudonymizer

    return Pseudonymizer(settings.privacy, known_names=[job.consent.klantmanager])


def _sheet(s: StageInput) -> list[str]:
    from pipeline.report import write_sheet

    conversation, analysis, fragments = s.results["align"], s.results["analysis"], s.results["fragments"]
    if not s.settings.privacy.sheet_keeps_real_words:
        from pipeline.privacy import pseudonymize_analysis, pseudonymize_conversation, pseudonymize_fragments

        pseudonymizer = _pseudonymizer(s.job, s.settings)
        conversation = pseudonymize_conversation(conversation, pseudonymizer)
        analysis = pseudonymize_analysis(analysis, pseudonymizer)
        fragments = pseudonymize_fragments(fragments, pseudonymizer)
    written = write_sheet(
        conversation,
        analysis,
        fragments,
        s.out,
        s.settings,
        media_href=s.job.media_href,
        history=_history(s.job, s.settings),
        recorded_on=s.job.consent.recorded_on,
    )
    return sorted(path.name for path in written)


def _research(s: StageInput) -> list[str]:
    """Pseudonymised researcher exports, only when the client consented to research use."""
    from pipeline.analysis import write_analysis_files
    from pipeline.formats.conversation_files import write_conversation_files
    from pipeline.fsutil import atomic_write_json
    from pipeline.privacy import pseudonymize_analysis, pseudonymize_conversation, pseudonymize_fragments

    pseudonymizer = _pseudonymizer(s.job, s.settings)
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
    return sorted(Path(path).name for path in written)


STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        "transcribe", (), ("asr",), ("pipeline.transcribe", "pipeline.audio"), _transcribe,
        TypeAdapter(Transcript), model=_asr_identity,
    ),
    StageSpec(
        "diarize", (), ("diarization",), ("pipeline.diarize", "pipeline.audio"), _diarize,
        TypeAdapter(Diarization), model=_diarization_identity, extra=_speaker_key,
    ),
    StageSpec(
        "roles", ("diarize", "transcribe"), ("roles",), ("pipeline.roles",), _roles,
        TypeAdapter(RoleAssignment), extra=_roles_key,
    ),
    StageSpec(
        "align", ("transcribe", "diarize", "roles"), ("align",), ("pipeline.align", "pipeline.formats"),
        _align, TypeAdapter(Conversation), extra=lambda job, _settings: job.recording_id,
    ),
    StageSpec(
        "analysis", ("align",), ("analysis",), ("pipeline.analysis", "pipeline.nlp"), _analysis,
        TypeAdapter(Analysis), model=_analysis_identity,
    ),
    StageSpec(
        "fragments", ("analysis", "align"), ("fragments",), ("pipeline.fragments",), _fragments,
        TypeAdapter(list[Fragment]),
    ),
    StageSpec(
        "sheet", ("align", "analysis", "fragments"), ("report", "fragments", "privacy"),
        ("pipeline.report", "pipeline.intentions", "pipeline.fragments", "pipeline.privacy"), _sheet,
        TypeAdapter(list[str]), extra=_sheet_key,
    ),
    StageSpec(
        "research", ("align", "analysis", "fragments", "diarize", "roles"), ("privacy",),
        ("pipeline.privacy", "pipeline.formats", "pipeline.analysis"), _research, TypeAdapter(list[str]),
        extra=lambda job, _settings: (job.recording_id, job.consent.klantmanager),
        when=lambda job: job.data_root is not None and job.consent.consent.research_use, publish="research",
    ),
)  # fmt: skip
STAGE_NAMES = tuple(spec.name for spec in STAGES)
BY_NAME = {spec.name: spec for spec in STAGES}


def downstream_of(stage: str) -> set[str]:
    """``stage`` and every stage that depends on it, directly or not."""
    found = {stage}
    for spec in STAGES:  # STAGES is in dependency order
        if found.intersection(spec.inputs):
            found.add(spec.name)
    return found


def stage_key(spec: StageSpec, job: RecordingJob, settings: Settings, inputs: dict[str, StageRef]) -> str:
    """The cache key of ``spec`` for this job and these upstream results."""
    return digest(
        {
            "stage": spec.name,
            "inputs": {name: ref.sha256 for name, ref in sorted(inputs.items())} or {"media": job.sha256},
            "config": config_identity(settings, spec.sections),
            "model": spec.model(settings) if spec.model else None,
            "code": code_version(spec.code),
            "extra": spec.extra(job, settings) if spec.extra else None,
        }
    )


@lru_cache(maxsize=16)
def _load(stage: str, path: Path, sha256: str) -> Any:
    del sha256  # memo key: a result folder is immutable once its sha256 is known
    return BY_NAME[stage].result.validate_json((path / "result.json").read_bytes())


def load_result(ref: StageRef) -> Any:
    """The typed result of a finished stage (memoised: several stages read the transcript)."""
    return _load(ref.stage, ref.path, ref.sha256)
