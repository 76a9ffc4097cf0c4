"""Where the flows find their Prefect API, with little start-up cost and nothing in ``~``.

Prefect 3 needs an API server for every flow run; without ``PREFECT_API_URL`` it starts a
temporary one per process (20-56 s on two cores: importing it, migrating a fresh SQLite
database). So the order is: 1. ``orchestration.api_url`` or ``PREFECT_API_URL`` (a server
someone runs, shared, with UI); 2. ``server.json`` in PREFECT_HOME (``kijkwijzer server``
for this data root); 3. ``server.json`` in :func:`local_server_home` (one per host and
user, or the configured ``orchestration.prefect_home``): the local server an earlier
command started, whatever its ``--out`` or ``--root``; 4. otherwise start
:mod:`flows.runtime.local_server` there: the first command waits for it, later ones reuse
it, and it stops itself after ``server_idle_shutdown_s``.

PREFECT_HOME lives inside the data root (``process``: next to ``--out``), telemetry is
off (``DO_NOT_TRACK``, server analytics), and Prefect's own temporary server is disabled
so a misconfiguration fails fast. Call :func:`start_runtime` before importing Prefect.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flows.runtime.orphans import process_alive
from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_json, private_dir
from pipeline.loopback import ensure_loopback, free_port
from pipeline.settings import Settings

_FIXED_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "PYANNOTE_METRICS_ENABLED": "false",
}
_IDLE_SERVICES = ("TRIGGERS", "FOREMAN", "LATE_RUNS", "SCHEDULER", "PAUSE_EXPIRATIONS", "REPOSSESSOR",
                  "CANCELLATION_CLEANUP", "CLEANUP_RECONCILER")  # fmt: skip
_INFO_FILE = "server.json"
_HEALTH_TIMEOUT_S = 2.0


def configure_environment(home: Path, quiet: bool = True) -> None:
    """Point Prefect at ``home`` and switch off everything that phones home."""
    private_dir(home)
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.update(_FIXED_ENV)
    if quiet:
        # Runs still log to the API (the UI shows them); the terminal shows progress bars
        # and one-line errors instead of Prefect's log lines and tracebacks.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def _home() -> Path:
    return Path(os.environ["PREFECT_HOME"])


def write_server_info(url: str, pid: int, mode: str) -> None:
    """Announce a server for this PREFECT_HOME so later commands find it."""
    atomic_write_json(_home() / _INFO_FILE, {"url": url, "pid": pid, "mode": mode})


def read_server_info(home: Path) -> dict | None:
    """The announced server of ``home``, if its process is still alive."""
    try:
        info = json.loads((home / _INFO_FILE).read_text(encoding="utf-8"))
        alive = process_alive(int(info["pid"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    return info if alive else None


def forget_server_info(pid: int) -> None:
    """Remove the announcement if it is ours (called by a server on exit)."""
    path = _home() / _INFO_FILE
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
        if json.loads(path.read_text(encoding="utf-8"))["pid"] == pid:
            path.unlink()


def stop_server(home: Path, timeout_s: float = 10.0) -> None:
    """Stop the server announced in ``home`` (tests and benchmarks clean up after themselves)."""
    info = read_server_info(home)
    if info is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(int(info["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while read_server_info(home) is not None and time.monotonic() < deadline:
        time.sleep(0.1)


def api_healthy(url: str, timeout: float = _HEALTH_TIMEOUT_S) -> bool:
    """Whether the Prefect API at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    fd = os.open(home / "server.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@dataclass
class Runtime:
    """The Prefect API the flows of this process use."""

    api_url: str
    mode: str  # configured | server | local (reused) | started (by this command)
    home: Path
    process: subprocess.Popen | None = None
    startup_timeout_s: float = 180.0
    stop_at_exit: bool = False
    started_at: float = field(default_factory=time.monotonic)

    def wait_ready(self) -> float:
        """Block until the API answers; returns the seconds waited. Fails with a clear message."""
        begin = time.monotonic()
        while not api_healthy(self.api_url, timeout=1.0):
            if self.mode == "configured" or (self.mode == "server" and self.process is None):
                raise KijkwijzerError(
                    f"Prefect API at {self.api_url} is not reachable (start it, or unset "
                    "orchestration.api_url / PREFECT_API_URL to use a local server)"
                )
            if self.process is not None and self.process.poll() is not None:
                log = self.home / "server.log"
                raise KijkwijzerError(f"the local Prefect server exited at start-up; see {log}")
            if time.monotonic() - self.started_at > self.startup_timeout_s:
                raise KijkwijzerError(
                    f"the local Prefect server did not answer within {self.startup_timeout_s:.0f} s "
                    "(raise orchestration.server_startup_timeout_s; see server.log in PREFECT_HOME)"
                )
            time.sleep(0.1)
        return time.monotonic() - begin

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Run flows against this API, even if Prefect was imported before start-up.

        Flow runs started inside are tagged with this host and process, and runs of killed
        commands are marked Crashed first (:mod:`flows.runtime.orphans`).
        """
        self.wait_ready()
        from prefect import tags
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.runtime.orphans import mark_orphaned_runs_crashed, owner_tags

        with temporary_settings(updates={PREFECT_API_URL: self.api_url}), tags(*owner_tags()):
            mark_orphaned_runs_crashed()
            yield

    def stop(self) -> None:
        """Stop the server this command started, if it is not meant to outlive the command."""
        if self.process is not None and self.stop_at_exit and self.process.poll() is None:
            if "prefect" in sys.modules:  # send the last events and logs while the API still listens
                from prefect.events.worker import EventsWorker
                from prefect.logging.handlers import APILogWorker

                EventsWorker.drain_all(timeout=10)
                APILogWorker.drain_all(timeout=10)
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        elif self.process is not None and self.process.poll() is None:
            # The server outlives this command on purpose (it stops itself when idle);
            # release the handle so Python does not warn about a child still running.
            self.process.returncode = 0


def migrated_marker(home: Path) -> Path:
    """Exists once a server of this Prefect version has migrated the database in ``home``."""
    return home / f".migrated-prefect-{importlib.metadata.version('prefect')}"


def local_server_home() -> Path:
    """The per-user folder of the local server: its database, ``server.json`` and lock.

    One server per host and user, whatever ``--out`` or ``--root`` a command has, found
    through this folder (``$XDG_DATA_HOME/kijkwijzer/prefect-server``, by default
    ``~/.local/share/kijkwijzer/prefect-server``). Only the server keeps files here; each
    command's own Prefect home stays in its data root.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kijkwijzer" / "prefect-server"


def _spawn_local_server(home: Path, host: str, idle_exit_s: float) -> tuple[str, subprocess.Popen]:
    port = free_port(host)
    # Headless: no deployment, worker, schedule, pause or automation loops (task runs, events stay).
    env = dict(os.environ, PREFECT_HOME=str(home))
    env.update({f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in _IDLE_SERVICES})
    if migrated_marker(home).exists() and (home / "prefect.db").exists():
        # Checking the migrations costs seconds on every start; it is done once per version.
        env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
    log = open(home / "server.log", "ab")  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.runtime.local_server", "--host", host, "--port", str(port),
         "--idle-exit", str(idle_exit_s)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True,
        cwd=Path(__file__).resolve().parents[2], env=env,
    )  # fmt: skip
    log.close()
    url = f"http://{host}:{port}/api"
    atomic_write_json(home / _INFO_FILE, {"url": url, "pid": process.pid, "mode": "starting"})
    return url, process


