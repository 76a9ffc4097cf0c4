"""Precision, recall and F1 of every analysis detector on the labelled dev set.

Runs the real analysis (default settings, the fallback spaCy pipeline unless
nl_core_news_sm is installed) on tests/data/analysis_dev/conv_*.json and compares per
sentence. Question-level scores (stacked, self-answered, form, focus) are computed over all
gold questions, so a missed question counts against them too. Prints a markdown table.

    .venv/bin/python bench/analysis_quality.py [DIR] [--only conv_01,conv_02] [--errors LABEL]

``--errors LABEL`` also lists the false positives and negatives of one label, for error analysis.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.analysis import analyse  # noqa: E402
from pipeline.analysis.labelled import (  # noqa: E402
    BOOL_LABELS,
    LabelledConversation,
    load_labelled_dir,
    load_topic_labels,
)
from pipeline.settings import Settings, load_settings  # noqa: E402
from pipeline.types import Analysis  # noqa: E402

DEV_DIR = ROOT / "tests" / "data" / "analysis_dev"
GOALS = {
    "question": 0.95,
    "summary": 0.80,
    "self_answered": 0.80,
    "stacked": 0.90,
    "focus=feeling": 0.85,
    "focus=fact": 0.85,
}


@dataclass
class Score:
    """Counts for one binary detector."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, conv, text)

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


def predicted_labels(analysis: Analysis, n_sentences: int) -> list[dict[str, Any]]:
    """Per-sentence predicted labels from the analysis events."""
    out: list[dict[str, Any]] = [
        {**{label: False for label in BOOL_LABELS}, "form": None, "focus": None} for _ in range(n_sentences)
    ]
    for event in analysis.events:
        if event.type == "advice":
            for index in event.details["sentence_indices"]:
                out[index]["advice"] = True
            continue
        if event.sentence_index is None or event.type not in BOOL_LABELS:
            continue
        row = out[event.sentence_index]
        row[event.type] = True
        if event.type == "question":
            row.update(
                form=event.form,
                focus=event.focus,
                stacked=bool(event.stacked),
                self_answered=bool(event.self_answered),
            )
    return out


@dataclass
class Report:
    """All scores over a set of conversations."""

    scores: dict[str, Score]
    form_correct: int
    form_total: int

    @property
    def form_accuracy(self) -> float:
        return self.form_correct / self.form_total if self.form_total else 1.0


def _score_topics(score: Score, item: LabelledConversation, analysis: Analysis, gold: set[int]) -> None:
    """Per turn: labelled as a topic introduction, and reported as one (same turn only)."""
    found = {entry["turn_index"] for entry in analysis.metrics["topics"]["introductions"]}
    for turn in item.conversation.turns:
        where = f"{item.name}@turn{turn.index} {turn.role[:2]}"
        score.add(turn.index in gold, turn.index in found, where, turn.text[:120])


def evaluate(
    items: list[LabelledConversation], settings: Settings, topics: dict[str, set[int]] | None = None
) -> Report:
    """Score the analysis on labelled conversations (and topic introductions, when labelled)."""
    scores = {name: Score() for name in (*BOOL_LABELS, "focus=feeling", "focus=fact")}
    if topics:
        scores["topic_introduction"] = Score()
    form_correct = form_total = 0
    for item in items:
        analysis = analyse(item.conversation, settings)
        if topics:
            _score_topics(scores["topic_introduction"], item, analysis, topics.get(item.name, set()))
        predicted = predicted_labels(analysis, len(item.labels))
        sentences = item.conversation.sentences()
        for sentence, gold, pred in zip(sentences, item.labels, predicted, strict=True):
            where = f"{item.name}#{sentence.index} {sentence.role[:2]}"
            for label in BOOL_LABELS:
                scores[label].add(bool(gold.get(label)), bool(pred[label]), where, sentence.text)
            if gold.get("question"):
                for focus in ("feeling", "fact"):
                    scores[f"focus={focus}"].add(
                        gold.get("focus") == focus, pred["focus"] == focus, where, sentence.text
                    )
                form_total += 1
                form_correct += int(pred["form"] == gold.get("form"))
                if pred["form"] != gold.get("form"):
                    scores.setdefault("form", Score()).errors.append(
                        (f"{gold.get('form')}->{pred['form']}", where, sentence.text)
                    )
            elif pred["question"]:
                for focus in ("feeling", "fact"):
                    if pred["focus"] == focus:
                        scores[f"focus={focus}"].add(False, True, where, sentence.text)
    return Report(scores, form_correct, form_total)


def markdown_table(report: Report) -> str:
    """The scores as a markdown table (what the README shows)."""
    lines = [
        "| Detector | Precision | Recall | F1 | Goal |",
        "|---|---|---|---|---|",
    ]
    for name, score in report.scores.items():
        if name == "form":
            continue
        goal = GOALS.get(name)
        lines.append(
            f"| {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | "
            f"{'F1 ≥ ' + format(goal, '.2f') if goal else ''} |"
        )
    lines.append(
        f"| open/closed (accuracy on gold questions) | | | {report.form_accuracy:.3f} | accuracy ≥ 0.92 |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table; optionally the errors of one label."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEV_DIR)
    parser.add_argument("--only", default="", help="comma-separated conversation names")
    parser.add_argument("--exclude", default="", help="comma-separated conversation names")
    parser.add_argument("--errors", default="", help="list errors of this label (or 'form')")
    args = parser.parse_args(argv)
    items = load_labelled_dir(args.directory)
    if args.only:
        items = [i for i in items if i.name in args.only.split(",")]
    if args.exclude:
        items = [i for i in items if i.name not in args.exclude.split(",")]
    report = evaluate(items, load_settings(environ={}), load_topic_labels(args.directory))
    print(f"{len(items)} conversations, {sum(len(i.labels) for i in items)} sentences\n")
    print(markdown_table(report))
    if args.errors:
        print()
        for kind, where, text in report.scores.get(args.errors, Score()).errors:
            print(f"{kind:12s} {where:22s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
