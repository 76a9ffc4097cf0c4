"""Safe folder names for klantmanagers and recordings.

A klantmanager's name ("A. de Vries", "Ümit Çelik") names her outbox and intentions
folders; it comes from a consent sidecar that anyone could write, so it must never be able
to reach outside the data root or collide with hidden or special names.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import KijkwijzerError

MAX_LENGTH = 64


def safe_folder_name(name: str, what: str = "klantmanager") -> str:
    """Lowercase ASCII letters, digits and single hyphens: ``A. de Vries`` -> ``a-de-vries``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_LENGTH].strip("-")
    if not slug:
        raise KijkwijzerError(
            f"{what} name {name!r} has no letters or digits (use a name like 'A. de Vries')"
        )
    return slug


def safe_recording_id(recording_id: str) -> str:
    """Recording ids keep their case, digits, '-' and '_'; anything else becomes '-'."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", recording_id).strip("-_")[:MAX_LENGTH]
    if not cleaned:
        raise KijkwijzerError(f"recording id {recording_id!r} has no letters or digits")
    return cleaned
