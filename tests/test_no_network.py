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
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from privacy_helpers import (
    KIJKWIJZER,
    OFFLINE_VARIABLES,
    attempts,
    guarded_environment,
    lifecycle,
    process_run,
    run_offline,
    short_clip,
    summarize,
    unexpected_entries,
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


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed (apt-get install strace)")
@pytest.mark.skipif(shutil.which("getent") is None, reason="getent not installed")
def test_native_lookups_are_recorded_too(tmp_path):
    """A name lookup from C code (as onnxruntime's telemetry does) is seen, not just Python's."""
    env, log = guarded_environment(tmp_path)
    run_offline(["getent", "hosts", "telemetry.example.org"], env, timeout=60)
    assert [a["call"] for a in attempts(log)][:1] == ["native"]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed (apt-get install strace)")
def test_native_trace_tells_route_probes_from_sends(tmp_path):
    """Chromium's IPv6 route probe (a UDP connect that sends nothing) is no attempt; any other
    outside connect is, even when unrelated processes reuse the same descriptor numbers."""
    env, log = guarded_environment(tmp_path)
    env.pop("PYTHONPATH")  # only strace watches: the guard would refuse the sends under test
    code = (
        "import socket, subprocess, sys\n"
        "def attempt(family, kind, target, payload=None):\n"
        "    s = socket.socket(family, kind); s.settimeout(0.2)\n"
        "    try:\n        s.connect(target)\n        payload and s.send(payload)\n"
        "    except OSError:\n        pass\n"
        "attempt(socket.AF_INET6, socket.SOCK_DGRAM, ('2001:4860:4860::8888', 443))\n"
        "attempt(socket.AF_INET, socket.SOCK_DGRAM, ('127.0.0.1', 9), b'local')\n"
        "attempt(socket.AF_INET, socket.SOCK_DGRAM, ('192.0.2.9', 443), b'out')\n"
        "attempt(socket.AF_INET, socket.SOCK_STREAM, ('192.0.2.1', 80))\n"
        "a, b = socket.socketpair(); a.sendmsg([b'ipc'])\n"
        "subprocess.run([sys.executable, '-c', 'import socket; a, b = socket.socketpair(); "
        "[a.sendmsg([bytes([n])]) for n in range(9)]'])\n"
    )
    result = run_offline([sys.executable, "-c", code], env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert {a["target"] for a in attempts(log)} == {"192.0.2.1", "192.0.2.9"}


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
    assert attempts(log) == [], summarize(attempts(log))


@pytest.mark.slow
def test_process_runs_without_network():
    run = process_run()
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert (run.out / "sheet.html").exists(), sorted(p.name for p in run.out.iterdir())
    assert run.attempts == [], summarize(run.attempts)


@pytest.mark.slow
def test_watch_purge_forget_run_without_network():
    """The inbox lifecycle (tests/privacy_helpers.py: lifecycle) made no network attempt."""
    run = lifecycle()
    assert run.results["watch"].returncode == 0, run.results["watch"].stderr[-3000:]
    assert run.attempts == [], summarize(run.attempts)


@pytest.mark.slow
def test_nothing_is_written_to_the_home_folder():
    """Prefect, onnxruntime and friends must not create files in ~ (HOME is a scratch folder),
    except the per-user folder of the local Prefect server (ids, states, timings) and the
    memo of the code's digests (paths, sizes and times of Kijkwijzer's own source files)."""
    server = Path(".local", "share", "kijkwijzer", "prefect-server")
    memo = Path(".cache", "kijkwijzer", "source-digests.json")
    allowed = {str(p) for place in (server, memo) for p in (place, *place.parents) if p != Path(".")}
    for home in (process_run().home, lifecycle().home):
        assert [
            p for p in unexpected_entries(home) if p not in allowed and not p.startswith(f"{server}/")
        ] == []
