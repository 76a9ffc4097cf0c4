"""One shared deduce instance per process.

Building ``deduce.Deduce()`` the first time after installation writes a ~79 MB lookup cache
into site-packages (1-2 min idle, up to 12 min under load); afterwards loading it still takes
a few seconds. So the instance is created once per process and reused, and
``python -m pipeline.privacy.warmup`` builds the cache during setup instead of at first use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import deduce


@dataclass(frozen=True)
class RawAnnotation:
    """A span deduce marked as personal data, with deduce's own tag (persoon, locatie, ...)."""

    start: int
    end: int
    tag: str


def _import_deduce_quietly() -> None:
    """Import deduce without its import-time ``logging.basicConfig(level=DEBUG)`` to stdout.

    deduce configures the root logger when imported; left alone, every library's debug
    output would go to our stdout. A placeholder handler makes ``basicConfig`` a no-op.
    """
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    added = not root.handlers
    if added:
        root.addHandler(placeholder)
    try:
        import deduce  # noqa: F401
    finally:
        if added:
            root.removeHandler(placeholder)


@lru_cache(maxsize=1)
def get_deduce() -> deduce.Deduce:
    """The process-wide deduce instance (built on first call; see module docstring)."""
    _import_deduce_quietly()
    import deduce

    return deduce.Deduce()


def annotate(text: str) -> list[RawAnnotation]:
    """deduce's annotations of ``text``, sorted by position."""
    if not text.strip():
        return []
    document = get_deduce().deidentify(text, disabled={"redactor"})
    return sorted(
        (RawAnnotation(a.start_char, a.end_char, a.tag) for a in document.annotations),
        key=lambda a: (a.start, a.end),
    )
