"""Benchmark: how much wall time Prefect adds to ``kijkwijzer process``.

Each run is a fresh ``kijkwijzer process`` child on the same media. The command prints
each stage's own duration; the stages' critical path (transcription and diarisation run
side by side, the rest in order) is subtracted from the command's wall time, so what is
left - process start, imports, server, flow and task bookkeeping, publishing - is the
overhead, measured in the same run and under the same machine load as the stages.

- ``server running``: the local Prefect server an earlier command started is still up
  (the usual case for a researcher), fresh stage cache;
- ``all cached``: the same recording again, every stage a cache hit: the fixed cost;
- ``no server``: no server runs, so the command starts one (database already migrated,
  as after the first use), fresh stage cache.

The Prefect home is a temporary folder, migrated by a warm-up run that is not counted.

    .venv/bin/python bench/prefect_overhead.py [MEDIA] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")
STAGE_LINE = re.compile(r"^\s+(\w+)\s+(?:done in ([\d.]+) s|cached)$", re.MULTILINE)


def _clip(media: Path, seconds: float, folder: Path) -> Path:
    """The first ``seconds`` of ``media`` as FLAC, with a copy of its consent sidecar."""
    import av
    import numpy as np

    from pipeline.audio import load_audio

    samples = load_audio(media).samples[: int(seconds * 16000)]
    target = folder / f"{media.stem}-{int(seconds)}s.flac"
    with av.open(str(target), "w", format="flac") as out:
        stream = out.add_stream("flac", rate=16000)
        stream.layout = "mono"
        pcm = (samples * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    sidecar = media.with_name(media.name + ".consent.yaml")
    target.with_name(target.name + ".consent.yaml").write_bytes(sidecar.read_bytes())
    return target


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time of the command and the critical path of its stages (from its own report)."""
    began = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=PROJECT, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stderr[-2000:]}")
    report = result.stderr.replace("\r", "\n")  # progress bars redraw with carriage returns
    took = {stage: float(seconds or 0) for stage, seconds in STAGE_LINE.findall(report)}
    first_wave = max(took.pop("transcribe", 0.0), took.pop("diarize", 0.0))
    return wall, first_wave + sum(took.values())


def main() -> None:
    from flows.runtime.server import stop_server

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("media", nargs="?", type=Path, default=PROJECT / "sample_media" / "gesprek_tts.flac")
    parser.add_argument("--seconds", type=float, default=0, help="use only the first N seconds (0: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kw-overhead-") as scratch:
        scratch = Path(scratch)
        media = _clip(args.media, args.seconds, scratch) if args.seconds else args.media.resolve()
        home = scratch / "prefect"
        env = {**os.environ, "KIJKWIJZER_ORCHESTRATION__PREFECT_HOME": str(home)}
        env.pop("PREFECT_API_URL", None)

        def cli(name: str) -> tuple[float, float]:
            return _run([str(KIJKWIJZER), "process", str(media), "--out", str(scratch / name / "out")], env)

        cli("warm-up")  # migrates the Prefect database and leaves the local server running
        rows = [("server running", *cli("warm")), ("all cached", *cli("warm"))]
        stop_server(home)
        rows.append(("no server (the command starts one)", *cli("cold")))
        stop_server(home)
    print(f"media: {media.name}   load average: {os.getloadavg()[0]:.1f}")
    print(f"{'run':<36} {'wall':>8} {'stages':>8} {'overhead':>9}")
    for name, wall, stages in rows:
        print(f"{name:<36} {wall:7.1f}s {stages:7.1f}s {wall - stages:8.1f}s")


if __name__ == "__main__":
    main()
