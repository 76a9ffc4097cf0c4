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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A unit's features: name -> value (1.0 for presence).
Features = dict[str, float]


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

    def _logits(self, features: Features) -> list[float]:
        logits = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, weight in enumerate(row):
                    logits[k] += weight * value
        return logits

    def probability(self, features: Features) -> float:
        """P(positive) of a binary decision."""
        logit = self._logits(features)[0]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def positive(self, features: Features) -> bool:
        """Whether a binary decision is positive at its tuned threshold."""
        return self.probability(features) >= self.threshold

    def classify(self, features: Features) -> tuple[str, float]:
        """The most probable class of a multiclass decision and its probability."""
        logits = self._logits(features)
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        best = max(range(len(exps)), key=exps.__getitem__)
        return self.classes[best], exps[best] / sum(exps)

    def explain(self, features: Features, cls: str | None = None, k: int = 3) -> list[str]:
        """The ``k`` present features that pushed most towards ``cls`` (binary: the positive)."""
        column = 0 if self.binary or cls is None else self.classes.index(cls)
        scored = [
            (row[column] * value, name)
            for name, value in features.items()
            if (row := self.weights.get(name)) is not None
        ]
        return [name for weight, name in sorted(scored, reverse=True)[:k] if weight > 0]


@dataclass(frozen=True)
class AnalysisModel:
    """Every learned decision plus what it was trained on (its identity for the cache key)."""

    decisions: dict[str, Decision]
    identity: dict[str, Any]

    def __getitem__(self, name: str) -> Decision:
        return self.decisions[name]


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
    decisions = {name: read_decision(name, item) for name, item in raw["decisions"].items()}
    return AnalysisModel(decisions, dict(raw["identity"]))


_CACHE: dict[Path, AnalysisModel] = {}
_LOCK = threading.Lock()


def load_model(path: Path) -> AnalysisModel:
    """The model at ``path``, read once per process."""
    with _LOCK:
        if path not in _CACHE:
            _CACHE[path] = read_model(path)
        return _CACHE[path]
