"""Shared test set-up: a private Prefect home (and local server) for the test session.

Every ``kijkwijzer`` command and in-process flow of the session uses one Prefect home, so
the local Prefect server the first command starts is reused by all later ones, and it is
stopped when the session ends. Migrating a fresh Prefect database takes 20-75 s on two
cores, so the session starts from a migrated copy kept in ``.pytest_cache`` when there is
one, and leaves one there for the next session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_DB_FILES = ("prefect.db", "prefect.db-wal", "prefect.db-shm", "memo_store.toml")


def _base(config: pytest.Config) -> Path:
    return Path(config.rootpath) / ".pytest_cache" / "kijkwijzer-prefect"


def pytest_configure(config: pytest.Config) -> None:
    from flows.runtime.server import configure_environment

    base = _base(config)
    base.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="session-", dir=base))
    template = base / "template"
    if template.is_dir():
        for path in template.iterdir():
            shutil.copy2(path, home / path.name)
    config.stash[_HOME] = home
    os.environ["KIJKWIJZER_ORCHESTRATION__PREFECT_HOME"] = str(home)
    configure_environment(home)  # before anything imports Prefect, which reads it at import


def pytest_unconfigure(config: pytest.Config) -> None:
    from flows.runtime.server import migrated_marker, stop_server

    home = config.stash.get(_HOME, None)
    if home is None:
        return
    stop_server(home)
    template = _base(config) / "template"
    if not template.exists() and migrated_marker(home).exists():
        staging = Path(tempfile.mkdtemp(prefix="template-", dir=_base(config)))
        for name in (*_DB_FILES, migrated_marker(home).name):
            if (home / name).exists():
                shutil.copy2(home / name, staging / name)
        try:
            staging.rename(template)
        except OSError:
            shutil.rmtree(staging)  # another session saved one first
    shutil.rmtree(home, ignore_errors=True)


_HOME = pytest.StashKey[Path]()
