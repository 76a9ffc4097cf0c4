"""How often each cue phrase of the analysis lexicon fires on the tune sentences.

A phrase that fires on one sentence only was probably written for that sentence: it is a
symptom of overfitting, not a rule of Dutch. ``bench/analysis_quality.py --cue-report``
prints, per pattern list, every phrase with its hit count on the tune part (the guide-labelled
tune conversations, the project's dev set) and the TTS sample, plus the totals the analysis
issue asks for: phrases, phrases that fire on nothing, on exactly one sentence, and on
sample sentences only. The test part is never read here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.analysis.context import AnalysisContext
from pipeline.analysis.labelled import LabelledConversation
from pipeline.analysis.runner import rule_findings
from pipeline.nlp.patterns import PatternSet
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# A pattern key is one the detectors read with ``context.match``/``patterns``; the rest are word sets.
KEY_IN_CODE = re.compile(r"""(?:match|patterns)\(\s*"([a-z_]+\.[a-z_]+)\"""")


def pattern_keys() -> list[str]:
    """Every lexicon key that the analysis code reads as a pattern list."""
    keys: set[str] = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        keys.update(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    return sorted(keys)


def _node(data: dict[str, Any], key: str) -> list[str]:
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return list(node)


def cue_report(items: list[LabelledConversation], settings: Settings) -> str:
    """The markdown report over ``items`` (tune sets and the sample)."""
    context = AnalysisContext.from_settings(settings)
    lexicon_path = settings.resolve(settings.analysis.lexicons.analysis)
    data = yaml.safe_load(lexicon_path.read_text(encoding="utf-8"))
    markers = context.words("words.discourse_markers")
    sentences = []
    for item in items:
        _, views, _, _ = rule_findings(item.conversation, context)
        sentences.extend((item.name, view) for view in views)
    lines = ["| Key | Phrase | Hits | Only hit / sample-only |", "|---|---|---|---|"]
    totals = {"phrases": 0, "none": 0, "one": 0, "sample_only": 0}
    for key in pattern_keys():
        for phrase in _node(data, key):
            compiled = PatternSet.build(key, [phrase], markers)
            hits = [
                (name, view)
                for name, view in sentences
                if compiled.search(view.string, view.form_set, view.lemma_set)
            ]
            totals["phrases"] += 1
            note = ""
            if not hits:
                totals["none"] += 1
            elif all(name == "gesprek_tts" for name, _ in hits):
                totals["sample_only"] += 1
                note = "sample only"
            if len(hits) == 1:
                totals["one"] += 1
                note = f"{hits[0][0]}: {hits[0][1].sentence.text[:70]}"
            lines.append(f"| {key} | `{phrase}` | {len(hits)} | {note} |")
    summary = (
        f"{totals['phrases']} phrases over {len(sentences)} sentences: {totals['none']} fire on nothing, "
        f"{totals['one']} on exactly one sentence, {totals['sample_only']} on sample sentences only."
    )
    return summary + "\n\n" + "\n".join(lines)
