"""Load later stages' models while the first stages of a fresh recording run.

Why: on a 165-second recording the analysis stage spent about 6 of its 7.6 s loading spaCy,
the Dutch pipeline and the learned model, after transcription had finished, while
transcription itself leaves part of the cores idle (raw faster-whisper used 1.7 of 2). Loaded
in a low-priority thread, that work mostly fits in those idle moments.

The caller starts it when the first of the first stages has finished (diarisation, long
before transcription): the models then take the memory the diariser has just given back
instead of adding to the peak of the two side by side. Only for a recording whose first
stage must be computed: a re-run with stored early stages has nothing to hide the loading
behind, and its later stages may well be stored too. A failed warm-up is logged and
forgotten; the stage then loads, and reports, for itself.

Not warmed: decoding the media and loading Whisper beside Prefect's start-up. Tried: on the
165-second clip ASR then finished first and the niced diariser became the longest stage
(22.4 s instead of 12.6-14.9 s, the command no faster), and on 60 minutes the diariser took
492 s instead of 243 s.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import stage_key
from pipeline.stages.priority import start_niced
from pipeline.stages.spec import StageSpec
from pipeline.stages.store import existing_ref

log = logging.getLogger(__name__)


def stages_to_warm(
    jobs: Iterable[RecordingJob], settings: Settings, stages: Iterable[StageSpec]
) -> list[StageSpec]:
    """The stages that declare ``warm``, if some job's first stage must be computed; else none.

    Ask before the first stage runs: once it has run, its result is stored.
    """
    stages = list(stages)
    specs = [spec for spec in stages if spec.warm is not None]
    if specs and any(_first_stage_missing(job, settings, stages) for job in jobs):
        return specs
    return []


def start_warming(specs: list[StageSpec], settings: Settings) -> threading.Thread | None:
    """Warm ``specs`` in plan order in a low-priority daemon thread (None when there are none)."""
    if not specs:
        return None

    def work() -> None:
        for spec in specs:
            try:
                spec.warm(settings)  # type: ignore[misc]
            except Exception as exc:  # the stage itself will load and say what is wrong
                log.warning("warming up %s failed (%s); the stage loads for itself", spec.name, exc)

    return start_niced(work, settings.orchestration.warm_nice, "kijkwijzer-warm-up")


def _first_stage_missing(job: RecordingJob, settings: Settings, stages: list[StageSpec]) -> bool:
    """A stage that reads only the media has no stored result for ``job``."""
    for spec in stages:
        if spec.inputs or not spec.when(job):
            continue
        if existing_ref(job.cache_dir, spec.name, stage_key(spec, job, settings, {})) is None:
            return True
    return False
