"""No network, ever: the real CLI runs without any network, and never even tries to reach one.

Two layers, both used when available by the helpers in tests/privacy_helpers.py:

* a network namespace (``unshare -rn``) with only a loopback interface, so nothing can leave
  the machine (loopback is brought up because the local Prefect server listens on it);
* a socket guard (``sitecustomize`` on ``PYTHONPATH``) in every Python process the command
  starts, which refuses and *records* any connect, send or name lookup that is not loopback.
  Inside a namespace an attempt fails quietly, so the record is what proves there was none.

Where namespaces are unavailable (some CI containers), the guard alone still refuses and
records every attempt.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from privacy_helpers import (
    KIJKWIJZER,
    OFFLINE_VARIABLES,
    attempts,
    guarded_environment,
    registered_commands,
    run_offline,
    short_clip,
    write_consent,
)


def test_guard_refuses_and_records_outside_connections(tmp_path):
    """The guard itself works (otherwise an empty log would prove nothing)."""
    env, log = guarded_environment(tmp_path)
    code = (
        "import socket\n"
        "s = socket.socket(); s.settimeout(1)\n"
        "try:\n    s.connect(('192.0.2.1', 80))\nexcept OSError as e:\n    print('refused', e.errno)\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()\n"
        "socket.create_connection(srv.getsockname()).close(); print('loopback ok')\n"
    )
    result = run_offline([sys.executable, "-c", code], env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "refused 101" in result.stdout and "loopback ok" in result.stdout
    assert [a["call"] for a in attempts(log)] == ["connect"]


def test_app_sets_offline_switches_before_any_library(tmp_path):
    """HF_HUB_OFFLINE etc. are forced by the app, even when the environment says otherwise."""
    env, _ = guarded_environment(tmp_path)
    env |= {"HF_HUB_OFFLINE": "0", "PYANNOTE_METRICS_ENABLED": "true", "DO_NOT_TRACK": "0"}
    code = (
        "import json, os\n"
        "import kijkwijzer.cli\n"
        "import huggingface_hub.constants as hub\n"
        f"print(json.dumps({{k: os.environ.get(k) for k in {sorted(OFFLINE_VARIABLES)!r}}}))\n"
        "print(hub.HF_HUB_OFFLINE)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    switches, hub_offline = result.stdout.strip().splitlines()
    assert json.loads(switches) == OFFLINE_VARIABLES
    assert hub_offline == "True"


@pytest.mark.slow
def test_transcribe_runs_without_network(tmp_path):
    env, log = guarded_environment(tmp_path)
    media = short_clip(tmp_path / "media" / "gesprek.wav")
    out = tmp_path / "out"
    result = run_offline([str(KIJKWIJZER), "transcribe", str(media), "--out", str(out)], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "transcript.json").exists()
    assert attempts(log) == []


@pytest.mark.slow
def test_process_runs_without_network(tmp_path):
    if "process" not in registered_commands():
        pytest.skip("waiting for `kijkwijzer process` (orchestration, issue 6)")
    env, log = guarded_environment(tmp_path)
    root = tmp_path / "root"
    env["KIJKWIJZER_ROOT"] = str(root)
    media = short_clip(tmp_path / "media" / "gesprek.wav")
    write_consent(media)
    out = tmp_path / "out"
    result = run_offline([str(KIJKWIJZER), "process", str(media), "--out", str(out)], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert any(out.rglob("sheet.html")) or any(out.rglob("*.json")), list(out.rglob("*"))
    assert attempts(log) == [], attempts(log)
