"""Commands on a data root: watch, reprocess, status, server, purge, forget.

The data root is ``--root DIR``, else ``KIJKWIJZER_ROOT``, else ``root`` in the config.
Commands that change the archive hold a lock on the root, so a reprocess and a watch
cycle never work on the same recording at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from kijkwijzer.cli.app import app, state
from kijkwijzer.cli.process_cmd import run_with_progress

RootOption = Annotated[
    Path | None, typer.Option("--root", help="Data root (default: KIJKWIJZER_ROOT or `root` in the config).")
]


def _root(root: Path | None) -> Any:
    """The data root; ``--root`` is exported as KIJKWIJZER_ROOT so the flows' settings agree."""
    from pipeline.ingest.layout import DataRoot

    if root is not None:
        os.environ["KIJKWIJZER_ROOT"] = str(root.resolve())
        state._settings = None  # reload: voice profiles and intentions live under the root
    settings = state.settings
    return DataRoot(settings.resolve(settings.root).resolve())


def _root_lock(data_root: Any) -> Any:
    """One command at a time changes a data root; a second one waits for the first."""
    from pipeline.ingest.locks import root_lock

    message = "waiting for another kijkwijzer command on this data root…"
    return root_lock(data_root, on_wait=lambda: typer.echo(message, err=True))


def _runtime(data_root: Any) -> Any:
    from flows.runtime.server import start_runtime

    settings = state.settings
    home = settings.orchestration.prefect_home
    home_dir = settings.resolve(home) if home else data_root.prefect_home
    return start_runtime(settings, home_dir, quiet=not state.debug)


def _config() -> str | None:
    return str(state.config.resolve()) if state.config else None


def _with_runner(flow: Any) -> Any:
    from flows.runners import task_runner

    return flow.with_options(task_runner=task_runner(state.settings))


def _has_work(data_root: Any) -> bool:
    from pipeline.ingest.inbox import claims_in_work, scan_inbox
    from pipeline.ingest.records import unfinished_recordings

    ready, _ = scan_inbox(data_root, state.settings.orchestration)
    return bool(ready or claims_in_work(data_root) or unfinished_recordings(data_root))


def _print_summary(summary: Any) -> None:
    for line in summary.lines():
        typer.echo(line)


@app.command()
def watch(
    root: RootOption = None,
    once: Annotated[bool, typer.Option("--once", help="Process the inbox once, then exit.")] = False,
) -> None:
    """Watch the inbox: gate, archive and process every complete recording, deliver its sheet."""
    data_root = _root(root).ensure()
    interval = state.settings.orchestration.watch.poll_interval_s
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a service stop ends like Ctrl-C
    runtime = None  # started at the first complete file, so an empty inbox costs nothing
    try:
        while True:
            with _root_lock(data_root):
                if _has_work(data_root):
                    runtime = runtime or _runtime(data_root)
                    from flows.watch import watch_inbox

                    run = functools.partial(_with_runner(watch_inbox), str(data_root.path), _config())
                    summary = run_with_progress(runtime, False, run)
                    _print_summary(summary)
                elif once:
                    typer.echo("inbox: nothing complete to process")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    finally:
        if runtime is not None:
            runtime.stop()


