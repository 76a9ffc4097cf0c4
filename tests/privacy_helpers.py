"""Helpers shared by the privacy and safety tests: sample clips, consent files, running the real
CLI with no network and a permissive umask, and checking what it wrote.

See tests/test_no_network.py for why there are two layers (namespace and socket guard).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent
KIJKWIJZER = VENV_BIN / "kijkwijzer"
SAMPLE_CANDIDATES = [
    PROJECT_ROOT / "sample_media" / "real_dev_dialogue.flac",
    PROJECT_ROOT / "sample_media" / "gesprek_tts.flac",
    Path("/work/shared/data/real_dev/real_dev_dialogue.flac"),  # TEMP until sample_media lands
]
OFFLINE_VARIABLES = {"HF_HUB_OFFLINE": "1", "PYANNOTE_METRICS_ENABLED": "false", "DO_NOT_TRACK": "1"}

# Runs inside the new network namespace before the command: loopback up, no route out.
NAMESPACE_LAUNCHER = r"""
import fcntl, os, socket, struct, sys
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0))[:18])[1]
fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))
probe = socket.socket()
probe.settimeout(2)
try:
    probe.connect(("192.0.2.1", 80))
except OSError:
    pass
else:
    sys.exit("network namespace still reaches the outside")
os.execv(sys.argv[1], sys.argv[1:])
"""

# Installed as sitecustomize.py: refuses and logs every non-loopback network use.
SOCKET_GUARD = r"""
import ipaddress, json, os, socket, traceback

_LOG = os.environ.get("TEST_NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "", None, socket.gethostname()}


def _is_local(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _refuse(what, target):
    if _LOG:
        stack = "".join(traceback.format_stack(limit=8)[:-2])
        with open(_LOG, "a", encoding="utf-8") as handle:
            record = {"pid": os.getpid(), "call": what, "target": repr(target), "stack": stack}
            handle.write(json.dumps(record) + "\n")
    raise OSError(101, f"network use blocked by test guard: {what} {target!r}")


def _guard_address(what, sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(what, address)


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    _guard_address("connect", self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard_address("connect_ex", self, address)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _guard_address("sendto", self, args[-1])
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo = getaddrinfo
"""


def namespaces_available() -> bool:
    """True when ``unshare -rn`` can create a network namespace here."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


def short_clip(target: Path, seconds: float = 20.0) -> Path:
    """The first ``seconds`` of the real two-speaker sample as 16-bit WAV (keeps ASR quick)."""
    from pipeline.audio import load_audio

    source = next((p for p in SAMPLE_CANDIDATES if p.exists()), None)
    if source is None:
        pytest.fail(f"no sample recording found (looked for {[str(p) for p in SAMPLE_CANDIDATES]})")
    audio = load_audio(source)
    pcm = (np.clip(audio.samples[: int(seconds * audio.sample_rate)], -1, 1) * 32767).astype("<i2")
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(audio.sample_rate)
        handle.writeframes(pcm.tobytes())
    return target


def write_consent(media: Path, klantmanager: str = "A. de Vries", client: str = "C-0142") -> Path:
    """A complete, positive consent sidecar next to ``media``."""
    sidecar = media.with_name(media.name + ".consent.yaml")
    sidecar.write_text(
        f'klantmanager: "{klantmanager}"\n'
        f'client: "{client}"\n'
        "recorded_on: 2026-11-20\n"
        "consent:\n  recording: true\n  analysis: true\n  research_use: true\n"
        "retention_days: 90\n"
        'form_reference: "TF-2026-0142"\n',
        encoding="utf-8",
    )
    return sidecar


def registered_commands() -> set[str]:
    """Names of the CLI commands that exist right now (other stages land over time)."""
    from kijkwijzer.cli import app

    return {(c.name or c.callback.__name__).replace("_", "-") for c in app.registered_commands}


def guarded_environment(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The caller's environment minus the offline switches (the app must set them itself),
    plus the socket guard and a scratch home, so nothing is read from or written to ``~``."""
    guard_dir = tmp_path / "netguard"
    guard_dir.mkdir(exist_ok=True)
    (guard_dir / "sitecustomize.py").write_text(SOCKET_GUARD, encoding="utf-8")
    log = tmp_path / "network_attempts.jsonl"
    env = {
        k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES and not k.startswith("KIJKWIJZER_")
    }
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(proxy, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard_dir), env.get("PYTHONPATH")]))
    env["TEST_NETGUARD_LOG"] = str(log)
    env["HOME"] = str(tmp_path / "home")
    return env, log


def run_offline(argv: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``argv`` with no network (a fresh network namespace when possible, the guard always)
    and a permissive umask (022), so that owner-only files must come from the app itself."""
    if namespaces_available():
        # -S: the launcher's own probe must not load the guard (it would log the probe)
        argv = ["unshare", "-rn", sys.executable, "-S", "-c", NAMESPACE_LAUNCHER, *argv]
    return subprocess.run(
        argv,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=lambda: os.umask(0o022),
        cwd=PROJECT_ROOT,
    )


def attempts(log: Path) -> list[dict]:
    """Network uses the guard refused, one per line."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def owner_only_violations(top: Path) -> list[str]:
    """Every file not 0600 and every folder not 0700 under ``top`` (itself included).

    Symlinks are reported too: the pipeline has no reason to create one.
    """
    problems = []
    for path in [top, *top.rglob("*")]:
        info = path.lstat()
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode):
            problems.append(f"{path}: symlink")
        elif stat.S_ISDIR(info.st_mode) and mode != 0o700:
            problems.append(f"{path}: folder mode {mode:04o}")
        elif stat.S_ISREG(info.st_mode) and mode != 0o600:
            problems.append(f"{path}: file mode {mode:04o}")
        elif not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode) or stat.S_ISSOCK(info.st_mode)):
            problems.append(f"{path}: unexpected file type")
    return problems
