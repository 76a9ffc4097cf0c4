"""The learned decisions' syntactic features and the model's feature-version guard.

Run on the real shipped spaCy pipeline (models/nl_kijkwijzer_sm) and the real model file.
The probe sentences are written for these tests, not taken from the labelled sets.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.analysis.context import AnalysisContext, SentenceView, build_views
from pipeline.analysis.evaluation import rules_only
from pipeline.analysis.learned.features import syntax_features
from pipeline.analysis.learned.linear import FEATURE_VERSION, ModelMissingError, read_model
from pipeline.analysis.learned.units import build_units
from pipeline.analysis.runner import rule_findings
from pipeline.settings import load_settings
from pipeline.types import Conversation, Sentence, Turn


@pytest.fixture(scope="module")
def context() -> AnalysisContext:
    return AnalysisContext.from_settings(rules_only(load_settings(environ={})))


def view_of(context: AnalysisContext, text: str) -> SentenceView:
    sentence = Sentence(
        index=0, turn_index=0, start=0.0, end=2.0, text=text, speaker="a", role="klantmanager"
    )
    turn = Turn(
        index=0,
        speaker="a",
        role="klantmanager",
        label="a",
        start=0.0,
        end=2.0,
        text=text,
        sentences=[sentence],
    )
    return build_views(Conversation(duration_s=2.0, speakers=[], turns=[turn]), context)[0]


def test_word_order_shows_in_the_pos_ngrams_without_a_question_mark(context: AnalysisContext) -> None:
    yes_no = syntax_features(view_of(context, "Heb je de loonstrook van maart al ingeleverd"))
    wh = syntax_features(view_of(context, "Wat heeft de werkgever daarover gezegd"))
    statement = syntax_features(view_of(context, "Je hebt de loonstrook van maart al ingeleverd"))
    assert any(name.startswith("p:<s>_") and name.endswith(".Fin") for name in yes_no)
    assert "p:<s>_PRON.Int" in wh
    assert not any(name.startswith("p:<s>_") and name.endswith(".Fin") for name in statement)
    assert statement.keys() != yes_no.keys()


def test_only_the_sentence_units_carry_the_syntax_features(context: AnalysisContext) -> None:
    """Question, focus and self-answered read word order; the turn-level themes do not."""
    texts = ["Heb je de brief van de gemeente gekregen", "Nee, die is nog niet binnen."]
    sentences = [
        Sentence(index=i, turn_index=i, start=2.0 * i, end=2.0 * i + 2, text=t, speaker=s, role=r)
        for i, (t, s, r) in enumerate(zip(texts, ["a", "b"], ["klantmanager", "client"], strict=True))
    ]
    turns = [
        Turn(
            index=i,
            speaker=x.speaker,
            role=x.role,
            label=x.speaker,
            start=x.start,
            end=x.end,
            text=x.text,
            sentences=[x],
        )
        for i, x in enumerate(sentences)
    ]
    conversation, views, grouped, found = rule_findings(
        Conversation(duration_s=4.0, speakers=[], turns=turns), context
    )
    units = build_units(conversation, views, grouped, found, context)
    assert syntax_features(views[0]).items() <= units.sentences[0].items()
    assert not any(name.startswith(("p:", "p3:", "plast:")) for turn in units.turns for name in turn)


def test_a_model_built_on_other_features_is_refused(tmp_path: Path) -> None:
    stale = tmp_path / "model.json.gz"
    identity = {"settings": {"feature_version": FEATURE_VERSION - 1}, "sha256": "x"}
    with gzip.open(stale, "wt", encoding="utf-8") as handle:
        json.dump({"identity": identity, "decisions": {}}, handle)
    with pytest.raises(ModelMissingError, match="make analysis-model"):
        read_model(stale)
