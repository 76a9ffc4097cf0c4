"""Entity-level precision and recall of de-identification on a labelled sentence set.

The labelled sets in ``tests/data/deid/`` mark personal data inline as
``[[surface text|category]]``; everything else must be left alone. Scores are reported
lenient (a prediction counts when it overlaps a gold entity of the same category, the usual
choice for de-identification because a slightly longer span still hides the name), strict
(exact span and category), and as "masked" recall (the gold span is overlapped by any
prediction, whatever its category: what matters for privacy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

_MARK = re.compile(r"\[\[(?P<text>[^|\]]+)\|(?P<category>[a-z_]+)\]\]")


@dataclass(frozen=True)
class Span:
    """A labelled or predicted span of a sentence."""

    start: int
    end: int
    category: str

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class LabelledSentence:
    """A sentence with its gold personal-data spans."""

    text: str
    gold: tuple[Span, ...]


def parse_marked(line: str) -> LabelledSentence:
    """Turn ``Hoi [[Kees|person]]!`` into the plain text and its gold spans."""
    text, gold, position = [], [], 0
    for match in _MARK.finditer(line):
        text.append(line[position : match.start()])
        start = sum(len(part) for part in text)
        text.append(match["text"])
        gold.append(Span(start, start + len(match["text"]), match["category"]))
        position = match.end()
    text.append(line[position:])
    plain = "".join(text)
    if "[[" in plain or "]]" in plain:
        raise ValueError(f"malformed markup: {line!r}")
    return LabelledSentence(plain, tuple(gold))


def load_labelled(path: Path) -> list[LabelledSentence]:
    """Read a labelled set: one sentence a line; blank lines and ``#`` comments skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [parse_marked(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Counts:
    """Counts behind the precision and recall of one category (or of all together)."""

    predicted: int = 0
    predicted_correct: int = 0
    gold: int = 0
    gold_found: int = 0
    gold_masked: int = 0
    strict_correct: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that overlap a gold entity of the same category."""
        return self.predicted_correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of gold entities overlapped by a prediction of the same category."""
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def masked_recall(self) -> float:
        """Share of gold entities overlapped by any prediction."""
        return self.gold_masked / self.gold if self.gold else 1.0

    @property
    def strict_precision(self) -> float:
        """Share of predictions matching a gold entity exactly."""
        return self.strict_correct / self.predicted if self.predicted else 1.0

    @property
    def strict_recall(self) -> float:
        """Share of gold entities matched exactly."""
        return self.strict_correct / self.gold if self.gold else 1.0

    def f1(self) -> float:
        """Harmonic mean of lenient precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per category and overall, plus the errors for inspection."""

    by_category: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(default_factory=list)


def score(sentences: Iterable[LabelledSentence], predict: Callable[[str], Iterable[Span]]) -> Report:
    """Score ``predict`` (text -> spans) against the gold spans of ``sentences``."""
    report = Report()

    def counts(category: str) -> Counts:
        return report.by_category.setdefault(category, Counts())

    for sentence in sentences:
        predicted = list(predict(sentence.text))
        for span in predicted:
            correct = any(span.overlaps(g) and g.category == span.category for g in sentence.gold)
            exact = span in sentence.gold
            for bucket in (counts(span.category), report.overall):
                bucket.predicted += 1
                bucket.predicted_correct += correct
                bucket.strict_correct += exact
            if not correct:
                surface = sentence.text[span.start : span.end]
                report.false_positives.append((span.category, surface, sentence.text))
        for gold in sentence.gold:
            found = any(p.overlaps(gold) and p.category == gold.category for p in predicted)
            masked = any(p.overlaps(gold) for p in predicted)
            for bucket in (counts(gold.category), report.overall):
                bucket.gold += 1
                bucket.gold_found += found
                bucket.gold_masked += masked
            if not found:
                surface = sentence.text[gold.start : gold.end]
                report.misses.append((gold.category, surface, sentence.text))
    return report
