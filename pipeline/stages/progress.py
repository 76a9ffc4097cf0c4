"""Stage progress for the terminal, without coupling the stages to the CLI.

Tasks report through :func:`report`; the CLI installs a reporter that draws progress
bars. On a Dask worker no reporter is installed and reports are dropped, which is fine:
the Prefect UI shows each task's state there.
"""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[str, str, str, float | None, float | None], None]
_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    """Install ``reporter(recording_id, stage, event, done, total)`` for this process."""
    global _reporter
    _reporter = reporter


def report(
    recording_id: str, stage: str, event: str, done: float | None = None, total: float | None = None
) -> None:
    """Events: submitted (recording ``*``, ``total`` recordings), start, progress, done (in the
    task), finished, cached, failed (seen by the flow); ``done``/``total`` in stage units."""
    if _reporter is not None:
        _reporter(recording_id, stage, event, done, total)
