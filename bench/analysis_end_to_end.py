"""Analysis quality end to end: ``kijkwijzer process`` on audio, scored per gold turn by time.

The sheet is built on ASR and diarisation output, not on clean text, so this runs the whole
pipeline on the sample recordings and scores the analysis events against the ground-truth
turns: an event belongs to the gold turn it overlaps most in time, and a gold turn is
positive for a label when its sentences carry it (the annotation guide's turn labels).

    .venv/bin/python bench/analysis_end_to_end.py                 # process both recordings
    .venv/bin/python bench/analysis_end_to_end.py --reuse DIR     # re-analyse DIR/<name>/transcript.json

``real_dev_dialogue`` has only question labels (its ground truth marks ``is_question``), so
only ``q`` is scored there. With ``--reuse`` the ASR and diarisation of an earlier run are
kept and only the analysis runs again (what a rule or model change affects).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.analysis import analyse  # noqa: E402
from pipeline.analysis.evaluation import Score, TurnReport, add_turn, event_labels, summary_row  # noqa: E402
from pipeline.analysis.labelled import TURN_LABELS, load_labelled  # noqa: E402
from pipeline.formats.transcript_reader import read_transcript  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.types import Analysis, Conversation  # noqa: E402

SAMPLES = {"gesprek_tts": "gesprek_tts.flac", "real_dev_dialogue": "real_dev_dialogue.flac"}
GOALS = {
    "q": 0.93,
    "bel": 0.80,
    "feit": 0.80,
    "summ": 0.70,
    "self": 0.70,
    "stack": 0.85,
    "open/closed acc": 0.85,
}


def gold_turns(name: str) -> tuple[list[tuple[float, float, str]], list[dict[str, int | None]]]:
    """(start, end, role) and guide labels of every gold turn of a sample recording."""
    path = ROOT / "sample_media" / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if "sentences" in data["utterances"][0]:
        item = load_labelled(path)
        spans = [(t.start, t.end, t.role) for t in item.conversation.turns]
        return spans, item.turn_labels
    spans, labels = [], []
    for utterance in data["utterances"]:
        role = utterance["speaker"]
        spans.append((utterance["start"], utterance["end"], role))
        labels.append({"q": int(utterance["is_question"])} if role == "klantmanager" else {})
    return spans, labels


def _owner(start: float, end: float, spans: list[tuple[float, float, str]]) -> int | None:
    best, best_overlap = None, 0.0
    for i, (s, e, _) in enumerate(spans):
        overlap = min(e, end) - max(s, start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def score(
    analysis: Analysis, conversation: Conversation, spans: list[tuple[float, float, str]], gold: list[dict]
) -> TurnReport:
    """Per gold turn: the labels of the events whose sentences fall in it (by time)."""
    sentences = {s.index: s for turn in conversation.turns for s in turn.sentences}
    per_gold: list[dict[str, int]] = [dict.fromkeys(TURN_LABELS, 0) for _ in spans]
    for event in analysis.events:
        sentence = sentences.get(event.sentence_index) if event.sentence_index is not None else None
        owner = _owner(sentence.start, sentence.end, spans) if sentence else None
        if owner is not None:
            for label in event_labels(event):
                per_gold[owner][label] = 1
    report = TurnReport(scores={label: Score() for label in TURN_LABELS})
    for (start, _, role), labels, pred in zip(spans, gold, per_gold, strict=True):
        add_turn(report, labels, pred, f"{role}@{start:.1f}", "")
    return report


def run_process(name: str, out: Path) -> Path:
    """``kijkwijzer process`` on the sample recording; returns its output folder."""
    media = ROOT / "sample_media" / SAMPLES[name]
    target = out / name
    command = [str(Path(sys.executable).parent / "kijkwijzer"), "process", str(media), "--out", str(target)]
    subprocess.run(command, check=True, cwd=ROOT)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reuse", type=Path, help="folder with <name>/transcript.json from an earlier run")
    parser.add_argument("--names", default=",".join(SAMPLES))
    parser.add_argument("--keep", type=Path, help="write the process outputs here (reuse them later)")
    args = parser.parse_args(argv)
    settings = load_settings(environ={})
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names.split(","):
            folder = args.reuse / name if args.reuse else run_process(name, args.keep or Path(tmp))
            conversation = read_transcript(folder / "transcript.json", settings.analysis)
            analysis = analyse(conversation, settings)
            spans, gold = gold_turns(name)
            report = score(analysis, conversation, spans, gold)
            scored = {label for label, s in report.scores.items() if s.tp + s.fn + s.fp}
            row = summary_row(report)
            rows[name] = {
                k: v for k, v in row.items() if k in scored or (k == "open/closed acc" and report.form_total)
            }
    labels = list(dict.fromkeys(label for row in rows.values() for label in row))
    print("| Label | " + " | ".join(rows) + " | Goal |")
    print("|---" * (len(rows) + 2) + "|")
    for label in labels:
        cells = " | ".join(f"{row[label]:.3f}" if label in row else "" for row in rows.values())
        goal = GOALS.get(label)
        print(f"| {label} | {cells} | {f'≥ {goal:.2f}' if goal else ''} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
