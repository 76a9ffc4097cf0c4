"""``kijkwijzer review`` (the researcher's desk) and ``kijkwijzer export-corrections``.

The desk is a local web page served on 127.0.0.1 by uvicorn in a background thread. Its
publish button asks the main thread to run the ``reprocess-archive`` flow for that one
recording under the root lock, like ``kijkwijzer reprocess``: only the stages whose keys the
corrections changed run again. Which ones is read from the stage cache before and after
(a result folder is named by its key), so the answer is what the cache proves, not what the
code intended.
"""

from __future__ import annotations

import getpass
import queue
import signal
import socket
import threading
import webbrowser
from concurrent.futures import Future
from pathlib import Path
from typing import Annotated, Any

import typer

from kijkwijzer.cli.app import app, state
from kijkwijzer.cli.archive_cmd import RootOption, _config, _root, _root_lock, _runtime, _with_runner
from kijkwijzer.cli.process_cmd import run_with_progress


def stage_folders(cache: Path) -> dict[str, str]:
    """Stage name -> its result folder (``<stage>-<key>``) in a recording's cache."""
    found: dict[str, str] = {}
    if cache.is_dir():
        for entry in sorted(cache.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            if entry.is_dir() and not entry.name.startswith(".") and (entry / "result.json").is_file():
                found[entry.name.split("-")[0]] = entry.name
    return found


class Publisher:
    """Runs publishes on the main thread (Prefect flows and the root lock live there)."""

    def __init__(self, data_root: Any) -> None:
        self.data_root = data_root
        self.jobs: queue.Queue[tuple[str, Future[dict[str, Any]]]] = queue.Queue()
        self.runtime: Any = None

    def request(self, recording_id: str) -> dict[str, Any]:
        """Called by the server (a worker thread): wait for the main thread to publish."""
        done: Future[dict[str, Any]] = Future()
        self.jobs.put((recording_id, done))
        return done.result()

    def serve(self, alive: threading.Thread) -> None:
        """Handle publish requests until the server thread ends."""
        while alive.is_alive():
            try:
                recording_id, done = self.jobs.get(timeout=0.3)
            except queue.Empty:
                continue
            try:
                done.set_result(self.publish(recording_id))
            except Exception as exc:  # reported to the page; the desk keeps running
                done.set_exception(exc)

    def publish(self, recording_id: str) -> dict[str, Any]:
        """Re-run what the published corrections touch and deliver (or hold) the sheet."""
        from pipeline.errors import KijkwijzerError
        from pipeline.review.hold import held_dir

        cache = self.data_root.recording(recording_id).cache
        before = stage_folders(cache)
        with _root_lock(self.data_root):
            self.runtime = self.runtime or _runtime(self.data_root)  # before anything imports Prefect
            from flows.reprocess import reprocess_archive

            flow = _with_runner(reprocess_archive)
            summary = run_with_progress(
                self.runtime,
                False,
                lambda: flow(str(self.data_root.path), [recording_id], None, False, _config()),
            )
        if summary.failed:
            raise KijkwijzerError(summary.failed[0].message)
        after = stage_folders(cache)
        return {
            "ran": [stage for stage, folder in after.items() if before.get(stage) != folder],
            "cached": [stage for stage, folder in after.items() if before.get(stage) == folder],
            "held": (held_dir(self.data_root, recording_id) / "sheet.html").is_file(),
        }

    def stop(self) -> None:
        """Stop the Prefect runtime if a publish started it."""
        if self.runtime is not None:
            self.runtime.stop()


@app.command()
def review(
    recording_id: Annotated[
        str | None, typer.Argument(help="Open this recording (default: the list).")
    ] = None,
    root: RootOption = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (default: any free one).")] = 0,
    researcher: Annotated[
        str | None, typer.Option("--researcher", help="Name in the correction records (default: login name).")
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the page in a browser.")
    ] = True,
) -> None:
    """Open the review desk: check and correct the proposal, add notes, publish the sheet."""
    import uvicorn

    from pipeline.desk.app import DeskConfig, create_app
    from pipeline.desk.state import reviewable
    from pipeline.errors import KijkwijzerError
    from pipeline.ingest.hashing import check_recording_id

    data_root = _root(root)
    if recording_id is not None:
        check_recording_id(recording_id)
        if recording_id not in {paths.recording_id for paths in reviewable(data_root)}:
            raise KijkwijzerError(
                f"{recording_id}: no processed recording with this id (see `kijkwijzer status`)"
            )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", port))  # loopback only: nothing else on the network can connect
    listener.listen(16)
    bound = listener.getsockname()[1]
    publisher = Publisher(data_root)
    config = DeskConfig.new(
        data_root, state.settings, researcher or getpass.getuser(), publisher.request, bound
    )
    url = f"http://127.0.0.1:{bound}/{config.token}/" + (f"r/{recording_id}/" if recording_id else "")
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", access_log=False, lifespan="off")
    )
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stop ends like Ctrl-C
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    typer.echo(f"review desk: {url}", err=False)
    typer.echo("stop with Ctrl-C", err=True)
    if browser:
        webbrowser.open(url)
    try:
        publisher.serve(thread)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        publisher.stop()
        listener.close()


@app.command("export-corrections")
def export_corrections(
    recording_ids: Annotated[list[str] | None, typer.Argument(help="Recording ids (default: all).")] = None,
    root: RootOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write <id>.json here (default: archive/<id>/research/).")
    ] = None,
) -> None:
    """Write researchers' corrected turns and labels as a pseudonymised labelled set (research use only)."""
    from pipeline.desk.labelled_export import NotForResearch, export_recording
    from pipeline.desk.state import reviewable
    from pipeline.ingest.hashing import check_recording_id

    data_root = _root(root)
    chosen = [check_recording_id(rid) for rid in recording_ids] if recording_ids else None
    available = {paths.recording_id for paths in reviewable(data_root)}
    written = 0
    for recording_id in chosen or sorted(available):
        if recording_id not in available:
            typer.echo(f"skipped {recording_id}: no processed recording with this id", err=True)
            continue
        try:
            path = export_recording(data_root, recording_id, state.settings, out)
        except NotForResearch as exc:
            typer.echo(f"skipped {exc}", err=True)
            continue
        typer.echo(f"wrote {path}")
        written += 1
    typer.echo(f"exported: {written}")
