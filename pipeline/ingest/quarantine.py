"""Quarantine: refused inputs are moved aside, untouched, with a ``reason.txt``.

Nothing that arrives is ever deleted or processed without consent; a refused file is
kept where a researcher can read why and fix it (add a sidecar, export the video again)
and drop it in the inbox again.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

from pipeline.fsutil import FILE_MODE, atomic_write_text, private_dir
from pipeline.ingest.audit import audit
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.names import name_problem, printable, slug


def _target_name(name: str, index: int) -> str:
    return name if name_problem(name) is None and not name.startswith(".") else f"file-{index}"


def quarantine(
    root: DataRoot,
    files: list[tuple[Path, str]],
    code: str,
    message: str,
    actor: str,
    recording_id: str | None = None,
) -> Path:
    """Move ``files`` (current path, original name) into a new quarantine folder.

    Returns the folder. Unsafe original names are replaced by ``file-N`` (the original is
    written, escaped, into ``reason.txt``); symlinks are moved as links, never followed.
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    item_id = f"q-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    label = slug(files[0][1]) if files else "item"
    folder = private_dir(root.quarantine / f"{item_id}_{label}")
    lines = [
        f"reason: {code}",
        f"detail: {printable(message)}",
        f"time: {now.isoformat()}",
    ]
    if recording_id:
        lines.append(f"recording_id: {recording_id}")
    for index, (path, original) in enumerate(files, start=1):
        target = folder / _target_name(original, index)
        if not path.is_symlink() and path.is_file():
            os.chmod(path, FILE_MODE)  # owner-only, like everything the pipeline keeps
        shutil.move(path, target)
        lines.append(f"file: {target.name} (dropped as {printable(original)!r})")
    lines.append("To retry: fix the problem and drop the file(s) in the inbox again.")
    atomic_write_text(folder / "reason.txt", "\n".join(lines) + "\n")
    audit(root.audit_log, "quarantined", recording_id or item_id, code, actor, item=item_id)
    return folder


def item_id(folder: Path) -> str:
    """The id of a quarantine item (``q-…``), which unlike the folder name holds no file name."""
    return folder.name.split("_", 1)[0]


def quarantined_items(root: DataRoot) -> list[tuple[Path, str]]:
    """Each quarantine folder with the first line of its reason (for ``status``)."""
    items = []
    if root.quarantine.is_dir():
        for folder in sorted(root.quarantine.iterdir()):
            try:
                first = (folder / "reason.txt").read_text(encoding="utf-8").splitlines()[:2]
            except FileNotFoundError:
                if not folder.is_dir():
                    continue  # purged while we looked
                first = []  # being written right now
            items.append((folder, " / ".join(first)))
    return items
