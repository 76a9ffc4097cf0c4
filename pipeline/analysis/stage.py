"""The analysis stage as the engine sees it: the conversation in, events and metrics out."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Analysis


def analysis_identity(settings: Settings) -> Any:
    """The Dutch language model and the learned decisions the detectors use."""
    from pipeline.analysis.learned.linear import learned_identity
    from pipeline.nlp import model_identity

    return {"nlp": model_identity(settings.analysis.nlp.model), "learned": learned_identity(settings)}


def _analysis(s: StageInput) -> Analysis:
    from pipeline.analysis.output import write_analysis_files
    from pipeline.analysis.runner import analyse

    analysis = analyse(s.results["align"], s.settings)
    write_analysis_files(analysis, s.out)
    return analysis


def _warm(settings: Settings) -> None:
    """Load the lexicon, the Dutch pipeline and the learned model, and tag one sentence."""
    from pipeline.analysis.context import AnalysisContext

    AnalysisContext.from_settings(settings).nlp.tokenize(["Hoe gaat het nu met u?"])


SPEC = StageSpec(
    "analysis", ("align",), ("analysis",), ("pipeline.analysis", "pipeline.nlp"), _analysis,
    TypeAdapter(Analysis), model=analysis_identity, warm=_warm,
)  # fmt: skip
