"""Write the analysis: analysis.json (the contract), events.csv, metrics.csv and metrics.parquet.

The CSV and Parquet tables are for researchers' own tools (R, SPSS, pandas). Metrics are
flattened to one row per scalar, ``metric`` being the dotted path in analysis.json, so the same
table concatenates across recordings. Every file is written atomically and owner-only
(fsutil): the bytes are produced in memory first.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.fsutil import atomic_write_bytes, atomic_write_json, private_dir
from pipeline.types import Analysis

EVENT_COLUMNS = [
    "id",
    "type",
    "speaker_role",
    "start",
    "end",
    "text",
    "form",
    "focus",
    "stacked",
    "self_answered",
    "answer_latency_s",
    "turn_index",
    "sentence_index",
    "details",
]


def flatten_metrics(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, float | None, str | None]]:
    """``(metric, numeric value, text value)`` rows for every scalar in the nested metrics."""
    rows: list[tuple[str, float | None, str | None]] = []
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten_metrics(value, name + "."))
        elif isinstance(value, bool | int | float):
            rows.append((name, float(value), None))
        elif value is None:
            rows.append((name, None, None))
        elif isinstance(value, str):
            rows.append((name, None, value))
        # lists (chains, event ids) are in analysis.json only
    return rows


def events_frame(analysis: Analysis) -> pd.DataFrame:
    """One row per event; ``details`` as a JSON string."""
    records = []
    for event in analysis.events:
        record = event.model_dump(mode="json")
        record["details"] = json.dumps(record["details"], ensure_ascii=False, sort_keys=True)
        records.append({column: record.get(column) for column in EVENT_COLUMNS})
    frame = pd.DataFrame.from_records(records, columns=EVENT_COLUMNS)
    # nullable types, so a missing index is empty instead of turning the column into floats
    for column in ("turn_index", "sentence_index"):
        frame[column] = frame[column].astype("Int64")
    for column in ("stacked", "self_answered"):
        frame[column] = frame[column].astype("boolean")
    return frame


def metrics_frame(analysis: Analysis) -> pd.DataFrame:
    """One row per scalar metric: ``metric``, ``value`` (float) and ``text``."""
    frame = pd.DataFrame(flatten_metrics(analysis.metrics), columns=["metric", "value", "text"])
    frame["value"] = frame["value"].astype("float64")
    frame["text"] = frame["text"].astype("string")
    return frame


def write_analysis_files(analysis: Analysis, out_dir: Path) -> list[Path]:
    """Write analysis.json, events.csv, metrics.csv and metrics.parquet; return their paths."""
    out_dir = private_dir(Path(out_dir))
    events_csv = events_frame(analysis).to_csv(index=False).encode("utf-8")
    metrics = metrics_frame(analysis)
    parquet = io.BytesIO()
    metrics.to_parquet(parquet, index=False)
    return [
        atomic_write_json(out_dir / "analysis.json", analysis.model_dump(mode="json")),
        atomic_write_bytes(out_dir / "events.csv", events_csv),
        atomic_write_bytes(out_dir / "metrics.csv", metrics.to_csv(index=False).encode("utf-8")),
        atomic_write_bytes(out_dir / "metrics.parquet", parquet.getvalue()),
    ]
