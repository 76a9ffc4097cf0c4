"""The task runner a flow fans out with: local threads, or an existing Dask cluster."""

from __future__ import annotations

from typing import Any

from pipeline.settings import Settings


def task_runner(settings: Settings) -> Any:
    """``ThreadPoolTaskRunner`` by default; ``DaskTaskRunner(address=…)`` for a cluster.

    With ``task_runner: dask`` and no address, a local Dask cluster of ``max_workers``
    single-threaded processes is started (the ProcessPool runner cost about 20 s to start,
    Dask's local cluster less, and it uses both cores for ASR without sharing a GIL).
    """
    config = settings.orchestration
    if config.dask_address or config.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if config.dask_address:
            return DaskTaskRunner(address=config.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": config.max_workers, "threads_per_worker": 1, "processes": True}
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=config.max_workers)
