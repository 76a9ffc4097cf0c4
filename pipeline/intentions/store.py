"""Per-klantmanager intentions and the metric values of each processed recording.

Layout under the data root (owner-only, like everything the pipeline writes)::

    <root>/intentions/<klantmanager-folder>/intentions.json   every set she chose, dated
    <root>/intentions/<klantmanager-folder>/metrics.json      one record per recording

Intention sets are appended, never overwritten, so what she chose earlier stays visible.
A recording that is processed again replaces its own record. Writes hold a lock on the
folder because several workers may finish recordings of one klantmanager at once.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_json, private_dir
from pipeline.ingest.folder_names import safe_folder_name
from pipeline.intentions.catalog import load_metric_catalog, resolve_metric
from pipeline.intentions.values import MetricValue
from pipeline.settings import Settings


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Intention(_Model):
    """One aandachtspunt in her own words, and the metric that follows it."""

    text: str
    metric: str


class IntentionSet(_Model):
    """The intentions chosen after one reflection talk."""

    set_on: date
    intentions: list[Intention]


class IntentionFile(_Model):
    """``intentions.json``."""

    klantmanager: str
    sets: list[IntentionSet] = Field(default_factory=list)


class MetricRecord(_Model):
    """The metric values of one processed recording."""

    recording_id: str
    recorded_on: date
    duration_s: float
    values: dict[str, MetricValue]


class MetricFile(_Model):
    """``metrics.json``."""

    klantmanager: str
    records: list[MetricRecord] = Field(default_factory=list)


class History(_Model):
    """What the sheet needs for "Sinds vorige keer": her intentions and earlier recordings.

    ``records`` holds only recordings before the one the sheet is about, oldest first.
    """

    klantmanager: str
    intentions: list[Intention]
    records: list[MetricRecord]


_Stored = TypeVar("_Stored", IntentionFile, MetricFile)


def klantmanager_dir(root: Path, klantmanager: str, settings: Settings) -> Path:
    """The klantmanager's intentions folder under the data root."""
    return Path(root) / settings.report.intentions.folder / safe_folder_name(klantmanager)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    private_dir(folder)
    lock_path = folder / ".lock"
    with open(lock_path, "a", encoding="utf-8") as handle:
        lock_path.chmod(0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path, model: type[_Stored], klantmanager: str) -> _Stored:
    if not path.exists():
        return model.model_validate({"klantmanager": klantmanager})
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise KijkwijzerError(f"{path}: unreadable ({type(exc).__name__}; restore it from a backup)") from exc


def set_intentions(
    root: Path, klantmanager: str, texts: list[str], settings: Settings, set_on: date
) -> IntentionSet:
    """Record a new set of intentions; each text names its metric or is matched by keywords."""
    if not texts:
        raise KijkwijzerError('give at least one intention, e.g. "Meer open vragen stellen"')
    catalog = load_metric_catalog(settings)
    intentions = []
    for text in texts:
        metric, cleaned = resolve_metric(text, catalog)
        if not cleaned:
            raise KijkwijzerError(f"intention {text!r} has no text after the metric name")
        intentions.append(Intention(text=cleaned, metric=metric))
    new_set = IntentionSet(set_on=set_on, intentions=intentions)
    folder = klantmanager_dir(root, klantmanager, settings)
    with _locked(folder):
        stored = _read(folder / "intentions.json", IntentionFile, klantmanager)
        stored.sets.append(new_set)
        atomic_write_json(folder / "intentions.json", stored.model_dump(mode="json"))
    return new_set


def load_intentions(
    root: Path, klantmanager: str, settings: Settings, on: date | None = None
) -> list[Intention]:
    """The intentions that were current on ``on`` (default: the latest set)."""
    stored = _read(
        klantmanager_dir(root, klantmanager, settings) / "intentions.json", IntentionFile, klantmanager
    )
    sets = [s for s in stored.sets if on is None or s.set_on <= on]
    return sets[-1].intentions if sets else []


def record_metrics(
    root: Path,
    klantmanager: str,
    recording_id: str,
    recorded_on: date,
    metrics: dict[str, MetricValue],
    duration_s: float,
    settings: Settings,
) -> Path:
    """Store one recording's metric values (replacing an earlier record of the same recording)."""
    folder = klantmanager_dir(root, klantmanager, settings)
    path = folder / "metrics.json"
    record = MetricRecord(
        recording_id=recording_id, recorded_on=recorded_on, duration_s=duration_s, values=metrics
    )
    with _locked(folder):
        stored = _read(path, MetricFile, klantmanager)
        stored.records = [r for r in stored.records if r.recording_id != recording_id] + [record]
        atomic_write_json(path, stored.model_dump(mode="json"))
    return path


def forget_metrics(root: Path, klantmanager: str, recording_id: str, settings: Settings) -> bool:
    """Remove one recording's record (erasure); returns whether there was one."""
    folder = klantmanager_dir(root, klantmanager, settings)
    path = folder / "metrics.json"
    if not path.is_file():
        return False
    with _locked(folder):
        stored = _read(path, MetricFile, klantmanager)
        kept = [r for r in stored.records if r.recording_id != recording_id]
        if len(kept) == len(stored.records):
            return False
        stored.records = kept
        atomic_write_json(path, stored.model_dump(mode="json"))
    return True


def load_history(
    root: Path,
    klantmanager: str,
    settings: Settings,
    recording_id: str | None = None,
    recorded_on: date | None = None,
) -> History:
    """Her current intentions and the recordings before this one (by date, oldest first).

    Recordings on the same date count as earlier when they were recorded in the store
    before this one, so processing order breaks ties; the recording itself is left out.
    """
    folder = klantmanager_dir(root, klantmanager, settings)
    stored = _read(folder / "metrics.json", MetricFile, klantmanager)
    ids = [r.recording_id for r in stored.records]
    own = ids.index(recording_id) if recording_id in ids else len(ids)
    earlier = [
        record
        for position, record in enumerate(stored.records)
        if record.recording_id != recording_id
        and (
            recorded_on is None
            or record.recorded_on < recorded_on
            or (record.recorded_on == recorded_on and position < own)
        )
    ]
    earlier.sort(key=lambda record: record.recorded_on)
    return History(
        klantmanager=klantmanager,
        intentions=load_intentions(root, klantmanager, settings, on=recorded_on),
        records=earlier,
    )
