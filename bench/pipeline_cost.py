"""Benchmark: what ``kijkwijzer process`` costs next to raw faster-whisper, for one file, in one run.

Transcription is the floor of this pipeline; everything else should cost little on top.
In one run, each in its own child process (so each pays its own imports and model loads):

1. raw faster-whisper: same model and decoding settings (``bench/asr.py``), model load
   included;
2. ``kijkwijzer process`` with empty stage caches: wall, CPU (user + system, children
   included), peak RSS, and each stage's wall time as the command reports it
   (transcribe and diarize run side by side); what is left of the wall outside the
   stages' critical path is the fixed cost: Prefect start, flow and task bookkeeping,
   imports, model loads outside the stages;
3. the same command again, every stage cached (goal: <= 3 s);
4. every stage alone, one after the other in one process without Prefect, on the same
   file: wall and CPU seconds per stage (``--no-stages`` skips this second ASR pass).

The ratio process / raw is the figure of issue 16 (goals: 1.35 for the 3.5-minute real
clip, 1.30 for the 5-minute TTS sample, 1.15 for 60 minutes). On a shared machine the
absolute times measure the load; the ratios within one run are what compare.

    .venv/bin/python bench/pipeline_cost.py MEDIA [--no-stages] [--keep DIR]
    .venv/bin/python bench/pipeline_cost.py --minutes 60   # a built conversation of that length
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")
STAGE_LINE = re.compile(r"\b(\w+) +done in ([\d.]+) s")  # progress bars share the lines (\r)
SIDE_BY_SIDE = ("transcribe", "diarize")
sys.path[:0] = [str(PROJECT / "tests"), str(PROJECT / "bench")]

BENCH_CONSENT = """\
klantmanager: Bench Klantmanager
client: C-BENCH
recorded_on: 2026-11-20
consent:
  recording: true
  analysis: true
  research_use: false
retention_days: 30
form_reference: bench
"""


@dataclass
class Child:
    """One finished child process."""

    wall_s: float
    cpu_s: float
    rss_mib: float
    log: str


def run_child(command: list[str], log: Path) -> Child:
    """Run ``command`` to completion (stderr to ``log``) and measure it with ``wait4``."""
    started = time.perf_counter()
    with open(log, "wb") as errors:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, cwd=PROJECT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {text[-1500:]}")
    return Child(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def stages_alone(job_file: Path) -> None:
    """(child) Compute every stage once, in dependency order, without Prefect; print JSON timings."""
    began = time.perf_counter()
    from pipeline.settings import load_settings
    from pipeline.stages.jobs import RecordingJob
    from pipeline.stages.plan import STAGES
    from pipeline.stages.spec import StageInput

    job = RecordingJob.model_validate_json(job_file.read_bytes())
    settings = load_settings()
    timings = {"imports": {"wall_s": time.perf_counter() - began, "cpu_s": time.process_time()}}
    results: dict[str, object] = {}
    for spec in STAGES:
        if spec.when is not None and not spec.when(job):
            continue
        with tempfile.TemporaryDirectory() as work:
            wall, cpu = time.perf_counter(), time.process_time()
            stage_input = StageInput(job, settings, results, Path(work), lambda done, total: None)
            results[spec.name] = spec.compute(stage_input)
            timings[spec.name] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    print(json.dumps(timings), file=sys.stderr)  # the parent reads the child's stderr log


def _media_and_consent(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    if args.minutes:
        from long_conversation import build, write_consent

        built = build(work / "lang-gesprek.flac", args.minutes)
        write_consent(built.path)
        return built.path, built.path.with_name(built.path.name + ".consent.yaml")
    sidecar = args.media.with_name(args.media.name + ".consent.yaml")
    if sidecar.is_file():
        return args.media, sidecar
    own = work / "bench.consent.yaml"
    own.write_text(BENCH_CONSENT, encoding="utf-8")
    return args.media, own


def main() -> None:
    """Print the figures as markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", type=Path)
    parser.add_argument("--minutes", type=float, help="build a conversation of this length instead")
    parser.add_argument("--no-stages", action="store_true", help="skip the stages-alone pass (4)")
    parser.add_argument("--keep", type=Path, help="keep the outputs and logs in this folder")
    parser.add_argument("--stages-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages_child:
        stages_alone(args.stages_child)
        return
    if (args.media is None) == (args.minutes is None):
        parser.error("give MEDIA or --minutes")
    from asr import RAW_SCRIPT

    from pipeline.audio import load_audio

    work = args.keep or Path(tempfile.mkdtemp(prefix="kijkwijzer-cost-"))
    work.mkdir(parents=True, exist_ok=True)
    media, consent = _media_and_consent(args, work)
    duration = load_audio(media).duration_s
    out = work / "uit"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / ".kijkwijzer" / "cache", ignore_errors=True)  # every stage computes
    command = [str(KIJKWIJZER), "process", str(media), "--out", str(out), "--consent", str(consent)]

    raw = run_child([sys.executable, "-c", RAW_SCRIPT, str(media)], work / "raw.log")
    cold = run_child(command, work / "process.log")
    cached = run_child(command, work / "process-cached.log")
    stages = {stage: float(seconds) for stage, seconds in STAGE_LINE.findall(cold.log)}
    server = re.search(r"\(Prefect: (\w+(?: \(\w+\))?) server\)", cold.log)
    critical = max(stages.get(name, 0.0) for name in SIDE_BY_SIDE) + sum(
        seconds for name, seconds in stages.items() if name not in SIDE_BY_SIDE
    )

    print(f"\n{media.name}: {duration:.1f} s of audio; Prefect server: {server.group(1) if server else '?'}")
    print("\n| figure | wall s | × audio | CPU s | peak RSS MiB |\n|---|---|---|---|---|")
    for name, child in (("raw faster-whisper", raw), ("kijkwijzer process", cold)):
        print(f"| {name} | {child.wall_s:.1f} | {child.wall_s / duration:.3f} | {child.cpu_s:.1f} "
              f"| {child.rss_mib:.0f} |")  # fmt: skip
    for name, seconds in stages.items():
        side = " (side by side)" if name in SIDE_BY_SIDE else ""
        print(f"| stage {name}{side} | {seconds:.1f} | {seconds / duration:.3f} | | |")
    fixed = cold.wall_s - critical
    print(f"| outside the stages (Prefect, imports, bookkeeping) | {fixed:.1f} | {fixed / duration:.3f} "
          "| | |")  # fmt: skip
    print(f"| fully cached re-run | {cached.wall_s:.1f} | | {cached.cpu_s:.1f} | {cached.rss_mib:.0f} |")
    print(f"| **ratio process / raw** | **{cold.wall_s / raw.wall_s:.2f}** | | "
          f"{cold.cpu_s / raw.cpu_s:.2f} (CPU) | |")  # fmt: skip

    if args.no_stages:
        return
    job_file = next((work / ".kijkwijzer" / "cache").glob("rec-*/job.json"))
    alone = run_child([sys.executable, __file__, "--stages-child", str(job_file)], work / "stages.log")
    timings = json.loads(next(text for text in reversed(alone.log.splitlines()) if text.startswith("{")))
    print("\nEach stage alone (one process, no Prefect, one after the other):\n")
    print("| stage | wall s | CPU s | CPU s per audio s |\n|---|---|---|---|")
    for name, row in timings.items():
        print(f"| {name} | {row['wall_s']:.2f} | {row['cpu_s']:.2f} | {row['cpu_s'] / duration:.4f} |")


if __name__ == "__main__":
    main()
