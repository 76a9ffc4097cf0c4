"""Helpers shared by the privacy and safety tests: sample clips, consent files, running the real
CLI with no network and a permissive umask, and checking what it wrote.

See tests/test_no_network.py for why there are two layers (namespace and socket guard).
"""

from __future__ import annotations

import atexit
import codecs
import collections
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import wave
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from pipeline.settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent
KIJKWIJZER = VENV_BIN / "kijkwijzer"
SAMPLE_CANDIDATES = [
    PROJECT_ROOT / "sample_media" / "real_dev_dialogue.flac",
    PROJECT_ROOT / "sample_media" / "gesprek_tts.flac",
]
# Switches the app must set itself. ORT_DISABLE_TELEMETRY: onnxruntime 1.32 on Linux ships
# OneDS telemetry that looks up mobile.events.data.microsoft.com ~10 s after import (seen
# with strace) and writes ~/.cache/Microsoft/DeveloperTools; this variable stops both.
OFFLINE_VARIABLES = {
    "HF_HUB_OFFLINE": "1",
    "PYANNOTE_METRICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "ORT_DISABLE_TELEMETRY": "1",
}
_STRACE_ADDRESS = re.compile(
    r'sa_family=AF_INET6?, .*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")'
)
# strace -yy decodes each descriptor, e.g. 4<UDPv6:[255486]> before connect and
# 4<UDP:[10.0.0.2:40453->192.0.2.7:443]> after; "<fd annotation>" is optional in each pattern.
_FD = r"\d+(?:<[^>]*>)?"
_STRACE_PAYLOAD = re.compile(rf'send(?:to|msg|mmsg)\({_FD}, .*?"((?:[^"\\]|\\.)*)"')
_STRACE_UDP_CONNECT = re.compile(r"^\d+\s+connect\(\d+<UDP(?:v6)?:\[\d+\]>,")
_STRACE_UDP_SEND_PEER = re.compile(
    r"^\d+\s+send(?:to|msg|mmsg)\(\d+<UDP(?:v6)?:\[[^>]*->\[?([^\]>]+?)\]?:\d+\]>"
)
_strace_runs = itertools.count()
ROUTE_PROBE_TARGET = 'inet_pton(AF_INET6, "2001:4860:4860::8888"'

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


def short_clip(target: Path, seconds: float = 20.0, start_s: float = 0.0) -> Path:
    """``seconds`` of the real two-speaker sample as 16-bit WAV (keeps ASR quick)."""
    from pipeline.audio import load_audio

    source = next((p for p in SAMPLE_CANDIDATES if p.exists()), None)
    if source is None:
        pytest.fail(f"no sample recording found (looked for {[str(p) for p in SAMPLE_CANDIDATES]})")
    audio = load_audio(source)
    first = int(start_s * audio.sample_rate)
    part = audio.samples[first : first + int(seconds * audio.sample_rate)]
    pcm = (np.clip(part, -1, 1) * 32767).astype("<i2")
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(audio.sample_rate)
        handle.writeframes(pcm.tobytes())
    return target


def consent_text(
    klantmanager: str = "A. de Vries",
    client: str = "C-0142",
    recorded_on: str = "2026-11-20",
    retention_days: int = 90,
    research_use: bool = True,
    form_reference: str = "TF-2026-0142",
) -> str:
    """A complete, positive consent sidecar (issue 6's format)."""
    return (
        f'klantmanager: "{klantmanager}"\n'
        f'client: "{client}"\n'
        f"recorded_on: {recorded_on}\n"
        "consent:\n  recording: true\n  analysis: true\n"
        f"  research_use: {str(research_use).lower()}\n"
        f"retention_days: {retention_days}\n"
        f'form_reference: "{form_reference}"\n'
    )


def write_consent(media: Path, text: str | None = None) -> Path:
    """Write a consent sidecar next to ``media`` (default: :func:`consent_text`)."""
    sidecar = media.with_name(media.name + ".consent.yaml")
    sidecar.write_text(consent_text() if text is None else text, encoding="utf-8")
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
    env.pop("XDG_DATA_HOME", None)  # the local Prefect server's per-user folder follows HOME
    env.pop("XDG_CACHE_HOME", None)  # and so does the memo of the code's digests
    return env, log


