"""Settings of the orchestration: Prefect, the inbox watcher, ingest limits, retention.

Everything that decides whether a file is accepted (size, name, sidecar limits) is
configuration, because a municipality's privacy officer must be able to read and tighten
it without reading code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from pipeline.settings.base import Section


class WatchSettings(Section):
    """How the inbox is watched and when a dropped file counts as complete."""

    poll_interval_s: float = Field(5.0, gt=0)
    # A file (and its sidecar) is complete when it has not been written to for this long;
    # a copy that is still running keeps refreshing the modification time.
    settle_s: float = Field(10.0, ge=0)
    # A complete media file still without a consent sidecar after this long is quarantined.
    consent_grace_s: float = Field(60.0, ge=0)
    skip_suffixes: list[str] = Field(
        default_factory=lambda: [".part", ".tmp", ".crdownload", ".partial", ".download", ".swp"]
    )


class SidecarLimits(Section):
    """Limits for the consent YAML: it is small, flat data, so anything else is refused."""

    max_bytes: int = Field(16_384, gt=0)
    max_scalar_chars: int = Field(512, gt=0)
    max_nodes: int = Field(200, gt=0)
    max_depth: int = Field(4, gt=0)


class IngestSettings(Section):
    """What the inbox accepts; everything else goes to quarantine with a reason."""

    max_media_bytes: int = Field(8 * 1024**3, gt=0)
    max_name_bytes: int = Field(255, gt=0)
    media_suffixes: list[str] = Field(
        default_factory=lambda: [
            ".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus",
            ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wma", ".wmv", ".3gp", ".amr",
        ]
    )  # fmt: skip
    sidecar_suffix: str = ".consent.yaml"
    sidecar: SidecarLimits = SidecarLimits()


class RetentionSettings(Section):
    """How long quarantined inputs are kept; archived recordings follow their consent record."""

    quarantine_days: int = Field(30, ge=0)


class OrchestrationSettings(Section):
    """Prefect runtime, task runner and the ingest rules of the inbox."""

    # A running Prefect API (e.g. http://10.0.0.5:4200/api); PREFECT_API_URL also works.
    api_url: str | None = None
    # Each command's Prefect settings; null means <root>/.prefect (for `process`:
    # <out>/../.kijkwijzer/prefect). The local server (its database, lock and server.json)
    # is one per user in $XDG_DATA_HOME/kijkwijzer/prefect-server, or here when this is set.
    prefect_home: Path | None = None
    server_host: str = "127.0.0.1"
    server_port: int = Field(4200, ge=1, le=65535)  # `kijkwijzer server`
    server_startup_timeout_s: float = Field(180.0, gt=0)
    # The local server a command starts when none runs is kept this long for the next
    # command; 0 stops it when the command ends.
    server_idle_shutdown_s: float = Field(900.0, ge=0)
    task_runner: Literal["threads", "dask"] = "threads"
    max_workers: int = Field(2, ge=1)
    # Stages run this many steps lower in CPU priority, or "idle": in the OS's idle scheduling
    # class (pipeline/stages/priority.py). Diarisation yields the cores to ASR beside it, which
    # the user waits for, and takes both once ASR is done.
    stage_nice: dict[str, Annotated[int, Field(ge=0, le=19)] | Literal["idle"]] = Field(
        default_factory=lambda: {"diarize": "idle"}
    )
    # Later stages' models load this many steps lower while the first stages run
    # (pipeline/stages/warm.py); 0 loads them at normal priority
    warm_nice: int = Field(10, ge=0, le=19)
    dask_address: str | None = None
    watch: WatchSettings = WatchSettings()
    ingest: IngestSettings = IngestSettings()
    retention: RetentionSettings = RetentionSettings()
