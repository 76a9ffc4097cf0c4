"""Turn-level scoring of the analysis against labelled conversations, honestly split.

The annotation guide labels turns, so every set is scored per turn: a turn is positive for
a label when the analysis put at least one matching event in it. The labelled sets are
split once, by conversation, into *tune* and *test* (``tests/data/analysis_split.json``,
with the sha256 of every test file); the test part is scored, never read while writing
rules, and :func:`load_split` refuses to run when a test file changed.

Each set is also scored on ASR-like variants of its text (:mod:`pipeline.analysis.asr_noise`):
``noq`` (every "?" removed) and ``asr`` (lowercased, no "?", ~10% near-homophones).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.analysis.asr_noise import asr_like, without_question_marks
from pipeline.analysis.labelled import THEME_OF_TURN_LABEL, TURN_LABELS, LabelledConversation, load_labelled
from pipeline.fsutil import file_sha256
from pipeline.settings import Settings
from pipeline.types import Analysis, Conversation, Event

VARIANTS = ("written", "noq", "asr")
# Guide-labelled conversations written after the split was frozen: tune only, by construction.
EXTRA_DIR = "conversations_extra"
ASR_NOISE_RATE = 0.1
FOCUS_OF_LABEL = {"bel": "feeling", "feit": "fact"}


class SplitError(RuntimeError):
    """The frozen split does not match the files on disk."""


@dataclass(frozen=True)
class Split:
    """The frozen tune/test split of the labelled conversations."""

    test: tuple[Path, ...]
    tune: tuple[Path, ...]  # guide-format tune conversations (incl. conversations_extra/)
    tune_dev: tuple[Path, ...]  # the project's own (sentence-labelled) dev set, tune only


def load_split(split_file: Path, conversations_dir: Path, dev_dir: Path) -> Split:
    """The split, after checking that every test file still has its frozen hash."""
    data = json.loads(split_file.read_text(encoding="utf-8"))
    test = tuple(conversations_dir / name for name in data["test"])
    for path, digest in zip(test, data["test"].values(), strict=True):
        if not path.is_file() or file_sha256(path) != digest:
            raise SplitError(f"{path}: test file missing or changed since the split was frozen")
    overlap = set(data["test"]) & set(data["tune"])
    if overlap:
        raise SplitError(f"{split_file}: in both tune and test: {sorted(overlap)}")
    extra = tuple(sorted((conversations_dir.parent / EXTRA_DIR).glob("*.json")))
    return Split(
        test=test,
        tune=tuple(conversations_dir / name for name in data["tune"]) + extra,
        tune_dev=tuple(dev_dir / name for name in data["tune_dev"]),
    )


def rules_only(settings: Settings) -> Settings:
    """The settings with the learned decisions off: the rules alone (training and comparison)."""
    learned = settings.analysis.learned.model_copy(update={"enabled": False})
    return settings.model_copy(update={"analysis": settings.analysis.model_copy(update={"learned": learned})})


def load_items(paths: Iterable[Path]) -> list[LabelledConversation]:
    """Labelled conversations from files in either format."""
    return [load_labelled(path) for path in paths]


def _retext(conversation: Conversation, change: Callable[[str], str]) -> Conversation:
    """A copy of the conversation with every turn and sentence text changed."""
    turns = []
    for turn in conversation.turns:
        sentences = [s.model_copy(update={"text": change(s.text)}) for s in turn.sentences]
        turns.append(turn.model_copy(update={"text": change(turn.text), "sentences": sentences}))
    return conversation.model_copy(update={"turns": turns})


def variant(item: LabelledConversation, name: str, seed: int = 0) -> LabelledConversation:
    """The item with its text as written, without "?", or ASR-like (labels unchanged)."""
    if name == "written":
        return item
    if name == "noq":
        change: Callable[[str], str] = without_question_marks
    elif name == "asr":
        rng = random.Random(f"{seed}:{item.name}")
        change = lambda text: asr_like(text, rng, ASR_NOISE_RATE)  # noqa: E731
    else:
        raise ValueError(f"unknown variant {name!r}; choose from {VARIANTS}")
    return LabelledConversation(
        item.name,
        _retext(item.conversation, change),
        item.labels,
        item.tags,
        item.moments,
        item.turn_labels,
        item.turn_questions,
    )


TYPE_TO_LABEL = {event_type: label for label, event_type in THEME_OF_TURN_LABEL.items()}


def event_labels(event: Event) -> list[str]:
    """The guide's turn labels that one event implies."""
    if event.type == "question":
        labels = ["q"]
        if event.form:
            labels.append(event.form)
        labels += [label for label, focus in FOCUS_OF_LABEL.items() if event.focus == focus]
        if event.self_answered:
            labels.append("self")
        if event.stacked:
            labels.append("stack")
        return labels
    return [TYPE_TO_LABEL[event.type]] if event.type in TYPE_TO_LABEL else []


