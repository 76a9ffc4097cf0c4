"""The klantmanager's intentions (aandachtspunten) and how the metrics behind them develop."""

from pipeline.intentions.catalog import METRIC_KEYS, MetricCatalog, load_metric_catalog
from pipeline.intentions.store import (
    History,
    Intention,
    MetricRecord,
    load_history,
    load_intentions,
    record_metrics,
    set_intentions,
)
from pipeline.intentions.values import intention_metrics, talk_shares

__all__ = [
    "METRIC_KEYS",
    "History",
    "Intention",
    "MetricCatalog",
    "MetricRecord",
    "intention_metrics",
    "load_history",
    "load_intentions",
    "load_metric_catalog",
    "record_metrics",
    "set_intentions",
    "talk_shares",
]
