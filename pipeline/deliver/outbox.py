"""Deliver a finished sheet into the klantmanager's outbox.

``outbox/<klantmanager-folder>/<date>_<recording-id>/`` gets the sheet in every format,
fragments.json, and the recording as ``opname.<ext>`` so the sheet's player works when the
folder is opened on its own. Everything is owner-only; files are replaced atomically, so a
re-delivery after reprocessing never leaves a mix of old and new files.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from datetime import date
from pathlib import Path

from pipeline.deliver.notice import send_notice
from pipeline.errors import KijkwijzerError
from pipeline.fsutil import FILE_MODE, atomic_write_bytes, private_dir
from pipeline.ingest.errors import disk_full_cause
from pipeline.ingest.folder_names import safe_folder_name, safe_recording_id
from pipeline.settings import Settings


def media_name(media: Path, settings: Settings) -> str:
    """The recording's file name in the outbox; pass it to ``write_sheet`` as ``media_href``."""
    return f"{settings.deliver.media_basename}{Path(media).suffix.lower()}"


def outbox_folder(outbox_root: Path, klantmanager: str, recording_id: str, recorded_on: date) -> Path:
    """Where one recording's sheet is delivered (also what ``forget`` removes)."""
    return (
        Path(outbox_root)
        / safe_folder_name(klantmanager)
        / f"{recorded_on.isoformat()}_{safe_recording_id(recording_id)}"
    )


def _replace_with(target: Path, make: object) -> None:
    """Create the new entry under a temporary name in the same folder, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        make(tmp)  # type: ignore[operator]
        os.replace(tmp, target)
    except BaseException:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        raise


def _place_media(media: Path, target: Path, mode: str) -> None:
    source = Path(media).resolve()
    if not source.is_file():
        raise KijkwijzerError(f"{media}: recording not found, so it cannot be delivered with the sheet")
    if mode == "copy":

        def make(tmp: Path) -> None:
            shutil.copyfile(source, tmp)
            os.chmod(tmp, FILE_MODE)

    elif mode == "hardlink":

        def make(tmp: Path) -> None:
            try:
                os.link(source, tmp)
            except OSError as exc:
                raise KijkwijzerError(
                    f"{target.parent}: cannot hard-link the recording "
                    f"({exc.strerror}; use deliver.media: copy)"
                ) from exc

    else:

        def make(tmp: Path) -> None:
            os.symlink(source, tmp)

    _replace_with(target, make)


class OutboxUnwritable(KijkwijzerError):
    """The klantmanager's outbox folder cannot be written (read-only, no permission).

    Not the recording's fault: the sheet stays in the archive (``archive/<id>/out/``) and
    is delivered by the next ``kijkwijzer reprocess`` once the folder is writable.
    """

    code = "outbox_unwritable"


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Replace ``folder`` by the complete ``staging`` folder (two renames, no mix of old and new)."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.old")
        os.rename(folder, old)
        os.rename(staging, folder)
        shutil.rmtree(old)
    else:
        os.rename(staging, folder)


def _remove_stale(folder: Path) -> None:
    """Staging or replaced copies left by a run killed in the middle of a delivery."""
    for entry in folder.parent.glob(f".{folder.name}.*"):
        if entry.is_dir() and not entry.is_symlink() and entry.name.endswith((".tmp", ".old")):
            shutil.rmtree(entry)


def deliver(
    sheet_dir: Path,
    outbox_root: Path,
    klantmanager: str,
    recording_id: str,
    recorded_on: date,
    media: Path,
    settings: Settings,
) -> Path:
    """Copy the sheet (and the recording) into the outbox; send the optional notice; return the folder.

    The delivery is assembled in a hidden folder next to its final place and renamed
    into place when complete, so the klantmanager never sees a half-delivered sheet, even
    when the disk fills up in the middle. A folder that cannot be written raises
    :class:`OutboxUnwritable`; a full disk raises the ``OSError`` (reported as disk full).
    """
    config = settings.deliver
    sheet_dir = Path(sheet_dir)
    missing = [name for name in config.required if not (sheet_dir / name).is_file()]
    if missing:
        raise KijkwijzerError(
            f"{sheet_dir}: {', '.join(missing)} missing, nothing delivered (write the sheet first)"
        )
    folder = outbox_folder(outbox_root, klantmanager, recording_id, recorded_on)
    staging = None
    try:
        private_dir(folder.parent)
        _remove_stale(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
        for name in config.files:
            source = sheet_dir / name
            if source.is_file():
                atomic_write_bytes(staging / name, source.read_bytes())
        if config.media != "none":
            _place_media(media, staging / media_name(media, settings), config.media)
        _swap_into_place(staging, folder)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if disk_full_cause(exc):
            raise
        raise OutboxUnwritable(
            f"{folder.parent}: the sheet cannot be delivered there ({exc.strerror or exc}); "
            f"it stays in the archive (archive/{recording_id}/out/): make the folder writable "
            "and run `kijkwijzer reprocess` to deliver it"
        ) from exc
    if config.smtp.enabled:
        send_notice(klantmanager, recorded_on, folder, settings)
    return folder
