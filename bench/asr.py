"""Benchmark: raw faster-whisper vs ``kijkwijzer transcribe`` on the same file, in one run.

Both run as child processes so each gets its own peak RSS (``wait4`` rusage)
and both pay the model load. Reported: audio duration, wall time, real-time
factor (wall / audio), peak RSS, and the ratio kijkwijzer / raw. Ratios, not
absolute times, are what stay comparable across machines.

    .venv/bin/python bench/asr.py sample_media/gesprek_tts.flac sample_media/real_dev_dialogue.flac
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAW_SCRIPT = """
import sys
from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio
from pipeline.settings import load_settings
from pipeline.transcribe import resolve_model
settings = load_settings()
asr = settings.asr
model = WhisperModel(str(resolve_model(settings).path), device=asr.device, compute_type=asr.compute_type)
audio = decode_audio(sys.argv[1], sampling_rate=16000)
segments, _ = BatchedInferencePipeline(model=model).transcribe(
    audio, language=asr.language, beam_size=asr.beam_size, batch_size=asr.batch_size,
    word_timestamps=True, vad_filter=True, without_timestamps=not asr.batched_timestamps)
print(sum(len(s.words) for s in segments))
"""


def _run(command: list[str]) -> tuple[float, float]:
    """Run a child to completion; return (wall seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {child.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def _duration(path: Path) -> float:
    from pipeline.audio import load_audio

    return load_audio(path).duration_s


def main() -> None:
    """Print a markdown table per file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="+", type=Path)
    args = parser.parse_args()
    kijkwijzer = Path(sys.executable).with_name("kijkwijzer")
    print("| file | audio s | tool | wall s | RTF | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for media in args.media:
        duration = _duration(media)
        raw_wall, raw_rss = _run([sys.executable, "-c", RAW_SCRIPT, str(media)])
        with tempfile.TemporaryDirectory() as out:
            kw_wall, kw_rss = _run([str(kijkwijzer), "transcribe", str(media), "--out", out])
        for tool, wall, rss in (("faster-whisper", raw_wall, raw_rss), ("kijkwijzer", kw_wall, kw_rss)):
            print(
                f"| {media.name} | {duration:.1f} | {tool} | {wall:.1f} | {wall / duration:.3f} | {rss:.0f} |"
            )
        print(
            f"| {media.name} | | ratio kijkwijzer/raw | {kw_wall / raw_wall:.2f} | | {kw_rss / raw_rss:.2f} |"
        )


if __name__ == "__main__":
    main()
