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
import asyncio
import os
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


class IdleExitServer(uvicorn.Server):
    """uvicorn's server, stopping when idle, and ticking every 2 s: 10/s was most idle CPU."""

    def __init__(self, config: uvicorn.Config, tracker: ActivityTracker, url: str, idle_exit: float) -> None:
        super().__init__(config)
        self.tracker, self.url, self.idle_exit = tracker, url, idle_exit

    async def main_loop(self) -> None:
        """Announce the server (it is listening now), then tick until told to stop or idle."""
        write_server_info(self.url, os.getpid(), mode="local")
        migrated_marker(Path(os.environ["PREFECT_HOME"])).touch(mode=0o600)
        while not await self.on_tick(0):  # tick 0 also refreshes the Date header each time
            if 0 < self.idle_exit < self.tracker.idle_for():
                return
            await asyncio.sleep(2.0)


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
    server = IdleExitServer(config, tracker, f"http://{args.host}:{args.port}/api", args.idle_exit)
    try:
        server.run()
    finally:
        forget_server_info(os.getpid())


if __name__ == "__main__":
    main()
