"""Detectors register themselves: a new one is one module plus its lexicon entry.

A toy detector registered here, with its lexicon entry in a copy of the shipped lexicon,
shows up in ``analysis.json`` and, given a fragment kind and its wording (configuration,
no code), on the prep sheet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline.analysis import analyse, write_analysis_files
from pipeline.analysis.context import AnalysisContext, SentenceView
from pipeline.analysis.labelled import load_labelled
from pipeline.analysis.registry import DETECTORS, SentenceDetector, register
from pipeline.fragments import select_fragments
from pipeline.report import write_sheet
from pipeline.settings import load_settings
from pipeline.settings.fragments import KindSettings

ROOT = Path(__file__).resolve().parents[1]
CONVERSATION = ROOT / "tests" / "data" / "analysis_dev" / "conv_03.json"


def detect_thanks(view: SentenceView, context: AnalysisContext) -> str | None:
    """Someone thanks the other ("Bedankt.", "Dank je wel")."""
    if view.role not in context.settings.themes.agenda_roles:  # every role
        return None
    return context.match("thanks.cues", view)


@pytest.fixture
def thanks():
    register(SentenceDetector("thanks", detect_thanks, "agenda_roles", ("thanks.cues",)))
    yield
    del DETECTORS["thanks"]


def test_a_registered_detector_reaches_analysis_json_and_the_sheet(thanks, tmp_path: Path) -> None:
    lexicon = yaml.safe_load((ROOT / "models" / "lexicons" / "nl_analysis.yaml").read_text(encoding="utf-8"))
    lexicon["thanks"] = {"cues": ["bedankt|dankjewel | dank je|u wel"]}  # the detector's lexicon entry
    (tmp_path / "lexicon.yaml").write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    themes = yaml.safe_load((ROOT / "config" / "themes.nl.yaml").read_text(encoding="utf-8"))
    themes["kinds"]["thanks"] = "een moment waarop iemand de ander bedankte"
    (tmp_path / "themes.yaml").write_text(yaml.safe_dump(themes, allow_unicode=True), encoding="utf-8")
    settings = load_settings(environ={})
    settings.analysis.lexicons.analysis = tmp_path / "lexicon.yaml"
    settings.fragments.themes_file = tmp_path / "themes.yaml"
    settings.fragments.kinds["thanks"] = KindSettings(theme="feedback", weight=9.0, tone="positive")
    settings.report.pdf = False

    conversation = load_labelled(CONVERSATION).conversation
    analysis = analyse(conversation, settings)
    write_analysis_files(analysis, tmp_path)
    stored = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    thanked = [event for event in stored["events"] if event["type"] == "thanks"]
    assert [event["text"] for event in thanked][:1] == ["Bedankt."]
    assert all(event["details"]["cue"] for event in thanked)

    fragments = select_fragments(analysis, conversation, settings)
    write_sheet(conversation, analysis, fragments, tmp_path, settings)
    sheet = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "een moment waarop iemand de ander bedankte" in sheet