def predicted_turn_labels(analysis: Analysis, conversation: Conversation) -> list[dict[str, int]]:
    """Per turn, the guide's labels as the analysis events imply them."""
    position = {turn.index: i for i, turn in enumerate(conversation.turns)}
    out: list[dict[str, int]] = [dict.fromkeys(TURN_LABELS, 0) for _ in conversation.turns]
    for event in analysis.events:
        if event.turn_index in position:
            for label in event_labels(event):
                out[position[event.turn_index]][label] = 1
    return out


@dataclass
class Score:
    """Counts for one binary label, with the errors for error analysis (tune sets only)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, where, text)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: bool, predicted: bool, where: str, text: str) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.errors.append(("FP", where, text))
        elif gold:
            self.fn += 1
            self.errors.append(("FN", where, text))


@dataclass
class TurnReport:
    """All turn-level scores over a set of conversations."""

    scores: dict[str, Score]
    form_correct: int = 0
    form_total: int = 0
    turns: int = 0

    @property
    def form_accuracy(self) -> float:
        return self.form_correct / self.form_total if self.form_total else 1.0


def score_items(
    items: list[LabelledConversation],
    analyse_fn: Callable[[Conversation], Analysis],
    variant_name: str = "written",
    seed: int = 0,
) -> TurnReport:
    """Run the analysis on every item (in the given variant) and score it per turn."""
    report = TurnReport(scores={label: Score() for label in TURN_LABELS})
    for original in items:
        item = variant(original, variant_name, seed)
        conversation = item.conversation
        predicted = predicted_turn_labels(analyse_fn(conversation), conversation)
        for turn, gold, pred in zip(conversation.turns, item.turn_labels, predicted, strict=True):
            add_turn(report, gold, pred, f"{item.name}@{turn.index} {turn.role[:2]}", turn.text)
    return report


def add_turn(
    report: TurnReport, gold: dict[str, int | None], pred: dict[str, int], where: str, text: str
) -> None:
    """Count one gold turn against the labels predicted for it (``null`` labels are not scored)."""
    for label, value in gold.items():
        if value is not None:
            report.scores[label].add(bool(value), bool(pred[label]), where, text[:160])
    report.turns += 1
    if gold.get("q") == 1 and gold.get("open") is not None and gold.get("closed") is not None:
        report.form_total += 1
        right = (pred["open"], pred["closed"]) == (gold["open"], gold["closed"])
        report.form_correct += int(right)
        if not right:
            report.scores.setdefault("form", Score()).errors.append(
                (f"{gold['open']}{gold['closed']}->{pred['open']}{pred['closed']}", where, text)
            )


def summary_row(report: TurnReport) -> dict[str, Any]:
    """The headline figures of a report: F1 per label plus open/closed accuracy."""
    row: dict[str, Any] = {
        label: round(score.f1, 3) for label, score in report.scores.items() if label != "form"
    }
    row["open/closed acc"] = round(report.form_accuracy, 3)
    return row


def precision_recall(report: TurnReport) -> dict[str, tuple[float, float]]:
    """Precision and recall per label (where F1 alone hides which side is weak)."""
    return {label: (s.precision, s.recall) for label, s in report.scores.items() if label != "form"}


# Guide turn labels that mark a moment worth a fragment (the sample's moments of interest).
MOMENT_LABELS = ("self", "stack", "summ", "agenda", "fb", "emotion", "resistance")


def labelled_moments(item: LabelledConversation) -> list[tuple[float, float, str]]:
    """(start, end, label) of every turn positive for a moment label."""
    return [
        (turn.start, turn.end, label)
        for turn, gold in zip(item.conversation.turns, item.turn_labels, strict=True)
        for label in MOMENT_LABELS
        if gold.get(label) == 1
    ]


def moment_coverage(
    items: list[LabelledConversation], fragments_of: Callable[[Conversation], list[Any]]
) -> tuple[int, int]:
    """(covered, total) labelled moments; covered when half of it lies inside one fragment."""
    covered = total = 0
    for item in items:
        fragments = fragments_of(item.conversation)
        for start, end, _ in labelled_moments(item):
            total += 1
            half = 0.5 * max(end - start, 1e-6)
            covered += any(min(f.end, end) - max(f.start, start) >= half for f in fragments)
    return covered, total
