"""Content hashes and the recording ids derived from them.

The id is a prefix of the media's sha256, so the same recording dropped twice (even
under another name) gets the same id and is recognised as a duplicate, and the id
itself says nothing about the people in it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import file_sha256

RECORDING_ID = re.compile(r"^rec-[0-9a-f]{16}$")
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """Hex sha256 of a recording's content; a symbolic link in its place is refused."""
    return file_sha256(path, follow_symlinks=False)


def recording_id_for(sha256: str) -> str:
    """The recording id for a content hash."""
    return f"rec-{sha256[:16]}"


def check_recording_id(text: str) -> str:
    """Return ``text`` if it is a well-formed recording id, else raise a one-line error.

    Ids arrive from the command line (``kijkwijzer forget``) and become folder names, so
    anything but the exact format is refused before it touches the file system.
    """
    if not RECORDING_ID.match(text):
        raise KijkwijzerError(
            f"{text!r}: not a recording id (expected rec- and 16 hex digits; see `kijkwijzer status`)"
        )
    return text
