"""Benchmark: how much wall time Prefect adds to ``kijkwijzer process``.

On the same media, each in a fresh child process and a fresh stage cache:

- ``direct``: the stages run in-process in order by :func:`flows.stage_runner.run_stage`,
  with no Prefect at all: the stages' own time (plus Python and model start-up);
- ``cli, server running``: ``kijkwijzer process`` while the local Prefect server that an
  earlier command started is still up (the usual case for a researcher);
- ``cli, no server``: ``kijkwijzer process`` when no server runs, so the command starts
  one (its database is already migrated, as after the first use);
- ``cli, all cached``: the same recording again: every stage is a cache hit, so this is
  the fixed cost of a run.

Overhead = cli - direct. The Prefect home is a temporary folder, migrated by a warm-up
run that is not counted.

    .venv/bin/python bench/prefect_overhead.py [MEDIA] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
KIJKWIJZER = Path(sys.executable).with_name("kijkwijzer")
DIRECT = """
import sys, time
from pathlib import Path
from flows.jobs import RecordingJob
from flows.stage_runner import run_stage
from flows.stages import STAGES
from pipeline.ingest.consent import read_consent
from pipeline.ingest.hashing import recording_id_for, sha256_of
from pipeline.settings import load_settings
media, cache = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings()
record = read_consent(media.with_name(media.name + ".consent.yaml"), settings.orchestration.ingest.sidecar)
sha = sha256_of(media)
job = RecordingJob(recording_id=recording_id_for(sha), media=media, sha256=sha, consent=record,
                   cache_dir=cache, media_href=media.name)
refs = {}
for spec in STAGES:
    if spec.when(job):
        refs[spec.name] = run_stage(spec.name, job, settings, {n: refs[n] for n in spec.inputs})
"""


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


def _timed(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=PROJECT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - began


def _stop_server(home: Path) -> None:
    from flows.runtime import read_server_info

    info = read_server_info(home)
    if info is not None:
        os.kill(int(info["pid"]), signal.SIGTERM)
        while read_server_info(home) is not None:
            time.sleep(0.1)


def main() -> None:
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

        def cli(name: str) -> float:
            return _timed([str(KIJKWIJZER), "process", str(media), "--out", str(scratch / name / "out")], env)

        cli("warm-up")  # migrates the Prefect database and leaves the local server running
        rows = [("direct (stages only, no Prefect)", _timed([sys.executable, "-c", DIRECT, str(media),
                                                               str(scratch / "direct")], env))]  # fmt: skip
        rows.append(("cli, server running", cli("warm")))
        rows.append(("cli, all cached", cli("warm")))
        _stop_server(home)
        rows.append(("cli, no server (command starts one)", cli("cold")))
        _stop_server(home)
    direct = rows[0][1]
    print(f"media: {media.name}")
    for name, seconds in rows:
        plain = name.startswith("direct") or "cached" in name
        extra = "" if plain else f"   overhead {seconds - direct:+.1f} s"
        print(f"{name:<40} {seconds:7.1f} s{extra}")


if __name__ == "__main__":
    main()
