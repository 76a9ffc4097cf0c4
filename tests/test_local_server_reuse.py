"""One local Prefect server per host and user, whatever ``--out`` is, and gone when idle.

Ten ``kijkwijzer process`` runs into ten ``--out`` folders (the real command, as separate
processes) must find the server the first one started through the per-user folder
(``$XDG_DATA_HOME/kijkwijzer/prefect-server``), never start a second one, and the server
must exit by itself after ``orchestration.server_idle_shutdown_s``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from orchestration_helpers import FAST_CONFIG, KIJKWIJZER, PROJECT, clip, consent

IDLE_S = 30


def _servers(server_home: Path) -> set[int]:
    """Process ids of the local Prefect servers whose home is ``server_home``."""
    found = set()
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            if "flows.runtime.local_server" not in (process.info["cmdline"] or []):
                continue
            if process.environ().get("PREFECT_HOME") == str(server_home):
                found.add(process.info["pid"])
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


@pytest.mark.slow
def test_ten_out_folders_share_one_server_that_exits_when_idle(tmp_path: Path) -> None:
    server_home = tmp_path / "xdg" / "kijkwijzer" / "prefect-server"
    server_home.mkdir(parents=True, mode=0o700)
    template = PROJECT / ".pytest_cache" / "kijkwijzer-prefect" / "template"
    if template.is_dir():  # a migrated database (conftest keeps one) saves a minute of migrations
        for path in template.iterdir():
            shutil.copy2(path, server_home / path.name)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KIJKWIJZER_ORCHESTRATION__PREFECT_HOME", "PREFECT_API_URL")
    }
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["KIJKWIJZER_ORCHESTRATION__SERVER_IDLE_SHUTDOWN_S"] = str(IDLE_S)
    seen: set[int] = set()
    for number in range(10):
        # A new recording each time: a fully cached run is served from the store without Prefect.
        media = clip(tmp_path / "media" / f"gesprek{number}.mp4", 3 + number)
        consent(media)
        out = tmp_path / "runs" / f"out{number}"
        argv = [str(KIJKWIJZER), "--config", str(FAST_CONFIG), "process", str(media), "--out", str(out)]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=PROJECT, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        assert (out / "sheet.html").is_file()
        alive = _servers(server_home)
        assert len(alive) <= 1, alive
        seen |= alive
    assert len(seen) == 1, f"the runs started {len(seen)} servers: {seen}"
    assert (server_home / "server.json").is_file()
    deadline = time.monotonic() + IDLE_S + 60
    while _servers(server_home) and time.monotonic() < deadline:
        time.sleep(1)
    assert not _servers(server_home), f"the server is still alive {IDLE_S + 60} s after the last run"
    assert not (server_home / "server.json").exists()