def run_offline(argv: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``argv`` with no network (a fresh network namespace when possible, the guard always)
    and a permissive umask (022), so that owner-only files must come from the app itself."""
    strace = shutil.which("strace")
    if strace and "TEST_NETGUARD_LOG" in env:
        # native code (libcurl in onnxruntime, ...) bypasses the Python guard; strace sees it
        trace = f"{env['TEST_NETGUARD_LOG']}.strace{next(_strace_runs)}"
        calls = "execve,socket,connect,sendto,sendmsg,sendmmsg"  # execve: names the process
        flags = ["-f", "-qq", "-yy", "-s", "256", "--seccomp-bpf", "-e", f"trace={calls}"]
        argv = [strace, *flags, "-o", trace, *argv]
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


def _dns_question(escaped: str) -> str | None:
    """The name asked for in a DNS query strace printed (C-escaped payload), if it is one."""
    try:
        data = codecs.escape_decode(escaped.encode("latin-1"))[0]
    except (ValueError, UnicodeEncodeError):
        return None
    labels, position = [], 12  # the question follows the 12-byte header
    while position < len(data) and 0 < data[position] < 64:
        length = data[position]
        labels.append(data[position + 1 : position + 1 + length].decode("ascii", "replace"))
        position += length + 1
    return ".".join(labels) if len(labels) >= 2 and position < len(data) and data[position] == 0 else None


def _route_probe(line: str) -> bool:
    """Chromium's IPv6 reachability probe: a UDP connect to a well-known address that only
    makes the kernel pick a route; nothing is sent (a send to it would still be caught by
    ``_STRACE_UDP_SEND_PEER``). Any other UDP connect counts: inside the namespace it fails,
    so no send would ever show what it was for."""
    return bool(_STRACE_UDP_CONNECT.match(line)) and ROUTE_PROBE_TARGET in line


def _is_loopback(address: str) -> bool:
    return address in ("::", "::1", "0.0.0.0") or address.startswith(("127.", "::ffff:127."))


def attempts(log: Path) -> list[dict]:
    """Network uses the guard refused, plus non-loopback inet calls strace saw in native code."""
    found = []
    if log.exists():
        found += [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    for trace in sorted(log.parent.glob(log.name + ".strace*")):
        lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines:
            match = _STRACE_ADDRESS.search(line) or _STRACE_UDP_SEND_PEER.search(line)
            address = match and next(filter(None, match.groups()), None)
            if address and not _is_loopback(address) and not _route_probe(line):
                found.append({"call": "native", "target": address, "strace": line[:300]})
            payload = _STRACE_PAYLOAD.search(line)
            name = _dns_question(payload.group(1)) if payload else None
            if name:
                found.append({"call": "dns-query", "target": name, "strace": line[:300]})
    return found


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


# --- one data-root lifecycle, shared by the hostile-input, audit and permission tests ---------
#
# Running the real `watch --once` costs a Prefect server start plus the stages, so the scenario
# runs once per test session: an inbox with two good recordings, a duplicate, one without consent
# and every hostile input at once; then `purge` (the first recording's retention has passed) and
# `forget` (the second). Each test module checks its own concern on the result.

YAML_BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "klantmanager: *d\n"
)
MAX_NAME_BYTES = 100  # configured for the scenario; Linux itself refuses names over 255 bytes
MAX_MEDIA_BYTES = 2_000_000


@dataclass
class Lifecycle:
    """What the scenario did and what it left behind."""

    root: Path
    home: Path
    results: dict[str, subprocess.CompletedProcess]
    attempts: list[dict]
    violations_after_watch: list[str]
    outside_before: dict[str, str]
    outside_after: dict[str, str]
    hostile: dict[str, set[str]]  # dropped name -> acceptable quarantine reason codes
    expired_id: str
    forgotten_id: str
    duplicate_name: str
    no_consent_name: str
    personal_texts: list[str]  # consent names, file names, transcript words: never in audit.log
    quarantine_reasons: dict[str, str] = field(default_factory=dict)  # dropped name -> code


def _tone(path: Path, hz: float, seconds: float = 1.0) -> Path:
    """A short real WAV with content unique to ``hz`` (so hashes differ)."""
    t = np.arange(int(16000 * seconds)) / 16000
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes((np.sin(2 * np.pi * hz * t) * 8000).astype("<i2").tobytes())
    return path


def _digest_tree(top: Path) -> dict[str, str]:
    """Path -> content hash (or link target) of everything under ``top``."""
    found = {}
    for path in sorted(top.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path)] = "dir" if path.is_dir() else "other"
    return found


def _place_hostile_inputs(inbox: Path, outside: Path) -> dict[str, set[str]]:
    """Every hostile input of issue 7, each with the reason codes that count as refusal."""
    expected: dict[str, set[str]] = {}

    def media_with_consent(name: str, codes: set[str], hz: float, consent: str | None = None) -> None:
        _tone(inbox / name, hz)
        (inbox / (name + ".consent.yaml")).write_text(consent or consent_text(), encoding="utf-8")
        expected[name] = codes

    media_with_consent("nieuwe\nregel.wav", {"unsafe_name"}, 300)
    media_with_consent("bel\x07teken.wav", {"unsafe_name"}, 310)
    media_with_consent("rtl\u202egnp.wav", {"unsafe_name"}, 315)
    media_with_consent("lang" + "x" * MAX_NAME_BYTES + ".wav", {"unsafe_name"}, 320)
    media_with_consent("bom.wav", {"consent_unsafe", "consent_unreadable"}, 330, YAML_BOMB)
    huge = consent_text(klantmanager="A" * 100_000)
    media_with_consent("enorm.wav", {"consent_unsafe", "consent_invalid", "consent_unreadable"}, 340, huge)
    escape = consent_text(klantmanager="../../outside")
    media_with_consent("ontsnapping.wav", {"consent_invalid", "consent_unsafe"}, 350, escape)
    absolute = consent_text(klantmanager=str(outside / "absoluut"))
    media_with_consent("absoluut.wav", {"consent_invalid", "consent_unsafe"}, 360, absolute)
    # a symlink to a recording outside the data root, and a sidecar that is a symlink
    _tone(outside / "geheim.wav", 370)
    os.symlink(outside / "geheim.wav", inbox / "link.wav")
    (inbox / "link.wav.consent.yaml").write_text(consent_text(), encoding="utf-8")
    expected["link.wav"] = {"symlink", "not_a_file"}
    (outside / "consent.yaml").write_text(consent_text(), encoding="utf-8")
    _tone(inbox / "zijlink.wav", 380)
    os.symlink(outside / "consent.yaml", inbox / "zijlink.wav.consent.yaml")
    expected["zijlink.wav"] = {"consent_unsafe", "symlink"}
    # over the configured size limit (real audio, so only the size is wrong)
    _tone(inbox / "te_groot.wav", 390, seconds=MAX_MEDIA_BYTES / 32000 + 5)
    (inbox / "te_groot.wav.consent.yaml").write_text(consent_text(), encoding="utf-8")
    expected["te_groot.wav"] = {"too_large"}
    # HTML and zip disguised as media
    (inbox / "pagina.mp4").write_text(
        "<!DOCTYPE html><html><script>alert(1)</script></html>", encoding="utf-8"
    )
    (inbox / "pagina.mp4.consent.yaml").write_text(consent_text(), encoding="utf-8")
    expected["pagina.mp4"] = {"not_media"}
    with zipfile.ZipFile(inbox / "archief.m4a", "w") as archive:
        archive.writestr("../../ontsnapt.txt", "zip slip")
    (inbox / "archief.m4a.consent.yaml").write_text(consent_text(), encoding="utf-8")
    expected["archief.m4a"] = {"not_media"}
    # not regular files: a FIFO (opening it would block) and a folder
    os.mkfifo(inbox / "pijp.wav")
    expected["pijp.wav"] = {"not_a_file"}
    (inbox / "map.wav").mkdir()
    (inbox / "map.wav" / "binnen.wav").write_bytes(b"RIFF")
    expected["map.wav"] = {"not_a_file"}
    return expected


def _transcript_words(recording_dir: Path) -> list[str]:
    """Transcript text to look for where it must not be: long words (8+ letters) and word pairs,
    which no database schema or log format contains by chance."""
    found: set[str] = set()
    for path in recording_dir.rglob("transcript.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for part in data.get("turns", []) + data.get("segments", []):  # conversation or ASR format
            words = [w.strip(".,?!:;\"'") for w in part.get("text", "").split()]
            found.update(w for w in words if len(w) >= 8 and w.isalpha())
            found.update(f"{a} {b}" for a, b in itertools.pairwise(words) if len(a) >= 3 and len(b) >= 3)
    return sorted(found)


@functools.lru_cache(maxsize=1)
def lifecycle() -> Lifecycle:
    """Run the scenario once per session (see the comment above)."""
    from pipeline.fsutil import private_dir
    from pipeline.ingest.hashing import recording_id_for, sha256_of

    scratch = Path(tempfile.mkdtemp(prefix="kijkwijzer-lifecycle-"))
    atexit.register(shutil.rmtree, scratch, True)
    root, outside, media = scratch / "root", scratch / "outside", scratch / "media"
    inbox = private_dir(root / "inbox")
    outside.mkdir()
    clip_a = short_clip(media / "a.wav", seconds=20, start_s=0)
    clip_b = short_clip(media / "b.wav", seconds=20, start_s=20)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    shutil.copy(clip_a, inbox / "gesprek_vries_a.wav")
    write_consent(inbox / "gesprek_vries_a.wav", consent_text(recorded_on="2020-01-06", retention_days=30))
    shutil.copy(clip_b, inbox / "gesprek_vries_b.wav")
    consent_b = consent_text(client="C-0777", recorded_on=yesterday, research_use=False)
    write_consent(inbox / "gesprek_vries_b.wav", consent_b)
    duplicate_name = "kopie_gesprek_b.wav"
    shutil.copy(clip_b, inbox / duplicate_name)
    write_consent(inbox / duplicate_name, consent_b)
    no_consent_name = "zonder_toestemming.wav"
    _tone(inbox / no_consent_name, 440, seconds=2)
    hostile = _place_hostile_inputs(inbox, outside)
    long_ago = time.time() - 3600
    for entry in inbox.iterdir():
        os.utime(entry, (long_ago, long_ago), follow_symlinks=False)

    env, log = guarded_environment(scratch)
    (scratch / "home").mkdir()
    env |= {
        "KIJKWIJZER_ORCHESTRATION__INGEST__MAX_MEDIA_BYTES": str(MAX_MEDIA_BYTES),
        "KIJKWIJZER_ORCHESTRATION__INGEST__MAX_NAME_BYTES": str(MAX_NAME_BYTES),
        "KIJKWIJZER_ORCHESTRATION__SERVER_IDLE_SHUTDOWN_S": "0",
        # every file is complete and the one without consent must not wait: the watcher ages
        # files by their ctime, which a test cannot set back
        "KIJKWIJZER_ORCHESTRATION__WATCH__SETTLE_S": "0",
        "KIJKWIJZER_ORCHESTRATION__WATCH__CONSENT_GRACE_S": "0",
    }
    expired_id = recording_id_for(sha256_of(clip_a))
    forgotten_id = recording_id_for(sha256_of(clip_b))
    before = _digest_tree(outside) | _digest_tree(media)
    results = {"watch": run_offline([str(KIJKWIJZER), "watch", "--once", "--root", str(root)], env)}
    violations = owner_only_violations(root)
    personal = [
        "Vries",
        "C-0142",
        "C-0777",
        "TF-2026-0142",
        "gesprek_vries",
        "kopie_gesprek",
        "zonder_toestemming",
        *_transcript_words(root / "archive"),
    ]
    reasons = {}
    for reason in root.glob("quarantine/*/reason.txt"):
        text = reason.read_text(encoding="utf-8")
        code = text.splitlines()[0].removeprefix("reason: ")
        for line in text.splitlines():
            if line.startswith("file: ") and "(dropped as " in line:
                reasons[line.split("(dropped as ", 1)[1].rstrip(")")] = code
    results["purge"] = run_offline([str(KIJKWIJZER), "purge", "--root", str(root)], env)
    results["forget"] = run_offline([str(KIJKWIJZER), "forget", forgotten_id, "--root", str(root)], env)
    return Lifecycle(
        root=root,
        home=scratch / "home",
        results=results,
        attempts=attempts(log),
        violations_after_watch=violations,
        outside_before=before,
        outside_after=_digest_tree(outside) | _digest_tree(media),
        hostile=hostile,
        expired_id=expired_id,
        forgotten_id=forgotten_id,
        duplicate_name=duplicate_name,
        no_consent_name=no_consent_name,
        personal_texts=personal,
        quarantine_reasons=reasons,
    )


@dataclass
class ProcessRun:
    """One `kijkwijzer process` on a short clip, offline, umask 022."""

    result: subprocess.CompletedProcess
    out: Path
    workspace: Path
    home: Path
    attempts: list[dict]


@functools.lru_cache(maxsize=1)
def process_run() -> ProcessRun:
    """Run `process` once per session (shared by the no-network and permission tests)."""
    scratch = Path(tempfile.mkdtemp(prefix="kijkwijzer-process-"))
    atexit.register(shutil.rmtree, scratch, True)
    env, log = guarded_environment(scratch)
    (scratch / "home").mkdir()
    env["KIJKWIJZER_ORCHESTRATION__SERVER_IDLE_SHUTDOWN_S"] = "0"
    media = short_clip(scratch / "media" / "gesprek.wav", seconds=20)
    write_consent(media)
    out = scratch / "results" / "gesprek"
    result = run_offline([str(KIJKWIJZER), "process", str(media), "--out", str(out)], env)
    return ProcessRun(result, out, out.parent / ".kijkwijzer", scratch / "home", attempts(log))


def unexpected_entries(top: Path) -> list[str]:
    """Everything under ``top`` (e.g. the scratch HOME), which should have stayed empty."""
    return sorted(str(p.relative_to(top)) for p in top.rglob("*"))


def summarize(found: list[dict]) -> str:
    """One line per kind of network attempt, for assertion messages."""
    counts = collections.Counter((a["call"], a["target"]) for a in found)
    lines = [f"{n}x {call} {target}" for (call, target), n in counts.most_common()]
    examples = [a.get("strace") or a.get("stack", "") for a in found[:3]]
    return "\n".join([*lines, "first ones:", *map(str, examples)])
