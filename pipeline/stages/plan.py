"""The plan: the stages of a recording in dependency order, and the batch steps between them.

Each stage declares itself in ``pipeline/<stage>/stage.py``; this module only puts them in
order. The scheduler, the cache keys, ``reprocess --stage`` and the progress bars all
follow from these declarations, with no stage named anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.align.stage import SPEC as ALIGN
from pipeline.analysis.stage import SPEC as ANALYSIS
from pipeline.diarize.stage import SPEC as DIARIZE
from pipeline.fragments.stage import SPEC as FRAGMENTS
from pipeline.intentions.stage import HISTORY
from pipeline.privacy.stage import SPEC as RESEARCH
from pipeline.report.stage import SPEC as SHEET
from pipeline.roles.stage import SPEC as ROLES
from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import BatchStep, StageSpec
from pipeline.stages.store import StageRef, code_version, config_identity, digest
from pipeline.transcribe.stage import SPEC as TRANSCRIBE

STAGES: tuple[StageSpec, ...] = (TRANSCRIBE, DIARIZE, ROLES, ALIGN, ANALYSIS, FRAGMENTS, SHEET, RESEARCH)
BATCH_STEPS: tuple[BatchStep, ...] = (HISTORY,)
STAGE_NAMES = tuple(spec.name for spec in STAGES)
BY_NAME = {spec.name: spec for spec in STAGES}


def downstream_of(stage: str) -> set[str]:
    """``stage`` and every stage that depends on it, directly or not."""
    found = {stage}
    for spec in STAGES:  # STAGES is in dependency order
        if found.intersection(spec.inputs):
            found.add(spec.name)
    return found


def waves(stages: Iterable[StageSpec]) -> list[list[StageSpec]]:
    """Group stages so each group depends only on earlier groups (transcribe and diarize together).

    The scheduler submits a batch wave by wave, so a thread pool works through every
    recording's ASR and diarisation before the stages that wait for them.
    """
    level: dict[str, int] = {}
    for spec in STAGES:
        level[spec.name] = 1 + max((level[name] for name in spec.inputs), default=-1)
    grouped: dict[int, list[StageSpec]] = {}
    for spec in stages:
        grouped.setdefault(level[spec.name], []).append(spec)
    return [grouped[key] for key in sorted(grouped)]


def require_inputs(stages: Iterable[StageSpec]) -> list[StageSpec]:
    """``stages`` as a list, refused when one needs a stage that is not among them."""
    selected = list(stages)
    for spec in selected:
        if missing := [name for name in spec.inputs if name not in {s.name for s in selected}]:
            raise ValueError(f"stage {spec.name} needs {missing} in the same run")
    return selected


def phases(stages: Iterable[StageSpec]) -> list[tuple[list[StageSpec], list[BatchStep]]]:
    """Split ``stages`` at the batch steps: each phase's stages, then the steps that close it."""
    out: list[tuple[list[StageSpec], list[BatchStep]]] = [([], [])]
    for spec in stages:
        out[-1][0].append(spec)
        steps = [step for step in BATCH_STEPS if step.after == spec.name]
        if steps:
            out.append(([], []))
            out[-2][1].extend(steps)
    return [phase for phase in out if phase[0] or phase[1]]


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
