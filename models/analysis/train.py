"""Train the analysis' learned decisions on the tune part of the labelled conversations.

    .venv/bin/python models/analysis/train.py        # or: make analysis-model

Reads the frozen split (``tests/data/analysis_split.json``) and trains on its **tune** part
only (the guide-labelled tune conversations plus the project's own dev set); the test part is
never read. Every conversation is used as written and in the ASR-like variants (no "?";
lowercased + no "?" + ~10% near-homophones), the same augmentations the scores use.

For each decision it picks the regularisation and the decision threshold by grouped 5-fold
cross-validation (folds by conversation), then fits on all of tune and writes
``models/analysis/kijkwijzer_analysis.json.gz``: the weights, the thresholds, the settings,
the cross-validated F1 and the sha256 of the training files, so a retrain is reproducible.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.analysis.context import AnalysisContext, SentenceView  # noqa: E402
from pipeline.analysis.evaluation import load_items, load_split, variant  # noqa: E402
from pipeline.analysis.labelled import THEME_OF_TURN_LABEL, LabelledConversation  # noqa: E402
from pipeline.analysis.learned.units import THEMES, build_units  # noqa: E402
from pipeline.analysis.runner import rule_findings  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

DATA = ROOT / "tests" / "data"
OUT = ROOT / "models" / "analysis" / "kijkwijzer_analysis.json.gz"
SETTINGS = {
    "variants": [["written", 0], ["noq", 0], ["asr", 1], ["asr", 2]],
    "c_grid": [0.1, 0.3, 1.0],
    "thresholds": [round(t, 2) for t in np.arange(0.2, 0.81, 0.05)],
    "folds": 5,
    "min_weight": 1e-3,
    "feature_version": 1,
}
LABEL_OF_THEME = {theme: label for label, theme in THEME_OF_TURN_LABEL.items()}
WORD = re.compile(r"\w+")
FOCUS_CLASSES = ("feeling", "fact", "other")


@dataclass
class Dataset:
    """Feature dicts, labels and conversation groups of one decision."""

    features: list[dict[str, float]] = field(default_factory=list)
    labels: list[Any] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def add(self, features: dict[str, float], label: Any, group: str) -> None:
        self.features.append(features)
        self.labels.append(label)
        self.groups.append(group)


def _question_ranges(item: LabelledConversation) -> list[list[tuple[int, int, dict[str, Any]]]]:
    """Per turn, the word-index range of each gold question in the written turn text."""
    out = []
    for turn, questions in zip(item.conversation.turns, item.turn_questions, strict=True):
        text, cursor, ranges = turn.text, 0, []
        lowered = text.lower()
        for question in questions:
            at = lowered.find(question["text"].lower().strip(), cursor)
            if at < 0:
                at = lowered.find(question["text"].lower().strip())
            if at < 0:
                continue
            end = at + len(question["text"].strip())
            first = len(WORD.findall(text[:at]))
            ranges.append((first, first + len(WORD.findall(text[at:end])), question))
            cursor = end
        out.append(ranges)
    return out


def _view_ranges(group: list[SentenceView]) -> list[tuple[int, int]]:
    """The word-index range of each sentence in its turn (noise keeps the word count)."""
    out, cursor = [], 0
    for view in group:
        count = len(WORD.findall(view.sentence.text))
        out.append((cursor, cursor + count))
        cursor += count
    return out


def _gold_question(
    span: tuple[int, int], ranges: list[tuple[int, int, dict[str, Any]]]
) -> dict[str, Any] | None:
    """The gold question that this sentence covers at least half of, if any."""
    for first, last, question in ranges:
        size = max(1, last - first)
        if min(span[1], last) - max(span[0], first) >= 0.5 * size:
            return question
    return None


def collect(items: list[LabelledConversation], context: AnalysisContext) -> dict[str, Dataset]:
    """Training units of every decision from every tune conversation and variant."""
    data = {name: Dataset() for name in ("question", "focus", "self_answered", *THEMES)}
    for original in items:
        gold_ranges = _question_ranges(original)
        for variant_name, seed in SETTINGS["variants"]:
            item = variant(original, variant_name, seed)
            conversation, views, grouped, found = rule_findings(item.conversation, context)
            units = build_units(conversation, views, grouped, found, context)
            for turn_position, group in enumerate(grouped):
                turn = conversation.turns[turn_position]
                gold = item.turn_labels[turn_position]
                for name, role in THEMES.items():
                    value = gold.get(LABEL_OF_THEME[name])
                    if turn.role == role and group and value is not None:
                        data[name].add(units.turns[turn_position], int(value), item.name)
                if turn.role != "klantmanager":
                    continue
                golds = [_gold_question(span, gold_ranges[turn_position]) for span in _view_ranges(group)]
                for view, question in zip(group, golds, strict=True):
                    if view.words and not view.qmark:
                        data["question"].add(
                            units.sentences[view.position], int(question is not None), item.name
                        )
                    if question is not None and question.get("focus") in FOCUS_CLASSES:
                        data["focus"].add(units.sentences[view.position], question["focus"], item.name)
                _self_units(data["self_answered"], item, group, golds, units, gold.get("self"))
    return data


def _self_units(
    dataset: Dataset,
    item: LabelledConversation,
    group: list[SentenceView],
    golds: list[dict[str, Any] | None],
    units: Any,
    turn_self: int | None,
) -> None:
    """Questions followed by a sentence in the turn, labelled self-answered or not.

    Sentence-labelled sets say which question; for turn labels, a positive turn with several
    candidates is used only when exactly one question is followed by a statement.
    """
    candidates = [i for i in range(len(group) - 1) if golds[i] is not None]
    if not candidates or turn_self is None:
        return
    if item.labels:  # sentence-labelled: the label says which question
        for i in candidates:
            label = item.labels[group[i].sentence.index].get("self_answered")
            dataset.add(units.sentences[group[i].position], int(bool(label)), item.name)
        return
    if not turn_self:
        for i in candidates:
            dataset.add(units.sentences[group[i].position], 0, item.name)
        return
    answered = [i for i in candidates if golds[i + 1] is None]
    if len(answered) == 1:
        for i in candidates:
            dataset.add(units.sentences[group[i].position], int(i == answered[0]), item.name)


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    tp = int(np.sum(gold & predicted))
    fp = int(np.sum(~gold & predicted))
    fn = int(np.sum(gold & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _fit(matrix: Any, labels: np.ndarray, c: float, binary: bool) -> LogisticRegression:
    model = LogisticRegression(
        C=c, class_weight="balanced", max_iter=2000, solver="liblinear" if binary else "lbfgs"
    )
    return model.fit(matrix, labels)


def train_decision(name: str, dataset: Dataset) -> dict[str, Any]:
    """Choose C and threshold by grouped CV, fit on everything, return the stored decision."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(dataset.features).tocsr()
    matrix.indices = matrix.indices.astype(np.int32)  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype(np.int32)
    binary = name != "focus"
    labels = np.array(dataset.labels)
    groups = np.array(dataset.groups)
    folds = list(GroupKFold(n_splits=SETTINGS["folds"]).split(matrix, labels, groups))
    best: tuple[float, float, float] = (-1.0, 0.0, 0.5)  # (cv score, C, threshold)
    for c in SETTINGS["c_grid"]:
        if binary:
            probabilities = np.zeros(len(labels))
            for train, held in folds:
                probabilities[held] = _fit(matrix[train], labels[train], c, True).predict_proba(matrix[held])[
                    :, 1
                ]
            for threshold in SETTINGS["thresholds"]:
                score = _f1(labels.astype(bool), probabilities >= threshold)
                if score > best[0]:
                    best = (score, c, threshold)
        else:
            predicted = np.empty(len(labels), dtype=object)
            for train, held in folds:
                predicted[held] = _fit(matrix[train], labels[train], c, False).predict(matrix[held])
            score = float(np.mean([_f1(labels == cls, predicted == cls) for cls in FOCUS_CLASSES]))
            if score > best[0]:
                best = (score, c, 0.5)
    score, c, threshold = best
    model = _fit(matrix, labels, c, binary)
    names = vectorizer.get_feature_names_out()
    coef = model.coef_  # (1, n) for binary, (k, n) for multiclass
    keep = np.max(np.abs(coef), axis=0) >= SETTINGS["min_weight"]
    weights = {str(names[j]): [round(float(v), 4) for v in coef[:, j]] for j in np.flatnonzero(keep)}
    print(
        f"{name:18s} units {len(labels):6d}  positives {int(np.sum(labels == 1)) if binary else '-':>5}  "
        f"C {c:<4}  threshold {threshold:.2f}  CV {'F1' if binary else 'macro-F1'} {score:.3f}  "
        f"features {len(weights)}",
        flush=True,
    )
    return {
        "classes": [str(cls) for cls in model.classes_] if not binary else ["no", "yes"],
        "bias": [round(float(v), 4) for v in model.intercept_],
        "weights": weights,
        "threshold": threshold,
        "cv": {"score": round(score, 4), "metric": "f1" if binary else "macro_f1", "C": c},
        "units": len(labels),
    }


