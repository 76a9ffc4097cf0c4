"""The runtime that serves Prefect: which API the flows use, the local server, orphaned runs.

- :mod:`flows.runtime.server`: find, start or reuse the Prefect API (import this first);
- :mod:`flows.runtime.local_server`: the headless local server process;
- :mod:`flows.runtime.orphans`: mark the runs of killed commands Crashed.
"""

from flows.runtime.server import (
    Runtime,
    configure_environment,
    migrated_marker,
    read_server_info,
    serve_ui,
    start_runtime,
    stop_server,
)

__all__ = [
    "Runtime",
    "configure_environment",
    "migrated_marker",
    "read_server_info",
    "serve_ui",
    "start_runtime",
    "stop_server",
]
