"""Shared test set-up: one Prefect home (and its local server) for the whole session.

Every ``kijkwijzer`` command and in-process flow in the test session uses the Prefect
database under ``.pytest_cache/kijkwijzer-prefect``: a fresh database takes 20-75 s to
migrate on two cores, so it is created once (and kept between local runs), and the local
Prefect server the first command starts is reused by all later ones and stopped at the end.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest


def _prefect_home(config: pytest.Config) -> Path:
    return Path(config.rootpath) / ".pytest_cache" / "kijkwijzer-prefect"


def pytest_configure(config: pytest.Config) -> None:
    from flows.runtime import configure_environment

    home = _prefect_home(config)
    os.environ.setdefault("KIJKWIJZER_ORCHESTRATION__PREFECT_HOME", str(home))
    configure_environment(home)  # before anything imports Prefect, which reads it at import


def pytest_unconfigure(config: pytest.Config) -> None:
    from flows.runtime import read_server_info

    info = read_server_info(_prefect_home(config))
    if info is not None and info.get("mode") in ("local", "starting"):
        os.kill(int(info["pid"]), signal.SIGTERM)
