"""Media decoding: every common container decodes; every bad file is a one-line error, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mediafactory import FORMATS, REAL_CLIP, speech_snippet, truncated_copy, write_media

from pipeline.audio import SAMPLE_RATE, load_audio
from pipeline.errors import MediaError

KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")


@pytest.fixture(scope="module")
def snippet() -> np.ndarray:
    return speech_snippet(2.0)


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_every_common_container_decodes_to_16k_mono_float32(
    tmp_path: Path, snippet: np.ndarray, suffix: str
) -> None:
    path = write_media(tmp_path / f"clip.{suffix}", snippet)
    audio = load_audio(path)
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    # AAC adds encoder priming and pads to whole frames: up to ~0.15 s at 16 kHz.
    assert audio.duration_s == pytest.approx(2.0, abs=0.15)
    assert audio.has_video == (FORMATS[suffix][2] is not None)
    # The content survives: correlation with the source on the common length.
    n = min(len(snippet), len(audio.samples)) - 4000
    if suffix in {"wav", "flac"}:
        assert np.corrcoef(snippet[:n], audio.samples[:n])[0, 1] > 0.99


def _bad_files(tmp_path: Path, snippet: np.ndarray) -> dict[str, tuple[Path, str]]:
    good_mp4 = write_media(tmp_path / "good.mp4", snippet)
    html = tmp_path / "page.mp4"
    html.write_text("<!doctype html><html><body>not a video</body></html>")
    text = tmp_path / "notes.mp3"
    text.write_text("dit is geen geluid\n" * 20)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    return {
        "no audio stream": (
            write_media(tmp_path / "silent_video.mp4", None, video=True),
            "has no audio stream",
        ),
        "truncated flac": (truncated_copy(REAL_CLIP, tmp_path / "cut.flac"), "truncated"),
        "truncated mp4": (truncated_copy(good_mp4, tmp_path / "cut.mp4"), "corrupt"),
        "empty file": (empty, "file is empty"),
        "html as mp4": (html, "not a readable media file"),
        "text as mp3": (text, "not a readable media file"),
    }


def test_bad_inputs_raise_media_error_naming_file(tmp_path: Path, snippet: np.ndarray) -> None:
    for case, (path, problem) in _bad_files(tmp_path, snippet).items():
        with pytest.raises(MediaError) as caught:
            load_audio(path)
        message = str(caught.value)
        assert str(path) in message and problem in message, case
        assert "\n" not in message, case


def test_cli_bad_inputs_exit_2_with_one_line(tmp_path: Path, snippet: np.ndarray) -> None:
    for case, (path, problem) in _bad_files(tmp_path, snippet).items():
        result = subprocess.run(
            [str(KIJKWIJZER), "transcribe", str(path), "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, (case, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (case, result.stderr)
        assert str(path) in lines[0] and problem in lines[0], case
        assert "Traceback" not in result.stderr


def test_cli_debug_shows_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = subprocess.run(
        [str(KIJKWIJZER), "--debug", "transcribe", str(empty), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_cli_bad_config_exits_2_naming_key(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("asr:\n  beem_size: 2\n")
    wav = write_media(tmp_path / "a.wav", speech_snippet(1.0))
    result = subprocess.run(
        [str(KIJKWIJZER), "--config", str(config), "transcribe", str(wav), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "asr.beem_size" in result.stderr and len(result.stderr.strip().splitlines()) == 1
