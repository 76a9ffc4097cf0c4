"""A headless Prefect API server for one data root, started on demand by the CLI.

Run as ``python -m flows.runtime.local_server --port P --idle-exit S``. It is Prefect's own
server application (``create_app(ephemeral=True)``: the API and the services that record
flow and task runs, no UI), served by uvicorn on loopback. It stops by itself after
``S`` seconds without any open request or websocket, so a researcher's machine is not
left with a server nobody uses, while the next command within that window starts in
seconds instead of waiting for a fresh server.

PREFECT_HOME and the other Prefect settings come from the environment set by
:mod:`flows.runtime.server`.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from flows.runtime.server import forget_server_info, migrated_marker, write_server_info


class ActivityTracker:
    """ASGI middleware that knows whether any client is connected and since when not."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.active = 0
        self.last_activity = time.monotonic()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self.last_activity = time.monotonic()

    def idle_for(self) -> float:
        """Seconds without an open connection (0 while one is open)."""
        return 0.0 if self.active else time.monotonic() - self.last_activity


def _watch(server: uvicorn.Server, tracker: ActivityTracker, url: str, idle_exit: float) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    write_server_info(url, os.getpid(), mode="local")
    marker = migrated_marker(Path(os.environ["PREFECT_HOME"]))
    if not marker.exists():
        marker.touch(mode=0o600)
    while not server.should_exit:
        time.sleep(1.0)
        if idle_exit > 0 and tracker.idle_for() > idle_exit:
            server.should_exit = True


def _slow_background_polling(poll_s: float) -> None:
    """Let the server's background-task worker poll every ``poll_s`` instead of every 0.25 s.

    Prefect's docket worker checks its in-memory queue four times a second, which is
    most of an idle server's CPU (1.5% of a core here). Its tasks (log clean-up, the
    database vacuum) can wait a few seconds; flow and task states do not go through it.
    """
    from datetime import timedelta
    from functools import partial

    import prefect.server.api.background_workers as workers

    interval = timedelta(seconds=poll_s)
    workers.Worker = partial(workers.Worker, minimum_check_interval=interval, scheduling_resolution=interval)


def main(argv: list[str] | None = None) -> None:
    """Serve the Prefect API until idle for ``--idle-exit`` seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-exit", type=float, default=900.0)
    parser.add_argument("--poll-s", type=float, default=30.0, help="background-task polling interval")
    args = parser.parse_args(argv)
    os.umask(0o077)

    _slow_background_polling(args.poll_s)
    from prefect.server.api.server import create_app

    tracker = ActivityTracker(create_app(ephemeral=True, final=True))
    config = uvicorn.Config(tracker, host=args.host, port=args.port, log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    url = f"http://{args.host}:{args.port}/api"
    watcher = threading.Thread(target=_watch, args=(server, tracker, url, args.idle_exit), daemon=True)
    watcher.start()
    try:
        server.run()
    finally:
        forget_server_info(os.getpid())


if __name__ == "__main__":
    main()
