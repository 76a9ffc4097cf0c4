"""The checks every input passes before anything reads it as media.

Used both by the inbox watcher (a refusal means quarantine) and by ``kijkwijzer process``
(a refusal means exit code 2), so a hostile file is refused the same way everywhere.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.ingest.errors import IngestRefusal
from pipeline.ingest.names import NAME_MAX, name_problem, printable
from pipeline.ingest.sniff import sniff
from pipeline.settings.orchestration import IngestSettings


def check_name(name: str, ingest: IngestSettings) -> None:
    """Refuse a file name that is unsafe (control characters, too long, path tricks)."""
    problem = name_problem(name, ingest.max_name_bytes)
    if problem:
        raise IngestRefusal("unsafe_name", f"{printable(name)[:120]!r}: {problem} (rename the file)")


def check_sidecar_possible(name: str, ingest: IngestSettings) -> None:
    """Refuse a recording whose consent sidecar name (name + suffix) no file system can hold.

    A 244-byte name fits Linux's 255-byte limit, but its ``.consent.yaml`` does not, so it
    can never have consent; it is refused at once with a reason instead of waiting forever.
    """
    sidecar = name + ingest.sidecar_suffix
    if len(sidecar.encode("utf-8", "surrogateescape")) > NAME_MAX:
        raise IngestRefusal(
            "name_too_long",
            f"{printable(name)[:120]!r}…: the name is {len(name.encode('utf-8', 'surrogateescape'))} bytes, "
            f"so its consent file {ingest.sidecar_suffix!r} would exceed {NAME_MAX} bytes "
            "(rename the recording to a shorter name and drop it with its consent file again)",
        )


def check_media_file(path: Path, ingest: IngestSettings, display_name: str | None = None) -> str:
    """Refuse anything but a regular, non-empty, size-limited file that starts like media.

    Returns the sniffed container kind. ``display_name`` is the name used in messages
    (the original name when ``path`` is a claimed copy).
    """
    name = display_name or path.name
    try:
        info = os.lstat(path)
    except FileNotFoundError as exc:
        raise IngestRefusal("not_found", f"{name}: file not found (check the path)") from exc
    if stat.S_ISLNK(info.st_mode):
        raise IngestRefusal("symlink", f"{name}: is a symbolic link; copy the recording itself")
    if stat.S_ISDIR(info.st_mode):
        raise IngestRefusal("not_a_file", f"{name}: is a folder; drop the recording files themselves")
    if not stat.S_ISREG(info.st_mode):
        raise IngestRefusal("not_a_file", f"{name}: is not a regular file")
    if info.st_size == 0:
        raise IngestRefusal("empty", f"{name}: file is empty (copy the recording again)")
    if info.st_size > ingest.max_media_bytes:
        raise IngestRefusal(
            "too_large",
            f"{name}: {info.st_size} bytes is over the limit of {ingest.max_media_bytes} "
            "(orchestration.ingest.max_media_bytes)",
        )
    suffix = Path(name).suffix.lower()
    if suffix not in ingest.media_suffixes:
        raise IngestRefusal(
            "unsupported_type",
            f"{name}: {suffix or 'no extension'} is not a supported recording type "
            f"({', '.join(ingest.media_suffixes)})",
        )
    found = sniff(path)
    if not found.is_media:
        raise IngestRefusal(
            "not_media",
            f"{name}: content is not audio or video (it looks like {found.kind}); export the recording again",
        )
    return found.kind
