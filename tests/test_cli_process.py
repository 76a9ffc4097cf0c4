"""``kijkwijzer process MEDIA --out DIR``: the consent gate, every output, and the stage cache.

The slow tests run the real pipeline (ASR, diarisation, roles, alignment, analysis,
fragments, sheet with PDF) on a short video clip cut from the TTS sample, as separate
processes like a researcher would; the refusals never reach Prefect and are fast.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from orchestration_helpers import cli, clip, consent
from pydantic import BaseModel

from pipeline.settings import load_settings

OUTPUTS = {
    "transcript.json", "transcript.vtt", "transcript.srt", "transcript.eaf", "diarization.rttm",
    "analysis.json", "events.csv", "metrics.csv", "metrics.parquet",
    "sheet.html", "sheet.md", "sheet.pdf", "fragments.json",
}  # fmt: skip
STAGE_LINE = re.compile(r"^\s+(\w+)\s+(cached|done in [\d.]+ s|FAILED)$", re.MULTILINE)


def _stages(stderr: str) -> dict[str, str]:
    lines = stderr.replace("\r", "\n")  # progress bars redraw with carriage returns
    return {stage: "cached" if how == "cached" else "ran" for stage, how in STAGE_LINE.findall(lines)}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("process")
    media = clip(base / "media" / "gesprek.mp4", 2)  # a video with a two-voice audio track
    consent(media)
    began = time.monotonic()
    result = cli("process", str(media), "--out", str(base / "out"), config=None)
    return base, media, result, time.monotonic() - began


@pytest.mark.slow
def test_process_writes_every_output(first_run) -> None:
    base, _media, result, took = first_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = base / "out"
    assert {p.name for p in out.iterdir()} >= OUTPUTS
    assert set(_stages(result.stderr)) >= {"transcribe", "diarize", "roles", "align", "analysis", "sheet"}
    assert all(how == "ran" for how in _stages(result.stderr).values())
    for path in out.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
    assert "../media/gesprek.mp4" in (out / "sheet.html").read_text(encoding="utf-8")  # the player finds it
    print(f"first run: {took:.1f} s")


@pytest.mark.slow
def test_unchanged_rerun_does_nothing(first_run) -> None:
    base, media, _result, _took = first_run
    began = time.monotonic()
    again = cli("process", str(media), "--out", str(base / "out2"), config=None)
    took = time.monotonic() - began
    assert again.returncode == 0, again.stderr[-3000:]
    stages = _stages(again.stderr)
    assert stages and set(stages.values()) == {"cached"}, again.stderr
    assert {p.name for p in (base / "out2").iterdir()} >= OUTPUTS  # a new folder gets everything too
    print(f"all-cached re-run (Prefect and process start-up only): {took:.1f} s")


@pytest.mark.slow
def test_fully_cached_rerun_is_served_from_the_store(first_run) -> None:
    """Every stage stored: outputs identical, nothing recomputed, and no Prefect flow run."""
    base, media, _result, _took = first_run
    cache = base / ".kijkwijzer" / "cache"
    stored = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file() and p.name != "job.json"}
    again = cli("process", str(media), "--out", str(base / "out-stored"), config=None)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "every stage stored: no Prefect run" in again.stderr
    stages = _stages(again.stderr)
    assert set(stages) >= {"transcribe", "diarize", "roles", "align", "analysis", "sheet"}
    assert set(stages.values()) == {"cached"}, again.stderr
    now = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file() and p.name != "job.json"}
    assert now == stored  # no stage result written, replaced or removed
    for name in OUTPUTS:
        first, served = base / "out" / name, base / "out-stored" / name
        assert served.read_bytes() == first.read_bytes(), name
        assert served.stat().st_mode & 0o077 == 0, name


def _bumped_analysis(path: Path) -> Path:
    """A user config that changes one number of the analysis section (whichever comes first)."""

    def bump(section: BaseModel) -> dict | None:
        for name, value in section:
            if type(value) in (int, float):
                return {name: value + 1}
            if isinstance(value, BaseModel) and (inner := bump(value)) is not None:
                return {name: inner}
        return None

    change = bump(load_settings(environ={}).analysis)
    assert change is not None
    path.write_text(yaml.safe_dump({"analysis": change}))
    return path


@pytest.mark.slow
def test_analysis_change_reruns_only_analysis_and_later(first_run) -> None:
    base, media, _result, _took = first_run
    config = _bumped_analysis(base / "analysis-change.yaml")
    result = cli("process", str(media), "--out", str(base / "out3"), config=config)
    assert result.returncode == 0, result.stderr[-3000:]
    stages = _stages(result.stderr)
    for stage in ("transcribe", "diarize", "roles", "align"):
        assert stages[stage] == "cached", result.stderr
    assert stages["analysis"] == "ran", result.stderr


def test_refuses_without_consent(tmp_path: Path) -> None:
    media = clip(tmp_path / "gesprek.flac", 1)
    result = cli("process", str(media), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no consent sidecar" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda text: text.replace("analysis: true", "analysis: false"), "analysis is 'false'"),
        (lambda text: text.replace('form_reference: "TF-2026-0001"\n', ""), "missing field 'form_reference'"),
        (lambda text: "a: &x [1]\nb: *x\n", "anchors and aliases"),
    ],
)
def test_refuses_bad_consent(tmp_path: Path, edit, words: str) -> None:
    media = clip(tmp_path / "gesprek.flac", 1)
    sidecar = consent(media)
    sidecar.write_text(edit(sidecar.read_text()))
    result = cli("process", str(media), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_refuses_disguised_media_and_uses_the_consent_option(tmp_path: Path) -> None:
    fake = tmp_path / "video.mp4"
    fake.write_text("<!DOCTYPE html><html><script>alert(1)</script></html>")
    consent(fake)
    result = cli("process", str(fake), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "looks like html" in result.stderr, result.stderr
    media = clip(tmp_path / "gesprek.flac", 1)
    consent(media)  # a valid sidecar next to it, but --consent names another record
    other = consent(tmp_path / "elders.flac")
    other.write_text(other.read_text().replace("recording: true", "recording: false"))
    chosen = cli("process", str(media), "--out", str(tmp_path / "out"), "--consent", str(other))
    assert chosen.returncode == 2 and "recording is 'false'" in chosen.stderr, chosen.stderr
    assert not (tmp_path / "out").exists()
