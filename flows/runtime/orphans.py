"""Flow runs whose command was killed: mark them Crashed instead of Running forever.

A command killed with ``kill -9`` (or by the OOM killer, or a power cut) cannot report
its end, so Prefect keeps showing its flow and task runs as Running. The next command
finds the work unfinished and redoes it, but the UI would still show the dead run as
busy. Every flow run a command starts carries two tags, the host and the process id; a
later command on the same host marks the runs of processes that no longer exist as
Crashed. Runs of other hosts sharing one API are left alone: they cannot be checked here.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)

HOST_TAG = "kijkwijzer-host:"
PID_TAG = "kijkwijzer-pid:"


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (someone else's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_tags() -> tuple[str, str]:
    """The tags that name this process as the owner of the flow runs it starts."""
    return f"{HOST_TAG}{socket.gethostname()}", f"{PID_TAG}{os.getpid()}"


def _owner_pid(tags: list[str]) -> int | None:
    for tag in tags:
        if tag.startswith(PID_TAG) and tag[len(PID_TAG) :].isdigit():
            return int(tag[len(PID_TAG) :])
    return None


def mark_orphaned_runs_crashed() -> int:
    """Mark unfinished flow runs (and their task runs) of dead processes on this host as
    Crashed; returns how many flow runs were marked. Needs an active Prefect API.

    Tidying the UI must never stop a command from doing its work, so an API that refuses
    is logged and skipped.
    """
    import httpx

    try:
        return _mark_orphans()
    except httpx.HTTPError as exc:  # includes Prefect's PrefectHTTPStatusError
        log.warning("could not mark the flow runs of killed commands as crashed: %s", exc)
        return 0


def _mark_orphans() -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        FlowRunFilterTags,
        TaskRunFilter,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    unfinished = [StateType.PENDING, StateType.RUNNING]
    marked = 0
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=unfinished)),
                tags=FlowRunFilterTags(all_=[owner_tags()[0]]),
            )
        )
        for run in runs:
            pid = _owner_pid(run.tags)
            if pid is None or process_alive(pid):
                continue
            message = f"process {pid} ended without reporting (killed?); a later run redoes the work"
            tasks = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id={"any_": [run.id]}),
                task_run_filter=TaskRunFilter(
                    state=TaskRunFilterState(type=TaskRunFilterStateType(any_=unfinished))
                ),
            )
            for task in tasks:
                client.set_task_run_state(task.id, Crashed(message=message), force=True)
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            marked += 1
    return marked
