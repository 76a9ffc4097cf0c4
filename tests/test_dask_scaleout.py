"""Scale-out: ``reprocess_archive`` on an existing Dask cluster, reached by its address.

A real ``dask scheduler`` and ``dask worker`` run on loopback as separate processes, as
they would on other machines; the CLI only gets ``--dask tcp://…``. The stage tasks must
run on the worker (its executed-task counter proves it) and the results must land in the
shared data root.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from orchestration_helpers import PROJECT, cli, clip, consent

from pipeline.ingest.archive import ingest_claim
from pipeline.ingest.inbox import claim, scan_inbox
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.settings import load_settings

pytestmark = pytest.mark.slow
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _archive(root: DataRoot, count: int) -> list[str]:
    settings = load_settings(environ={}).orchestration
    for index in range(count):
        consent(clip(root.inbox / f"gesprek-{index}.flac", 20 + index), number=index)
    ready, _ = scan_inbox(root, settings, now=time.time() + 3600)
    outcomes = [ingest_claim(root, claim(root, name, settings), settings, "test") for name in ready]
    return [outcome.paths.recording_id for outcome in outcomes]


def test_reprocess_fans_out_to_an_external_dask_cluster(tmp_path: Path) -> None:
    from distributed import Client

    root = DataRoot(tmp_path / "data").ensure()
    ids = _archive(root, 2)
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    logs = tmp_path / "dask.log"
    with open(logs, "wb") as log:
        scheduler = subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            cwd=PROJECT, stdout=log, stderr=log,
        )  # fmt: skip
        worker = subprocess.Popen(
            [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "2", "--no-dashboard",
             "--name", "kijkwijzer-test-worker"],
            cwd=PROJECT, stdout=log, stderr=log,
        )  # fmt: skip
    try:
        with Client(address, timeout=120) as client:
            client.wait_for_workers(1, timeout=120)
            result = cli("reprocess", "--root", str(root.path), "--dask", address)
            assert result.returncode == 0, result.stderr[-3000:] + logs.read_text()[-3000:]
            assert "processed: 2" in result.stdout
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
        assert sum(executed.values()) >= 2 * 7, executed  # every stage of both recordings
        assert all(load_meta(root.recording(rid)).status == "done" for rid in ids)
        assert len(list(root.outbox.glob("*/*/sheet.html"))) == 2
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=60)
