"""Quality floors of the analysis on the frozen **test** part, per turn, as written and ASR-like.

The test part of ``tests/data/analysis_split.json`` was split off by conversation before any
rule or model was changed, and is never read while writing rules or training: these scores
are blind. The floors sit below the measured blind scores (README, "Analysis: measured") so a
change that makes a detector worse on unseen conversations fails here. Tune-set scores are
not floored: they say nothing about generalisation.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "models" / "analysis"))

from analysis_quality import CONVERSATIONS_DIR, DEV_DIR, SPLIT_FILE, load_set  # noqa: E402
from train import data_hash, training_files  # noqa: E402

from pipeline.analysis import analyse  # noqa: E402
from pipeline.analysis.asr_noise import WORD, asr_like  # noqa: E402
from pipeline.analysis.evaluation import VARIANTS, SplitError, TurnReport, load_split, score_items  # noqa: E402
from pipeline.analysis.learned.linear import load_model  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402

# Floors on the blind test part: (as written, no "?", ASR-like).
FLOORS: dict[str, tuple[float, float, float]] = {
    # 0.03 under the blind scores (rounded down) of the sixth retrain (joined wh-questions stack;
    # thresholds from the guide-written tune conversations or from all tune units, as nested CV
    # on the guide-written ones chose; README); goal has 5 positive turns in the test part, so
    # one turn moves it by ~0.1
    "q": (0.95, 0.91, 0.88),
    "bel": (0.81, 0.78, 0.75),
    "feit": (0.88, 0.78, 0.69),
    "self": (0.58, 0.55, 0.43),
    "stack": (0.91, 0.84, 0.49),
    "summ": (0.69, 0.67, 0.62),
    "agenda": (0.79, 0.77, 0.71),
    "goal": (0.43, 0.43, 0.47),
    "meta": (0.70, 0.71, 0.68),
    "fb": (0.91, 0.91, 0.85),
    "advice": (0.83, 0.84, 0.83),
    "emotion": (0.74, 0.73, 0.74),
    "resistance": (0.61, 0.62, 0.64),
}
FORM_FLOORS = (0.92, 0.81, 0.75)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def reports(settings: Settings) -> dict[str, TurnReport]:
    items = load_set("test")
    return {v: score_items(items, lambda c: analyse(c, settings), v) for v in VARIANTS}


@pytest.mark.parametrize("label", sorted(FLOORS))
@pytest.mark.parametrize("variant", VARIANTS)
def test_f1_floor_on_the_test_part(reports: dict[str, TurnReport], variant: str, label: str) -> None:
    floor = FLOORS[label][VARIANTS.index(variant)]
    f1 = reports[variant].scores[label].f1
    assert f1 >= floor, f"{label} ({variant}): F1 {f1:.3f} < {floor}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_open_closed_accuracy_floor_on_the_test_part(reports: dict[str, TurnReport], variant: str) -> None:
    floor = FORM_FLOORS[VARIANTS.index(variant)]
    assert reports[variant].form_accuracy >= floor


def test_the_split_is_frozen_and_checked(tmp_path: Path) -> None:
    split = load_split(SPLIT_FILE, CONVERSATIONS_DIR, DEV_DIR)
    assert len(split.test) == 10 and not {p.name for p in split.test} & {p.name for p in split.tune}
    copy = tmp_path / "conversations"
    shutil.copytree(CONVERSATIONS_DIR, copy)
    victim = copy / split.test[0].name
    data = json.loads(victim.read_text(encoding="utf-8"))
    data["turns"][0]["q"] = 1 - int(data["turns"][0].get("q") or 0)
    victim.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SplitError, match=victim.name):
        load_split(SPLIT_FILE, copy, DEV_DIR)


def test_the_shipped_model_was_trained_on_the_tune_part_only(settings: Settings) -> None:
    model = load_model(settings.resolve(settings.analysis.learned.model))
    files = training_files()
    test_names = {p.name for p in load_split(SPLIT_FILE, CONVERSATIONS_DIR, DEV_DIR).test}
    assert model.identity["training_files"] == [p.name for p in files]
    assert not test_names & set(model.identity["training_files"])
    assert model.identity["training_data_sha256"] == data_hash(files), "retrain: make analysis-model"


def test_asr_like_text_keeps_the_words_and_changes_about_a_tenth() -> None:
    text = " ".join(turn.text for item in load_set("tune_guide") for turn in item.conversation.turns[:3])
    noisy = asr_like(text, random.Random(3))
    assert "?" not in noisy and noisy == noisy.lower()
    before, after = WORD.findall(text.lower().replace("?", "")), WORD.findall(noisy)
    assert len(before) == len(after)
    changed = sum(a != b for a, b in zip(before, after, strict=True)) / len(before)
    assert 0.07 <= changed <= 0.11
    assert asr_like(text, random.Random(3)) == noisy


def test_a_model_decision_names_the_features_that_decided(settings: Settings) -> None:
    """Where the model adds a moment, its reason lists features, so the sheet can explain it."""
    reasons = [
        event.details.get("cue") or ""
        for item in load_set("tune_guide")[:6]
        for event in analyse(item.conversation, settings).events
    ]
    decided = [r for r in reasons if r.startswith("model: ")]
    assert decided, "no event came from the model on six conversations"
    assert all(len(r.split(": ", 1)[1].split(", ")) >= 1 for r in decided)
