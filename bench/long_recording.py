"""Benchmark: a long recording (60 minutes by default) through ``kijkwijzer process``.

Builds a two-role conversation of the requested length from the TTS and real-speech
samples (``tests/long_conversation.py``: blocks of consecutive turns, realistic gaps, some
overlaps), then, in one run and each in its own child process:

- raw faster-whisper on the same file, same model and decoding settings (``bench/asr.py``);
- ``kijkwijzer process`` on it: every stage, the sheet included.

Reported: wall time of both and their ratio (goal: pipeline <= 1.15 x raw), the real-time
factor per stage (stage seconds / audio seconds; transcribe and diarize run side by side),
peak RSS of both (goal <= 2.5 GB), the disk the archive needs (original + stage cache +
outputs, goal <= 1.5 x the original) and the numbers of turns and fragments. With ``--scale``
(default 3,6) the stages after ASR are also timed on the run's own results repeated 3 and 6
times (``scaling``), a check for steps that grow faster than the recording. A benchmark, not
a test: on a shared machine the absolute times measure the load; the ratio is what compares.

    .venv/bin/python bench/long_recording.py [--minutes 60] [--keep DIR] [--scale 3,6]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")
STAGE_LINE = re.compile(r"\b(\w+) +done in ([\d.]+) s")  # progress bars share the lines (\r)
sys.path[:0] = [str(PROJECT / "tests"), str(PROJECT / "bench")]


def run_child(command: list[str], log: Path) -> tuple[float, float]:
    """Run a child to completion, stderr to ``log``; return (wall seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    with open(log, "wb") as errors:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, cwd=PROJECT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {log.read_text(errors='replace')[-1500:]}")
    return wall, usage.ru_maxrss / 1024


def disk_bytes(*folders: Path) -> int:
    """Bytes on disk (allocated blocks) of every file under ``folders``, links not followed."""
    total = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_blocks * 512
    return total


def scaling(workspace: Path, factors: list[int]) -> None:
    """Time the stages after ASR on the run's own results laid end to end ``factors`` times.

    A check for steps that grow faster than the recording (align, analysis, fragments,
    sheet) at lengths whose ASR would take too long on a shared machine: the transcript and
    the speaker segments are repeated with shifted times, the other stages run for real.
    """
    from pipeline.settings import load_settings
    from pipeline.stages.jobs import RecordingJob
    from pipeline.stages.plan import BY_NAME
    from pipeline.stages.spec import StageInput

    cache = next(workspace.glob("cache/rec-*"))
    job = RecordingJob.model_validate_json((cache / "job.json").read_bytes())
    settings = load_settings()

    def stored(stage: str) -> Any:
        folder = next(p for p in cache.glob(f"{stage}-*") if p.is_dir())
        return BY_NAME[stage].result.validate_json((folder / "result.json").read_bytes())

    transcript, diarization, roles = stored("transcribe"), stored("diarize"), stored("roles")
    length = transcript.duration_s

    def shifted(item: Any, by: float, **extra: Any) -> Any:
        return item.model_copy(update={"start": item.start + by, "end": item.end + by, **extra})

    print("\n| length | words | align s | analysis s | fragments s | sheet s |\n|---|---|---|---|---|---|")
    for run, factor in enumerate([1, 1, *factors]):  # run 0 loads spaCy and the templates: not shown
        offsets = [index * length for index in range(factor)]
        segments = [
            shifted(seg, by, words=[shifted(word, by) for word in seg.words])
            for by in offsets
            for seg in transcript.segments
        ]
        results: dict[str, Any] = {
            "transcribe": transcript.model_copy(update={"segments": segments, "duration_s": length * factor}),
            "diarize": diarization.model_copy(
                update={"segments": [shifted(seg, by) for by in offsets for seg in diarization.segments]}
            ),
            "roles": roles,
        }
        times = []
        for stage in ("align", "analysis", "fragments", "sheet"):
            with tempfile.TemporaryDirectory() as out:
                began = time.perf_counter()
                results[stage] = BY_NAME[stage].compute(
                    StageInput(job, settings, results, Path(out), lambda done, total: None)
                )
                times.append(time.perf_counter() - began)
        words = sum(len(seg.words) for seg in segments)
        row = " | ".join(f"{seconds:.2f}" for seconds in times)
        if run:
            print(f"| {length * factor / 60:.0f} min | {words} | {row} |")


def main() -> None:
    """Print the figures as a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--keep", type=Path, help="Keep the media and outputs in this folder.")
    parser.add_argument(
        "--scale", default="3,6", help="Also time the stages after ASR on the results repeated N times."
    )
    args = parser.parse_args()
    from asr import RAW_SCRIPT
    from long_conversation import build, write_consent

    work = args.keep or Path(tempfile.mkdtemp(prefix="kijkwijzer-long-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    built = build(work / "lang-gesprek.flac", args.minutes)
    write_consent(built.path)
    print(f"built {built.duration_s / 60:.1f} min, {len(built.turns)} turns, {built.overlaps} overlaps "
          f"in {time.perf_counter() - began:.0f} s: {built.path}", file=sys.stderr)  # fmt: skip
    raw_wall, raw_rss = run_child([sys.executable, "-c", RAW_SCRIPT, str(built.path)], work / "raw.log")
    out = work / "uit"
    kw_wall, kw_rss = run_child(
        [str(KIJKWIJZER), "process", str(built.path), "--out", str(out)], work / "process.log"
    )
    log = (work / "process.log").read_text(errors="replace")
    stages = {stage: float(seconds) for stage, seconds in STAGE_LINE.findall(log)}
    transcript = json.loads((out / "transcript.json").read_text(encoding="utf-8"))
    fragments = json.loads((out / "fragments.json").read_text(encoding="utf-8"))
    media_bytes = built.path.stat().st_blocks * 512
    derived = disk_bytes(out, work / ".kijkwijzer" / "cache")
    duration = built.duration_s
    print(f"| figure | value | goal |\n|---|---|---|\n| audio | {duration / 60:.1f} min | |")
    print(f"| raw faster-whisper wall | {raw_wall:.0f} s (RTF {raw_wall / duration:.3f}) | |")
    print(f"| kijkwijzer process wall | {kw_wall:.0f} s (RTF {kw_wall / duration:.3f}) | |")
    print(f"| ratio pipeline / raw | {kw_wall / raw_wall:.2f} | <= 1.15 |")
    for stage, seconds in stages.items():
        print(f"| stage {stage} | {seconds:.1f} s (RTF {seconds / duration:.4f}) | |")
    print(f"| peak RSS raw / pipeline | {raw_rss:.0f} / {kw_rss:.0f} MiB | pipeline <= 2560 MiB |")
    print(f"| original media | {media_bytes / 2**20:.1f} MiB | |")
    print(f"| derived data (cache + outputs) | {derived / 2**20:.1f} MiB | |")
    print(f"| archive / original | {(media_bytes + derived) / media_bytes:.2f} | <= 1.5 |")
    print(f"| turns placed / found | {len(built.turns)} / {len(transcript.get('turns', []))} | |")
    print(f"| fragments | {len(fragments)} | |")
    if args.scale:
        scaling(work / ".kijkwijzer", [int(n) for n in args.scale.split(",")])


if __name__ == "__main__":
    main()
