"""``deliver.review: required``: the sheet waits in the archive until a researcher publishes it.

With ``auto`` (the default) every finished sheet goes to the klantmanager's outbox at once,
as before. With ``required`` a sheet of a recording nobody has published yet is kept in
``archive/<id>/review/held/`` instead, ``kijkwijzer status`` lists it, and the publish on the
review desk delivers it (and removes the held copy).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipeline.fsutil import atomic_write_bytes, private_dir
from pipeline.ingest.layout import DataRoot
from pipeline.review.records import is_published, load_records, review_dir
from pipeline.settings import Settings

HELD_DIR = "held"


def held_dir(root: DataRoot, recording_id: str) -> Path:
    """Where a sheet waiting for review is kept."""
    return review_dir(root, recording_id) / HELD_DIR


def must_hold(settings: Settings, root: DataRoot, recording_id: str) -> bool:
    """Whether this recording's sheet waits for a researcher instead of being delivered."""
    return settings.deliver.review == "required" and not is_published(load_records(root, recording_id))


def hold_sheet(sheet_dir: Path, root: DataRoot, recording_id: str, settings: Settings) -> Path:
    """Keep the sheet files (``deliver.files``) in the held folder, replacing any earlier copy whole."""
    target = held_dir(root, recording_id)
    private_dir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{HELD_DIR}.", suffix=".tmp", dir=target.parent))
    try:
        for name in settings.deliver.files:
            source = Path(sheet_dir) / name
            if source.is_file():
                atomic_write_bytes(staging / name, source.read_bytes())
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def release_hold(root: DataRoot, recording_id: str) -> None:
    """Remove the held copy once the sheet is delivered."""
    shutil.rmtree(held_dir(root, recording_id), ignore_errors=True)


def waiting_for_review(root: DataRoot) -> list[str]:
    """Ids of the recordings whose sheet waits for review (read-only, for ``status``)."""
    waiting = []
    for paths in root.recordings():
        try:
            if (held_dir(root, paths.recording_id) / "sheet.html").is_file():
                waiting.append(paths.recording_id)
        except OSError:
            continue  # removed while we looked
    return waiting