def training_files() -> list[Path]:
    """The tune part of the frozen split: the only files training reads."""
    split = load_split(DATA / "analysis_split.json", DATA / "conversations", DATA / "analysis_dev")
    return [*split.tune, *split.tune_dev]


def data_hash(files: list[Path]) -> str:
    """sha256 over the training files' names and bytes (the model's recorded identity)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def main() -> int:
    files = training_files()
    settings = load_settings(environ={})
    rules_only = settings.model_copy(
        update={
            "analysis": settings.analysis.model_copy(
                update={"learned": settings.analysis.learned.model_copy(update={"enabled": False})}
            )
        }
    )
    context = AnalysisContext.from_settings(rules_only)
    data = collect(load_items(files), context)
    decisions = {name: train_decision(name, dataset) for name, dataset in data.items()}
    identity = {
        "training_data_sha256": data_hash(files),
        "training_files": [path.name for path in files],
        "settings": SETTINGS,
        "sklearn": sklearn.__version__,
        "nlp": context.nlp.name,
    }
    identity["sha256"] = hashlib.sha256(
        json.dumps([identity, decisions], sort_keys=True).encode()
    ).hexdigest()
    payload = json.dumps({"identity": identity, "decisions": decisions}, sort_keys=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as handle:
        handle.write(payload.encode("utf-8"))
    tmp.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
