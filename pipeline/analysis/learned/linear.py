"""The shipped learned decisions: sparse linear models over named features, read from JSON.

Training uses scikit-learn (``models/analysis/train.py``); the analysis only needs the
weights, so they are stored as plain JSON (feature name → weight per class) rather than a
pickle. That keeps the model readable, independent of the installed scikit-learn version,
and explainable: :meth:`Decision.explain` names the features that weighed most.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from pipeline.fsutil import file_sha256

# A unit's features: name -> value (1.0 for presence).
Features = dict[str, float]
# Version of the feature set (learned/features.py, units.py); a model trained on another one
# would silently miss or misread features, so reading it fails with the fix instead.
# 2: part-of-speech n-grams (``p:``, ``p3:``, ``plast:``) in the sentence units.
FEATURE_VERSION = 2


class ModelMissingError(RuntimeError):
    """The analysis model file is missing or unreadable."""


@dataclass(frozen=True)
class Decision:
    """One learned decision: binary (one weight per feature) or multiclass (one per class)."""

    name: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    threshold: float = 0.5

    @property
    def binary(self) -> bool:
        return len(self.bias) == 1

    def explain(self, features: Features, cls: str | None = None, k: int = 3) -> list[str]:
        """The ``k`` present features that pushed most towards ``cls`` (binary: the positive)."""
        column = 0 if self.binary or cls is None else self.classes.index(cls)
        scored = [
            (row[column] * value, name)
            for name, value in features.items()
            if (row := self.weights.get(name)) is not None
        ]
        return [name for weight, name in sorted(scored, reverse=True)[:k] if weight > 0]


class Scores:
    """The logits of every decision for a list of units, computed in one sparse product."""

    def __init__(self, model: AnalysisModel, logits: np.ndarray) -> None:
        self._model = model
        self._logits = logits

    def probability(self, name: str, unit: int) -> float:
        """P(positive) of binary decision ``name`` for one unit."""
        logit = float(self._logits[unit, self._model.columns[name].start])
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def positive(self, name: str, unit: int) -> bool:
        """Whether binary decision ``name`` is positive for the unit at its tuned threshold."""
        return self.probability(name, unit) >= self._model[name].threshold

    def classify(self, name: str, unit: int) -> str:
        """The most probable class of multiclass decision ``name`` for the unit."""
        row = self._logits[unit, self._model.columns[name]]
        return self._model[name].classes[int(np.argmax(row))]


@dataclass(frozen=True)
class AnalysisModel:
    """Every learned decision plus what it was trained on (its identity for the cache key).

    The weights of all decisions are also held as one feature-by-output matrix, so scoring
    every sentence or turn of an hour of talk is a single sparse product rather than a
    dictionary walk per unit and decision.
    """

    decisions: dict[str, Decision]
    identity: dict[str, Any]
    vocabulary: dict[str, int] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    bias: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    columns: dict[str, slice] = field(default_factory=dict)

    @classmethod
    def build(cls, decisions: dict[str, Decision], identity: dict[str, Any]) -> AnalysisModel:
        """The model with its stacked weight matrix."""
        vocabulary: dict[str, int] = {}
        for decision in decisions.values():
            for feature in decision.weights:
                vocabulary.setdefault(feature, len(vocabulary))
        columns: dict[str, slice] = {}
        width = 0
        for name, decision in decisions.items():
            columns[name] = slice(width, width + len(decision.bias))
            width += len(decision.bias)
        matrix = np.zeros((len(vocabulary), width), dtype=np.float32)
        bias = np.zeros(width, dtype=np.float32)
        for name, decision in decisions.items():
            where = columns[name]
            bias[where] = decision.bias
            for feature, row in decision.weights.items():
                matrix[vocabulary[feature], where] = row
        return cls(decisions, identity, vocabulary, matrix, bias, columns)

    def __getitem__(self, name: str) -> Decision:
        return self.decisions[name]

    def score(self, units: list[Features]) -> Scores:
        """The logits of every decision for every unit."""
        indptr, indices, values = [0], [], []
        vocabulary = self.vocabulary
        for features in units:
            for feature, value in features.items():
                column = vocabulary.get(feature)
                if column is not None:
                    indices.append(column)
                    values.append(value)
            indptr.append(len(indices))
        sparse = csr_matrix(
            (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr)),
            shape=(len(units), len(vocabulary)),
        )
        return Scores(self, np.asarray(sparse @ self.matrix) + self.bias)


def read_decision(name: str, raw: dict[str, Any]) -> Decision:
    """One decision from its stored form."""
    return Decision(
        name=name,
        classes=tuple(raw["classes"]),
        bias=tuple(raw["bias"]),
        weights={feature: tuple(row) for feature, row in raw["weights"].items()},
        threshold=float(raw.get("threshold", 0.5)),
    )


def read_model(path: Path) -> AnalysisModel:
    """Parse a model file written by ``models/analysis/train.py``."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ModelMissingError(
            f"{path}: analysis model missing or unreadable ({exc}); "
            "restore it from git or rebuild it with `make analysis-model`"
        ) from exc
    version = raw.get("identity", {}).get("settings", {}).get("feature_version")
    if version != FEATURE_VERSION:
        raise ModelMissingError(
            f"{path}: analysis model built on features v{version}, the code computes "
            f"v{FEATURE_VERSION}; rebuild it with `make analysis-model`"
        )
    decisions = {name: read_decision(name, item) for name, item in raw["decisions"].items()}
    return AnalysisModel.build(decisions, dict(raw["identity"]))


_CACHE: dict[Path, AnalysisModel] = {}
_LOCK = threading.Lock()


def learned_identity(settings: Any) -> str | None:
    """The shipped model file's sha256 (part of the analysis stage's cache key), or None when
    the learned decisions are off: retraining changes the analysis, so it must re-run.

    The file is hashed, not parsed: a fully cached run needs only this key, and parsing the
    model's JSON cost about a second of it. The analysis itself still reads and checks it.
    """
    learned = settings.analysis.learned
    if not learned.enabled:
        return None
    path = settings.resolve(learned.model)
    try:
        return file_sha256(path)
    except OSError as exc:
        raise ModelMissingError(
            f"{path}: analysis model missing or unreadable ({exc.strerror or exc}); "
            "restore it from git or rebuild it with `make analysis-model`"
        ) from exc


def load_model(path: Path) -> AnalysisModel:
    """The model at ``path``, read once per process."""
    with _LOCK:
        if path not in _CACHE:
            _CACHE[path] = read_model(path)
        return _CACHE[path]
