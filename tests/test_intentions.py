"""Intentions per klantmanager: CLI, metric matching, the metric history and its ordering."""

from __future__ import annotations

import json
import multiprocessing
import stat
from datetime import date
from pathlib import Path

import pytest
from sheet_helpers import tts_case

from kijkwijzer.cli import main
from pipeline.errors import KijkwijzerError
from pipeline.intentions import (
    METRIC_KEYS,
    intention_metrics,
    load_history,
    load_intentions,
    load_metric_catalog,
    record_metrics,
    set_intentions,
)
from pipeline.settings import Settings, load_settings

KM = "A. de Vries"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def run_cli(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Meer open vragen stellen", "open_question_share"),
        ("Eén vraag tegelijk stellen", "stacked_questions"),
        ("Niet zelf het antwoord invullen", "self_answered_questions"),
        ("Vaker naar gevoel en beleving vragen", "feeling_question_share"),
        ("De cliënt meer laten praten", "talk_share"),
        ("Samenvatten wat de cliënt zegt", "summaries"),
        ("Aan het begin samen een agenda maken", "agenda_at_start"),
        ("Aan het eind om feedback vragen", "feedback_asked"),
    ],
)
def test_intention_text_maps_to_its_metric(text: str, metric: str, settings: Settings) -> None:
    assert load_metric_catalog(settings).match(text) == metric


def test_cli_set_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(
        "intentions", "set", "--klantmanager", KM, "--root", str(tmp_path), "--on", "2026-10-01",
        "Meer open vragen stellen", "summaries=Vaker kort herhalen wat ik hoor",
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "open_question_share" in out and "summaries" in out
    stored = json.loads((tmp_path / "intentions" / "a-de-vries" / "intentions.json").read_text())
    assert stored["sets"][0]["set_on"] == "2026-10-01"
    assert [i["metric"] for i in stored["sets"][0]["intentions"]] == ["open_question_share", "summaries"]
    assert stored["sets"][0]["intentions"][1]["text"] == "Vaker kort herhalen wat ik hoor"
    assert run_cli("intentions", "list", "--klantmanager", KM, "--root", str(tmp_path)) == 0
    assert "Meer open vragen stellen" in capsys.readouterr().out
    for path in (tmp_path / "intentions").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_cli_unknown_intention_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli("intentions", "set", "--klantmanager", KM, "--root", str(tmp_path), "Stiltes laten vallen")
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "METRIC=tekst" in err


def test_sets_are_kept_and_the_one_current_on_a_date_wins(tmp_path: Path, settings: Settings) -> None:
    set_intentions(tmp_path, KM, ["Meer open vragen stellen"], settings, date(2026, 9, 1))
    set_intentions(tmp_path, KM, ["Eén vraag tegelijk stellen"], settings, date(2026, 10, 1))
    assert [i.metric for i in load_intentions(tmp_path, KM, settings)] == ["stacked_questions"]
    assert [i.metric for i in load_intentions(tmp_path, KM, settings, on=date(2026, 9, 15))] == [
        "open_question_share"
    ]
    assert load_intentions(tmp_path, KM, settings, on=date(2026, 8, 1)) == []


def test_metrics_of_the_sample(settings: Settings) -> None:
    _, conversation, analysis = tts_case()
    values = intention_metrics(analysis, conversation, settings)
    assert set(values) == set(METRIC_KEYS)
    assert values["agenda_at_start"] is True and values["feedback_asked"] is True
    questions = [e for e in analysis.events if e.type == "question" and e.speaker_role == "klantmanager"]
    assert values["self_answered_questions"] == sum(1 for q in questions if q.self_answered)
    stacked_turns = {q.turn_index for q in questions if q.stacked}
    assert values["stacked_questions"] == len(stacked_turns)
    assert values["summaries"] == sum(1 for e in analysis.events if e.type == "summary")
    assert 0.4 < values["open_question_share"] < 0.8 and 0.5 < values["talk_share"] < 0.7
    # the sheet and metrics.csv must tell the same story where the analysis reports the same thing
    reported = analysis.metrics.get("questions", {}).get("klantmanager", {})
    if reported.get("open_share") is not None:
        assert values["open_question_share"] == pytest.approx(reported["open_share"], abs=1e-3)
    talk = analysis.metrics.get("roles", {}).get("klantmanager", {})
    if talk.get("talk_share") is not None:
        assert values["talk_share"] == pytest.approx(talk["talk_share"], abs=1e-3)


def test_history_holds_earlier_recordings_only(tmp_path: Path, settings: Settings) -> None:
    set_intentions(tmp_path, KM, ["Meer open vragen stellen"], settings, date(2026, 9, 1))
    for recording, day, share in (("r2", 20, 0.5), ("r1", 10, 0.4), ("r3", 20, 0.6), ("r4", 30, 0.7)):
        record_metrics(
            tmp_path, KM, recording, date(2026, 10, day), {"open_question_share": share}, 1200, settings
        )
    history = load_history(tmp_path, KM, settings, recording_id="r3", recorded_on=date(2026, 10, 20))
    assert [r.recording_id for r in history.records] == ["r1", "r2"]
    assert history.intentions[0].metric == "open_question_share"
    # reprocessing replaces the recording's own record
    record_metrics(tmp_path, KM, "r1", date(2026, 10, 10), {"open_question_share": 0.45}, 1200, settings)
    history = load_history(tmp_path, KM, settings, recording_id="new", recorded_on=date(2026, 12, 1))
    assert [r.recording_id for r in history.records] == ["r1", "r2", "r3", "r4"]
    assert history.records[0].values["open_question_share"] == 0.45


def _record(root: str, index: int) -> None:
    record_metrics(
        Path(root), KM, f"rec{index}", date(2026, 10, 1), {"summaries": index}, 600, load_settings(environ={})
    )


def test_concurrent_recording_keeps_every_record(tmp_path: Path, settings: Settings) -> None:
    """Workers finishing recordings of one klantmanager at once must not lose each other's records."""
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        pool.starmap(_record, [(str(tmp_path), i) for i in range(16)])
    history = load_history(tmp_path, KM, settings)
    assert sorted(r.recording_id for r in history.records) == sorted(f"rec{i}" for i in range(16))


def test_corrupt_store_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "intentions" / "a-de-vries"
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("{not json")
    with pytest.raises(KijkwijzerError, match=r"metrics\.json: unreadable"):
        load_history(tmp_path, KM, settings)
