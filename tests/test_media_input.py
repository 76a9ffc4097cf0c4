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


def test_decoding_fills_one_buffer_that_grows_when_the_duration_was_wrong() -> None:
    from pipeline.audio.decode import _SampleBuffer

    frames = [np.full(n, n, np.float32) for n in (1152, 4000, 7, 4096, 1)]
    for capacity in (1, 9256, sum(f.size for f in frames)):  # far too small, exact, exact
        buffer = _SampleBuffer(capacity)
        for frame in frames:
            buffer.append(frame)
        assert np.array_equal(buffer.samples(), np.concatenate(frames))


def test_decoding_a_long_file_keeps_only_the_samples_resident(tmp_path: Path) -> None:
    """The frames of a long file must not stay behind in the allocator (they were 230 MB an hour)."""
    path = write_media(tmp_path / "long.flac", np.tile(speech_snippet(2.0), 600))  # 20 minutes
    script = (
        "import sys\n"
        "from pipeline.audio import load_audio\n"
        "def rss(field):\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field))\n"
        "before = rss('VmRSS')\n"
        "audio = load_audio(sys.argv[1])\n"
        "print(audio.samples.nbytes // 1024, rss('VmRSS') - before, rss('VmHWM') - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    samples_kib, resident_kib, peak_kib = map(int, done.stdout.split())
    assert samples_kib > 70_000  # 20 minutes at 16 kHz, float32
    assert resident_kib < 1.25 * samples_kib and peak_kib < 1.25 * samples_kib


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
