"""Progress bars on stderr, in audio seconds, for long work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def audio_progress(
    label: str, total_s: float, enabled: bool = True
) -> Iterator[Callable[[float, float], None]]:
    """Yield an ``on_progress(done_s, total_s)`` callback that drives a tqdm bar."""
    if not enabled:
        yield lambda done, total: None
        return
    bar = tqdm(
        total=round(total_s, 1), desc=label, unit="s", unit_scale=False, leave=False, dynamic_ncols=True
    )

    def update(done_s: float, _total_s: float) -> None:
        bar.update(max(0.0, round(done_s, 1) - bar.n))

    try:
        yield update
    finally:
        bar.close()
