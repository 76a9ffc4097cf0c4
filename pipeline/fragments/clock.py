"""Times as a klantmanager reads them on a video player: 2:05, or 1:02:05 past an hour."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """Format seconds from the start of the recording as m:ss or h:mm:ss."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