@app.command()
def reprocess(
    root: RootOption = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Rerun from this stage on; earlier stages must be cached.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Recompute even when the cache is current.")] = False,
    klantmanager: Annotated[str | None, typer.Option("--klantmanager", help="Only her recordings.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Recorded on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Recorded on or before (YYYY-MM-DD).")] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Fan out to this Dask scheduler, e.g. tcp://10.0.0.5:8786.")
    ] = None,
) -> None:
    """Reprocess archived recordings; unchanged stages are cache hits, failures are reported."""
    from pipeline.errors import KijkwijzerError
    from pipeline.ingest.records import select_recordings

    def day(text: str | None, option: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError as exc:
            raise KijkwijzerError(f"{option} {text!r}: not a date (use YYYY-MM-DD)") from exc

    data_root = _root(root)  # (re)loads the settings, so the --dask override comes after
    if dask:
        state.settings.orchestration.dask_address = dask
    first, last = day(since, "--since"), day(until, "--until")
    runtime = None
    try:
        with _root_lock(data_root):
            unrepaired = _repair_damaged(data_root)
            chosen = select_recordings(data_root, klantmanager, first, last)
            if not chosen:
                typer.echo("no archived recordings match")
            else:
                from flows.reprocess import reprocess_archive

                runtime = _runtime(data_root)
                flow = _with_runner(reprocess_archive)
                summary = run_with_progress(
                    runtime, False, lambda: flow(str(data_root.path), chosen, stage, force, _config())
                )
                _print_summary(summary)
    finally:
        if runtime is not None:
            runtime.stop()
    if unrepaired or (chosen and summary.failed):
        raise typer.Exit(1)


def _repair_damaged(data_root: Any) -> int:
    """Rebuild damaged ``recording.json`` files first; returns how many could not be rebuilt."""
    from pipeline.errors import KijkwijzerError
    from pipeline.ingest.records import damaged_recordings
    from pipeline.ingest.repair import repair_meta

    failed = 0
    for paths in damaged_recordings(data_root):
        try:
            repair_meta(paths, data_root.audit_log, state.settings.orchestration, "reprocess")
            typer.echo(f"repaired {paths.recording_id}: recording.json rebuilt from its consent and original")
        except KijkwijzerError as exc:
            typer.echo(f"not repaired: {exc}", err=True)
            failed += 1
    return failed


@app.command()
def status(root: RootOption = None) -> None:
    """Show the inbox (file names), the archive and the quarantine (ids and reasons only).

    Read-only: it takes no lock and changes nothing, so it is safe while anything runs.
    Folders that disappear while it looks (a claim being archived, a forget) are skipped.
    """
    from flows.runtime.server import local_server_home, read_server_info
    from pipeline.ingest.inbox import claims_in_work, scan_inbox
    from pipeline.ingest.quarantine import item_id, quarantined_items

    data_root = _root(root)
    settings = state.settings
    ready, waiting = scan_inbox(data_root, settings.orchestration)
    typer.echo(f"data root: {data_root.path}")
    typer.echo(f"inbox: {len(ready)} ready, {len(waiting)} waiting")
    for item in waiting:
        typer.echo(f"  waiting: {item.name!r} ({item.why})")
    claims = claims_in_work(data_root)
    if claims:
        typer.echo(f"claimed, not yet archived: {claims} (the next watch run finishes them)")
    counts, rows, damaged = _archive_rows(data_root)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "empty"
    typer.echo(f"archive: {summary}")
    for row in rows:
        typer.echo(row)
    if damaged:
        typer.echo(f"damaged records: {len(damaged)} (`kijkwijzer reprocess` rebuilds or recomputes them)")
        for row in damaged:
            typer.echo(row)
    from pipeline.review.hold import waiting_for_review

    held = waiting_for_review(data_root)
    if held or settings.deliver.review == "required":
        typer.echo(f"waiting for review: {len(held)} (`kijkwijzer review ID` to check and publish)")
        for recording_id in held:
            typer.echo(f"  {recording_id}")
    items = quarantined_items(data_root)
    typer.echo(f"quarantine: {len(items)}")
    for folder, reason in items:
        typer.echo(f"  {item_id(folder)}: {reason}")
    home = settings.orchestration.prefect_home
    if home:
        info = read_server_info(settings.resolve(home))
    else:  # this root's `kijkwijzer server`, else the user's local server
        info = read_server_info(data_root.prefect_home) or read_server_info(local_server_home())
    typer.echo(f"prefect server: {info['url'] if info else 'none running (the next command starts one)'}")


def _archive_rows(data_root: Any) -> tuple[dict[str, int], list[str], list[str]]:
    """Counts per status, one row per recording, and one row per damaged record (read-only)."""
    from pipeline.ingest.records import meta_problem, try_load_meta
    from pipeline.stages.store import cache_problems

    counts: dict[str, int] = {}
    rows, damaged = [], []
    for paths in data_root.recordings():
        try:
            meta = try_load_meta(paths)
            if meta is None:
                problem = meta_problem(paths)
                if problem is not None and paths.dir.is_dir():  # else: removed while we looked
                    counts["damaged"] = counts.get("damaged", 0) + 1
                    damaged.append(f"  {paths.recording_id}: {problem}")
                continue
            problems = cache_problems(paths.cache)
        except FileNotFoundError:
            continue  # forgotten or purged while we looked
        counts[meta.status] = counts.get(meta.status, 0) + 1
        error = f"  ({meta.error_code})" if meta.error_code else ""
        rows.append(f"  {meta.recording_id}  {meta.consent.recorded_on}  {meta.status}{error}")
        damaged += [f"  {paths.recording_id}: {problem}" for problem in problems]
    return counts, rows, damaged


@app.command()
def server(root: RootOption = None) -> None:
    """Run a Prefect server with its UI for this data root; other commands then use it."""
    from flows.runtime.server import serve_ui

    settings = state.settings
    data_root = _root(root).ensure()
    home = settings.orchestration.prefect_home
    serve_ui(settings, settings.resolve(home) if home else data_root.prefect_home)


@app.command()
def purge(root: RootOption = None) -> None:
    """Remove recordings whose retention has passed (research exports stay if consented)."""
    from pipeline.retention import purge as run_purge

    data_root = _root(root)
    with _root_lock(data_root):
        report = run_purge(data_root, state.settings)
    typer.echo(f"removed: {len(report.removed)} recordings")
    typer.echo(f"personal data removed, pseudonymised research data kept: {len(report.research_kept)}")
    typer.echo(f"expired quarantine items removed: {len(report.quarantine_removed)}")
    if report.damaged:
        typer.echo(f"kept, recording.json damaged (see `kijkwijzer status`): {len(report.damaged)}")


@app.command()
def forget(
    recording_id: Annotated[str, typer.Argument(help="The recording id, e.g. rec-0123456789abcdef.")],
    root: RootOption = None,
) -> None:
    """Erase a recording and everything derived from it, including its outbox folder."""
    from pipeline.retention import forget as run_forget

    data_root = _root(root)
    with _root_lock(data_root):
        removed = run_forget(data_root, recording_id, state.settings)
    for path in removed:
        typer.echo(f"removed {path}")
