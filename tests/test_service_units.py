"""The systemd units in deploy/systemd: they verify, restart on failure and are hardened.

``systemd-analyze verify`` checks the real unit files (with the install path pointed at this
checkout, since it also checks that the command exists). The hardening the README and the
privacy section promise is checked on the files themselves, so it cannot silently go.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
UNITS = PROJECT / "deploy" / "systemd"
INSTALL_DIR = "/opt/kijkwijzer"
DATA_ROOT = "/srv/kijkwijzer"
SERVICES = ("kijkwijzer-watch.service", "kijkwijzer-purge.service")


def _settings(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_verify(tmp_path: Path) -> None:
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8").replace(INSTALL_DIR, str(PROJECT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    assert (PROJECT / ".venv" / "bin" / "kijkwijzer").exists(), "run `make setup` first"
    names = sorted(p.name for p in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert complaints == []


@pytest.mark.parametrize("name", SERVICES)
def test_services_are_hardened_and_write_only_the_data_root(name: str) -> None:
    unit = _settings(name)
    for key, value in {
        "PrivateNetwork": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "UMask": "0077",
        "ProtectHome": "yes", "PrivateTmp": "yes", "User": "kijkwijzer", "CapabilityBoundingSet": "",
    }.items():  # fmt: skip
        assert unit.get(key) == [value], (name, key, unit.get(key))
    assert unit["ReadWritePaths"] == [DATA_ROOT]  # the only writable path
    [command] = unit["ExecStart"]
    assert re.search(rf"--root {re.escape(DATA_ROOT)}(\s|$)", command), command
    assert unit["Environment"] == [f"KIJKWIJZER_ROOT={DATA_ROOT}"]


def test_watch_restarts_on_failure_and_purge_runs_daily() -> None:
    watch = _settings("kijkwijzer-watch.service")
    assert watch["Restart"] == ["on-failure"] and watch["KillSignal"] == ["SIGTERM"]
    assert watch["ExecStart"][0].endswith("watch --root /srv/kijkwijzer")
    purge = _settings("kijkwijzer-purge.service")
    assert purge["Type"] == ["oneshot"] and " purge " in purge["ExecStart"][0] + " "
    timer = _settings("kijkwijzer-purge.timer")
    assert timer["Unit"] == ["kijkwijzer-purge.service"] and timer["OnCalendar"] == ["daily"]
    assert timer["Persistent"] == ["true"]