def start_runtime(settings: Settings, home: Path, quiet: bool = True) -> Runtime:
    """Choose (and if needed start) the Prefect API; call before importing Prefect.

    Returns at once; the server may still be starting, so the caller can import the
    pipeline meanwhile and call :meth:`Runtime.wait_ready` (or :meth:`Runtime.active`).
    """
    if "prefect" in sys.modules and os.environ.get("PREFECT_HOME") != str(home):
        # Prefect reads its home and logging set-up at import; too late to change them now.
        raise RuntimeError(f"Prefect was imported before its runtime was configured for {home}")
    orchestration = settings.orchestration
    configured = orchestration.api_url or os.environ.get("PREFECT_API_URL")
    configure_environment(home, quiet)
    timeout = orchestration.server_startup_timeout_s
    if configured:
        os.environ["PREFECT_API_URL"] = configured
        return Runtime(configured, "configured", home, startup_timeout_s=timeout)
    ensure_loopback()
    # `kijkwijzer server` for this data root first; then the local server, which lives in
    # the home when one is configured (tests, pinned installs) and per user otherwise.
    server_home = home if orchestration.prefect_home else private_dir(local_server_home())
    for where in dict.fromkeys([home, server_home]):
        with _locked(where):
            info = read_server_info(where)
            if info is None or (where != server_home and info["mode"] != "ui"):
                continue
            runtime = Runtime(info["url"], "server" if info["mode"] == "ui" else "local", home)
            runtime.startup_timeout_s = timeout
            if info["mode"] == "starting" or api_healthy(info["url"]):
                os.environ["PREFECT_API_URL"] = info["url"]
                return runtime
    with _locked(server_home):
        info = read_server_info(server_home)
        if info is not None and (info["mode"] == "starting" or api_healthy(info["url"])):
            os.environ["PREFECT_API_URL"] = info["url"]  # another command started it meanwhile
            return Runtime(info["url"], "local", home, startup_timeout_s=timeout)
        idle = orchestration.server_idle_shutdown_s
        url, process = _spawn_local_server(server_home, orchestration.server_host, idle or 60.0)
    os.environ["PREFECT_API_URL"] = url
    return Runtime(url, "started", server_home, process, timeout, stop_at_exit=idle == 0)


def serve_ui(settings: Settings, home: Path) -> None:
    """Run Prefect's full server with its UI in the foreground (``kijkwijzer server``)."""
    orchestration = settings.orchestration
    configure_environment(home, quiet=False)
    os.environ["PREFECT_UI_ENABLED"] = "true"
    os.environ.pop("PREFECT_API_URL", None)
    host, port = orchestration.server_host, orchestration.server_port
    url = f"http://{host}:{port}/api"
    if api_healthy(url):
        raise KijkwijzerError(f"a server already answers at {url} (use it or set orchestration.server_port)")
    prefect = Path(sys.executable).with_name("prefect")
    process = subprocess.Popen([str(prefect), "server", "start", "--host", host, "--port", str(port)])
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C: server first
    try:
        runtime = Runtime(url, "server", home, process, orchestration.server_startup_timeout_s)
        runtime.wait_ready()
        write_server_info(url, process.pid, mode="ui")
        print(f"Prefect UI: http://{host}:{port}  (PREFECT_HOME={home}; Ctrl-C stops it)", flush=True)
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=30)
    finally:
        forget_server_info(process.pid)
