"""Turn-level F1 of every analysis detector on the frozen tune and test parts, as written and ASR-like.

Runs the real analysis (default settings) on the labelled conversations of
``tests/data/analysis_split.json`` and prints one markdown table: a column per set and
variant (``written``, ``noq`` = every "?" removed, ``asr`` = lowercased, no "?", ~10%
near-homophones). The test part is only ever scored: ``--errors`` (error analysis) refuses it.

    .venv/bin/python bench/analysis_quality.py [--sets tune,test] [--variants written,noq,asr]
    .venv/bin/python bench/analysis_quality.py --sets tune --errors summ
    .venv/bin/python bench/analysis_quality.py --cue-report      # hits of every lexicon phrase
    .venv/bin/python bench/analysis_quality.py --fragments --sets tune [--rules-only]
    .venv/bin/python bench/analysis_quality.py --fragments-why --sets tune [--rules-only]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.analysis import analyse  # noqa: E402
from pipeline.analysis.context import AnalysisContext  # noqa: E402
from pipeline.analysis.evaluation import (  # noqa: E402
    MOMENT_LABELS,
    VARIANTS,
    TurnReport,
    labelled_moments,
    load_items,
    load_split,
    moment_coverage,
    predicted_turn_labels,
    rules_only,
    score_items,
    summary_row,
)
from pipeline.analysis.labelled import LabelledConversation  # noqa: E402
from pipeline.analysis.sentences import ensure_sentences  # noqa: E402
from pipeline.fragments import select_fragments  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402
from pipeline.types import Conversation, Fragment  # noqa: E402

DATA = ROOT / "tests" / "data"
SPLIT_FILE = DATA / "analysis_split.json"
CONVERSATIONS_DIR = DATA / "conversations"
DEV_DIR = DATA / "analysis_dev"
SAMPLE = ROOT / "sample_media" / "gesprek_tts.json"
GOALS = {  # the goals on the test part: (as written, without "?")
    "q": (0.95, 0.92),
    "open/closed acc": (0.92, 0.88),
    "bel": (0.85, 0.80),
    "feit": (0.85, 0.80),
    "self": (0.80, 0.75),
    "summ": (0.80, 0.75),
    "stack": (0.90, 0.85),
    "agenda": (0.80, 0.80),
    "goal": (0.80, 0.80),
    "meta": (0.80, 0.80),
    "fb": (0.80, 0.80),
    "emotion": (0.80, 0.80),
    "resistance": (0.80, 0.80),
    "advice": (0.75, 0.75),
}
TUNE_SETS = ("tune", "tune_guide", "dev", "sample")


def load_set(name: str) -> list[LabelledConversation]:
    """A named set: ``tune`` (guide tune part + dev set), ``tune_guide``, ``dev``, ``test``, ``sample``."""
    split = load_split(SPLIT_FILE, CONVERSATIONS_DIR, DEV_DIR)
    paths = {
        "test": split.test,
        "tune_guide": split.tune,
        "dev": split.tune_dev,
        "tune": split.tune + split.tune_dev,
        "sample": (SAMPLE,),
    }[name]
    return load_items(paths)


def reports(sets: list[str], variants: list[str], settings: Settings) -> dict[tuple[str, str], TurnReport]:
    """Score every set in every variant."""
    out = {}
    for set_name in sets:
        items = load_set(set_name)
        for variant_name in variants:
            out[(set_name, variant_name)] = score_items(
                items, lambda conversation: analyse(conversation, settings), variant_name
            )
    return out


def fragment_coverage(items: list[LabelledConversation], settings: Settings) -> tuple[int, int]:
    """How many labelled moments the fragments chosen from the real analysis cover."""

    context = AnalysisContext.from_settings(settings)

    def fragments_of(conversation: Conversation) -> list[Fragment]:
        conversation = ensure_sentences(conversation, context)
        return select_fragments(analyse(conversation, settings), conversation, settings)

    return moment_coverage(items, fragments_of)


LOSS_CAUSES = ("covered", "not detected", "not chosen", "boundary")


def fragment_losses(
    items: list[LabelledConversation], settings: Settings
) -> tuple[dict[str, dict[str, int]], list[tuple[str, float, float, float, int]]]:
    """Where coverage of the labelled moments is lost, per moment label.

    Every labelled moment (see ``labelled_moments``) is either covered (half of its turn in one
    fragment, the metric's rule), or lost because (a) the analysis raised no event of that label
    in its turn (*not detected*), (b) it was detected but no fragment touches its turn (*not
    chosen*: the budget or the greedy choice), or (c) a fragment touches the turn but holds less
    than half of it (*boundary*). Also returned per conversation: its name, length, the share of
    it the labelled turns fill, the share the fragments fill, and the number of fragments, so
    one sees when the budget alone rules the goal out.
    """
    context = AnalysisContext.from_settings(settings)
    counts = {label: dict.fromkeys(LOSS_CAUSES, 0) for label in MOMENT_LABELS}
    per_conversation = []
    for item in items:
        conversation = ensure_sentences(item.conversation, context)
        analysis = analyse(conversation, settings)
        fragments = select_fragments(analysis, conversation, settings)
        predicted = predicted_turn_labels(analysis, conversation)
        detected = {
            (turn.start, turn.end, label)
            for turn, labels in zip(conversation.turns, predicted, strict=True)
            for label in MOMENT_LABELS
            if labels.get(label)
        }
        moments = labelled_moments(item)
        for start, end, label in moments:
            overlaps = [min(f.end, end) - max(f.start, start) for f in fragments]
            if any(overlap >= 0.5 * max(end - start, 1e-6) for overlap in overlaps):
                cause = "covered"
            elif (start, end, label) not in detected:
                cause = "not detected"
            elif not any(overlap > 0 for overlap in overlaps):
                cause = "not chosen"
            else:
                cause = "boundary"
            counts[label][cause] += 1
        duration = max(conversation.duration_s, 1e-6)
        turns = {(start, end) for start, end, _ in moments}
        per_conversation.append(
            (
                item.name,
                duration,
                _union_length(turns) / duration,
                _union_length({(f.start, f.end) for f in fragments}) / duration,
                len(fragments),
            )
        )
    return counts, per_conversation


def _union_length(spans: set[tuple[float, float]]) -> float:
    """Seconds covered by the union of the spans."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def losses_table(counts: dict[str, dict[str, int]]) -> str:
    """One row per moment label: how many are covered and why the rest are not."""
    lines = ["| Label | " + " | ".join(LOSS_CAUSES) + " | total |", "|---" * (len(LOSS_CAUSES) + 2) + "|"]
    for label, row in [*counts.items(), ("all", _column_sums(counts))]:
        cells = " | ".join(str(row[cause]) for cause in LOSS_CAUSES)
        lines.append(f"| {label} | {cells} | {sum(row.values())} |")
    return "\n".join(lines)


def _column_sums(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    return {cause: sum(row[cause] for row in counts.values()) for cause in LOSS_CAUSES}


def markdown_table(results: dict[tuple[str, str], TurnReport]) -> str:
    """One row per label, one column per set and variant, and the goals on test."""
    columns = list(results)
    rows = {key: summary_row(report) for key, report in results.items()}
    labels = list(next(iter(rows.values())))
    header = "| Label | " + " | ".join(f"{s} {v}" for s, v in columns) + " | Goal (written / no ?) |"
    lines = [header, "|---" * (len(columns) + 2) + "|"]
    for label in labels:
        goal = GOALS.get(label)
        cells = " | ".join(f"{rows[key][label]:.3f}" for key in columns)
        lines.append(f"| {label} | {cells} | {f'{goal[0]:.2f} / {goal[1]:.2f}' if goal else ''} |")
    turns = " | ".join(str(results[key].turns) for key in columns)
    lines.append(f"| (turns) | {turns} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table, the errors of one label on tune sets, or the cue report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sets", default="tune,test")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--errors", default="", help="list the errors of this label (tune sets only)")
    parser.add_argument("--cue-report", action="store_true", help="hits of every lexicon phrase on tune")
    parser.add_argument("--rules-only", action="store_true", help="without the learned decisions")
    parser.add_argument(
        "--nlp",
        default="",
        help='the spaCy pipeline instead of analysis.nlp.model, e.g. "blank" (no tagger: the verb list)',
    )
    parser.add_argument("--fragments", action="store_true", help="fragment coverage of the labelled moments")
    parser.add_argument(
        "--fragments-why", action="store_true", help="where fragment coverage is lost (tune sets only)"
    )
    parser.add_argument(
        "--min-tag-confidence", type=float, help="instead of analysis.nlp.min_tag_confidence (a trial)"
    )
    args = parser.parse_args(argv)
    settings = load_settings(environ={})
    if args.nlp or args.min_tag_confidence is not None:
        update: dict[str, object] = {"model": args.nlp} if args.nlp else {}
        if args.min_tag_confidence is not None:
            update["min_tag_confidence"] = args.min_tag_confidence
        nlp = settings.analysis.nlp.model_copy(update=update)
        settings = settings.model_copy(update={"analysis": settings.analysis.model_copy(update={"nlp": nlp})})
    if args.rules_only:
        settings = rules_only(settings)
    sets, variants = args.sets.split(","), args.variants.split(",")
    if args.cue_report:
        from cue_report import cue_report

        print(cue_report(load_set("tune") + load_set("sample"), settings))
        return 0
    if args.fragments_why:
        if any(s not in TUNE_SETS for s in sets):
            parser.error("--fragments-why reads moments: tune sets only (the test part is only scored)")
        for set_name in sets:
            counts, per_conversation = fragment_losses(load_set(set_name), settings)
            print(f"## {set_name}\n\n{losses_table(counts)}\n")
            print("| conversation | minutes | labelled turns' share | fragments' share | fragments |")
            print("|---|---|---|---|---|")
            for name, duration, moments, shown, count in per_conversation:
                print(f"| {name} | {duration / 60:.1f} | {moments:.2f} | {shown:.2f} | {count} |")
            print()
        return 0
    if args.fragments:
        for set_name in sets:
            covered, total = fragment_coverage(load_set(set_name), settings)
            print(
                f"{set_name}: fragments cover {covered}/{total} labelled moments "
                f"({covered / max(total, 1):.2f})"
            )
        return 0
    if args.errors and any(s not in TUNE_SETS for s in sets):
        parser.error("--errors reads errors: only tune sets (the test part is scored, never read)")
    results = reports(sets, variants, settings)
    print(markdown_table(results))
    if args.errors:
        for (set_name, variant_name), report in results.items():
            print(f"\n## {set_name} {variant_name}: {args.errors}")
            for kind, where, text in report.scores[args.errors].errors:
                print(f"{kind:6s} {where:24s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
