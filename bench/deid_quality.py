"""De-identification quality: entity-level precision and recall per category and overall.

Usage::

    .venv/bin/python bench/deid_quality.py                 # dev and test splits
    .venv/bin/python bench/deid_quality.py --baseline      # deduce alone, no corrections
    .venv/bin/python bench/deid_quality.py --errors --json out.json

Splits (tests/data/deid/README.md): ``dev`` chose the configured lists; ``test`` was written
before any tuning but was later inspected while adding the proper-noun rule; ``holdout`` was
written after all tuning and is the honest number. ``--baseline`` switches off every correction
(allow/deny lists, edge words, patterns, the proper-noun rule) to show deduce alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline.privacy.detect import Detector
from pipeline.privacy.engine import get_deduce
from pipeline.privacy.evaluation import Counts, Report, Span, load_labelled, score
from pipeline.settings import PROJECT_ROOT, load_settings
from pipeline.settings.privacy import PrivacySettings

DATA = PROJECT_ROOT / "tests" / "data" / "deid"
SPLITS = ("dev", "test", "holdout")


def baseline_settings(settings: PrivacySettings) -> PrivacySettings:
    """The same tag mapping and categories, with every correction switched off."""
    return settings.model_copy(
        update={
            "allow": [],
            "allow_at_sentence_start": [],
            "person_edge_words": [],
            "deny": {},
            "patterns": {},
            "proper_nouns": settings.proper_nouns.model_copy(update={"enabled": False}),
        }
    )


def _row(name: str, c: Counts) -> str:
    return (
        f"{name:<12} {c.gold:>4} {c.predicted:>5} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1():>6.3f}"
        f" {c.masked_recall:>7.3f} {c.strict_precision:>6.3f} {c.strict_recall:>6.3f}"
    )


def print_report(split: str, report: Report, seconds: float, sentences: int, errors: bool) -> None:
    """A fixed-width table: lenient P/R/F1, masked recall, strict P/R."""
    print(f"\n== {split}: {sentences} sentences, {sentences / seconds:.0f} sentences/s")
    columns = ("gold", 4), ("pred", 5), ("P", 6), ("R", 6), ("F1", 6), ("masked", 7), ("sP", 6), ("sR", 6)
    print(f"{'category':<12} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for category in sorted(report.by_category):
        print(_row(category, report.by_category[category]))
    print(_row("OVERALL", report.overall))
    if errors:
        for category, surface, text in report.misses:
            print(f"  MISS {category:<11} {surface!r:<28} in {text!r}")
        for category, surface, text in report.false_positives:
            print(f"  FP   {category:<11} {surface!r:<28} in {text!r}")


def _as_dict(report: Report) -> dict[str, dict[str, float]]:
    def one(c: Counts) -> dict[str, float]:
        return {
            "gold": c.gold,
            "predicted": c.predicted,
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f1": round(c.f1(), 4),
            "masked_recall": round(c.masked_recall, 4),
            "strict_precision": round(c.strict_precision, 4),
            "strict_recall": round(c.strict_recall, 4),
        }

    return {"overall": one(report.overall)} | {k: one(v) for k, v in sorted(report.by_category.items())}


def main(argv: list[str] | None = None) -> int:
    """Score the labelled splits and print (and optionally save) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="deduce alone, no corrections")
    parser.add_argument("--errors", action="store_true", help="list misses and false positives")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--split", choices=SPLITS, action="append", help="default: both")
    args = parser.parse_args(argv)

    settings = load_settings().privacy
    if args.baseline:
        settings = baseline_settings(settings)
    started = time.perf_counter()
    get_deduce()
    print(f"deduce loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    detector = Detector(settings)

    def predict(text: str) -> list[Span]:
        return [Span(e.start, e.end, e.category) for e in detector.detect(text)]

    results = {}
    for split in args.split or SPLITS:
        sentences = load_labelled(DATA / f"{split}.txt")
        started = time.perf_counter()
        report = score(sentences, predict)
        seconds = time.perf_counter() - started
        print_report(split, report, seconds, len(sentences), args.errors)
        results[split] = _as_dict(report) | {"sentences_per_s": round(len(sentences) / seconds, 1)}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
