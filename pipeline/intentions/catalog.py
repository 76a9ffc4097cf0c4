"""The metrics intentions are followed with, and their Dutch wording, from a data file.

The file is ``report.intentions.metrics_file`` (``config/intention_metrics.nl.yaml`` by
default), resolved against the project root, so wording changes need no code change.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import ConfigError, KijkwijzerError
from pipeline.settings import Settings
from pipeline.settings.yaml_files import read_mapping

METRIC_KEYS = (
    "open_question_share",
    "stacked_questions",
    "self_answered_questions",
    "talk_share",
    "feeling_question_share",
    "agenda_at_start",
    "summaries",
    "feedback_asked",
)


def _plain(text: str) -> str:
    """Lowercase without accents or extra spaces, so "Eén" matches "één" and "een"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


class MetricDefinition(BaseModel):
    """How one metric is called, shown and recognised in an intention's text."""

    model_config = ConfigDict(extra="forbid")

    label: str
    kind: Literal["share", "count", "yes_no"]
    describe: str
    keywords: list[str]


class MetricCatalog(BaseModel):
    """All metric definitions, in matching priority order."""

    model_config = ConfigDict(extra="forbid")

    metrics: dict[str, MetricDefinition]

    def match(self, text: str) -> str | None:
        """The metric whose keywords occur most often in ``text`` (first listed wins a tie)."""
        plain = _plain(text)
        scores = {
            key: sum(_plain(word) in plain for word in metric.keywords)
            for key, metric in self.metrics.items()
        }
        best = max(scores, key=lambda key: scores[key])
        return best if scores[best] > 0 else None


@lru_cache(maxsize=8)
def _load(path: Path) -> MetricCatalog:
    data = read_mapping(path, "metrics file", "check report.intentions.metrics_file")
    try:
        catalog = MetricCatalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: bad metrics file at '{key}': {first['msg']}") from exc
    unknown = sorted(set(catalog.metrics) - set(METRIC_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown metric(s) {', '.join(unknown)} (known: {', '.join(METRIC_KEYS)})")
    return catalog


def load_metric_catalog(settings: Settings) -> MetricCatalog:
    """The configured metrics file, or the bundled one."""
    return _load(settings.resolve(settings.report.intentions.metrics_file))


def resolve_metric(text: str, catalog: MetricCatalog) -> tuple[str, str]:
    """Split ``"metric=tekst"`` or recognise the metric from the text; returns (metric, text)."""
    key, sep, rest = text.partition("=")
    if sep and key.strip() in catalog.metrics:
        return key.strip(), rest.strip()
    metric = catalog.match(text)
    if metric is None:
        raise KijkwijzerError(
            f"cannot tell which metric fits the intention {text!r} "
            f"(write it as METRIC=tekst with one of: {', '.join(catalog.metrics)})"
        )
    return metric, text.strip()
