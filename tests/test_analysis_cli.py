"""``kijkwijzer analyse`` end to end on a hand-corrected WebVTT and on transcript.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kijkwijzer.cli import main
from pipeline.analysis.labelled import load_labelled

ROOT = Path(__file__).resolve().parents[1]

VTT = """WEBVTT

00:00:00.500 --> 00:00:05.000
<v klantmanager>Goedemorgen, fijn dat je er bent. Het doel van vandaag is dat we samen een plan maken.

00:00:05.800 --> 00:00:07.000
<v klantmanager>Hoe gaat het met je? Heb je goed geslapen?

00:00:08.000 --> 00:00:11.000
<v cliënt>Niet echt. Ik ben bang dat ik mijn huis kwijtraak.

00:00:12.000 --> 00:00:15.000
<v klantmanager>Dat klinkt alsof je je grote zorgen maakt.
"""


def run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_analyse_webvtt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "gecorrigeerd.vtt"
    source.write_text(VTT, encoding="utf-8")
    assert run(["analyse", str(source), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [
        "analysis.json",
        "events.csv",
        "metrics.csv",
        "metrics.parquet",
    ]
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    kinds = {event["type"] for event in analysis["events"]}
    assert {"goal", "question", "emotion", "summary"} <= kinds
    stacked = [e for e in analysis["events"] if e["type"] == "question" and e["stacked"]]
    assert len(stacked) == 2
    assert analysis["metrics"]["roles"]["client"]["turns"] == 1


def test_analyse_transcript_json(tmp_path: Path) -> None:
    conversation = load_labelled(ROOT / "tests" / "data" / "analysis_dev" / "conv_02.json").conversation
    source = tmp_path / "transcript.json"
    source.write_text(conversation.model_dump_json(), encoding="utf-8")
    assert run(["analyse", str(source), "--out", str(tmp_path / "out")]) == 0
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["metrics"]["questions"]["klantmanager"]["total"] >= 10


def test_bad_transcript_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "transcript.json"
    source.write_text(
        '{"model": {"name": "x", "sha256": "y"}, "duration_s": 1, "segments": []}', encoding="utf-8"
    )
    assert run(["analyse", str(source), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "ASR-only transcript" in err
    assert not (tmp_path / "out").exists()
