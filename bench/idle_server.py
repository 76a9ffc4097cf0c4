"""Benchmark: the CPU an idle local Prefect server uses, measured on its own process.

Starts the local server the way a command does (in a scratch home), runs one empty flow
so the server has served a run, waits for it to settle, then reads the server process's
own CPU time (user + system, psutil) over a window. The machine may be shared: only the
server's process is measured, never the machine.

    .venv/bin/python bench/idle_server.py [--window 60] [--settle 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import psutil


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--window", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds waited after the flow")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kw-idle-"))
    home = scratch / "prefect"
    os.environ["KIJKWIJZER_ORCHESTRATION__PREFECT_HOME"] = str(home)
    from flows.runtime.server import start_runtime, stop_server
    from pipeline.settings import load_settings

    runtime = start_runtime(load_settings(), home)
    if runtime.process is None:
        raise SystemExit(f"a server was already running ({runtime.mode}); this measures a fresh one")
    server = psutil.Process(runtime.process.pid)
    with runtime.active():
        from prefect import flow

        flow(name="idle-bench")(lambda: None)()
    time.sleep(args.settle)
    before, began = sum(server.cpu_times()[:2]), time.monotonic()
    time.sleep(args.window)
    used, took = sum(server.cpu_times()[:2]) - before, time.monotonic() - began
    rss = server.memory_info().rss / 2**20
    stop_server(home)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"idle local Prefect server: {used:.2f} CPU-s in {took:.0f} s = {100 * used / took:.2f}% of a core")
    print(f"resident memory {rss:.0f} MB, load average {os.getloadavg()[0]:.1f} (the machine's, for context)")


if __name__ == "__main__":
    main()
