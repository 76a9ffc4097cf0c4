"""Benchmark: an archive of N recordings - cold run, warm re-run, analysis-only reprocess.

N distinct clips of the sample conversation are dropped in a fresh data root, then:

- ``cold``: ``watch_inbox`` ingests and processes all of them (every stage computed);
- ``warm``: ``reprocess_archive`` on the unchanged archive (every stage a cache hit,
  nothing published again);
- ``analysis-only``: ``reprocess_archive(from_stage="analysis", force=True)``: analysis,
  fragments and sheet recomputed, ASR and diarisation never.

The flows run in this process against the local Prefect server, timed around the flow
call, so Python and Prefect start-up are reported separately; the same warm re-run is
also timed as a whole ``kijkwijzer reprocess`` command. The flow's CPU time in this
process is reported too, since on a shared machine wall time mostly measures the load.

    .venv/bin/python bench/batch.py [--recordings 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "sample_media" / "gesprek_tts.flac"
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")


def _drop(inbox: Path, count: int, seconds: float) -> None:
    """``count`` clips of ``seconds`` at different offsets of the sample, with consent."""
    sys.path.insert(0, str(PROJECT / "tests"))
    from mediafactory import write_media

    from pipeline.audio import load_audio

    samples = load_audio(SAMPLE).samples
    step = max(1, (len(samples) - int(seconds * 16000)) // max(count, 1))
    sidecar = SAMPLE.with_name(SAMPLE.name + ".consent.yaml").read_text(encoding="utf-8")
    sidecar = sidecar.replace("research_use: true", "research_use: false")
    for index in range(count):
        start = index * step
        media = inbox / f"gesprek-{index:02d}.flac"
        write_media(media, samples[start : start + int(seconds * 16000)] * (1.0 - 0.01 * (index // 50)))
        media.with_name(media.name + ".consent.yaml").write_text(sidecar, encoding="utf-8")
    old = time.time() - 3600  # dropped an hour ago: complete
    for path in inbox.iterdir():
        os.utime(path, (old, old))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recordings", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--keep", type=Path, help="use this folder as data root and keep it")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kw-batch-"))
    root = (args.keep or scratch / "data").resolve()
    home = scratch / "prefect"
    os.environ["KIJKWIJZER_ORCHESTRATION__PREFECT_HOME"] = str(home)
    os.environ["KIJKWIJZER_ROOT"] = str(root)
    from flows.runtime.server import start_runtime, stop_server
    from pipeline.ingest.layout import DataRoot
    from pipeline.settings import load_settings

    began = time.perf_counter()
    settings = load_settings()
    runtime = start_runtime(settings, home)
    data_root = DataRoot(root).ensure()
    _drop(data_root.inbox, args.recordings, args.seconds)
    from flows.reprocess import reprocess_archive
    from flows.runners import task_runner
    from flows.watch import watch_inbox

    watch = watch_inbox.with_options(task_runner=task_runner(settings))
    reprocess = reprocess_archive.with_options(task_runner=task_runner(settings))
    n = args.recordings
    rows = []
    with runtime.active():
        start_up = time.perf_counter() - began

        def timed(name: str, call: Callable[[], Any]) -> None:
            t, cpu = time.perf_counter(), time.process_time()
            summary = call()
            rows.append((name, time.perf_counter() - t, time.process_time() - cpu, summary))

        timed("cold (ingest + all stages)", lambda: watch(str(root)))
        ids = sorted(paths.recording_id for paths in data_root.recordings())
        timed("warm re-run (all cached)", lambda: reprocess(str(root), ids))
        timed("analysis-only reprocess", lambda: reprocess(str(root), ids, "analysis", True))
    t = time.perf_counter()
    subprocess.run([str(KIJKWIJZER), "reprocess"], cwd=PROJECT, check=True, capture_output=True)
    rows.append(("warm re-run as a whole CLI command", time.perf_counter() - t, None, None))
    stop_server(home)
    shutil.rmtree(scratch)  # the Prefect home, and the data root unless --keep put it elsewhere
    print(f"{n} recordings of {args.seconds:.0f} s, load average {os.getloadavg()[0]:.1f}")
    print(f"{'Python + Prefect start-up (server, imports)':<44} {start_up:7.1f} s")
    print(f"{'':<44} {'wall':>9} {'per recording':>14} {'flow CPU/rec':>13}")
    for name, took, cpu, summary in rows:
        outcome = ""
        if summary is not None:
            ok = len(summary.processed) + len(summary.unchanged)
            outcome = f"   ({ok} ok, {len(summary.failed) + len(summary.quarantined)} not)"
        cpu_text = f"{cpu / n:11.2f} s" if cpu is not None else " " * 13
        print(f"{name:<44} {took:7.1f} s {took / n:12.2f} s {cpu_text}{outcome}")


if __name__ == "__main__":
    main()
