"""The headless local Prefect API server, started on demand by the CLI, one per user.

``python -m flows.runtime.local_server --port P --idle-exit S`` serves Prefect's own app
(``create_app(ephemeral=True)``: the API and the services that record runs, no UI) with
uvicorn on loopback, and stops after ``S`` seconds without a request or websocket. Its
environment (PREFECT_HOME, services off) comes from :mod:`flows.runtime.server`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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


def _slow_idle_polling(poll_s: float, slice_s: float) -> None:
    """Poll less while idle: docket's worker every ``poll_s`` (not 0.25 s), its cancellation
    listener every ``slice_s`` (not 0.1 s, each a hop to a thread). Together they were most
    of an idle server's CPU. Their tasks (log clean-up, the vacuum) can wait, a cancel still
    arrives at once, and flow and task states go through neither."""
    import queue
    from datetime import timedelta
    from functools import partial

    import prefect.server.api.background_workers as workers
    from burner_redis.pubsub import PubSub

    interval = timedelta(seconds=poll_s)
    workers.Worker = partial(workers.Worker, minimum_check_interval=interval, scheduling_resolution=interval)

    async def queue_get(self: PubSub, timeout: float | None) -> Any:
        while True:
            with contextlib.suppress(queue.Empty):
                if timeout == 0.0:
                    return self._queue.get_nowait()
                return await asyncio.to_thread(self._queue.get, True, max(timeout or 0.0, slice_s))
            if timeout is not None:
                return None

    PubSub._queue_get = queue_get


def main(argv: list[str] | None = None) -> None:
    """Serve the Prefect API until idle for ``--idle-exit`` seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-exit", type=float, default=900.0)
    parser.add_argument("--poll-s", type=float, default=30.0, help="background-task polling interval")
    parser.add_argument("--cancel-poll-s", type=float, default=2.0, help="cancel listener, as the tick")
    args = parser.parse_args(argv)
    os.umask(0o077)
    _slow_idle_polling(args.poll_s, args.cancel_poll_s)
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
