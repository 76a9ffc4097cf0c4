"""Time windows around moments: context before and after, sentence edges, length limits.

A fragment that starts mid-word or ends before the client has answered is frustrating to
watch, so windows are widened a little to the nearest sentence edge and always get some
context before the moment (to see what led up to it) and after it (to see the reaction).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.fragments.moments import Moment
from pipeline.settings.fragments import FragmentSettings
from pipeline.types import Sentence


@dataclass(frozen=True)
class Window:
    """A stretch of the recording, in seconds."""

    start: float
    end: float

    @property
    def length(self) -> float:
        """Duration in seconds."""
        return self.end - self.start

    def overlap(self, start: float, end: float) -> float:
        """Seconds of ``[start, end]`` inside this window."""
        return max(0.0, min(self.end, end) - max(self.start, start))

    def shows(self, start: float, end: float) -> bool:
        """Whether enough of ``[start, end]`` lies inside to see it happen (see :func:`shown_mask`)."""
        mask = shown_mask(self, np.array([start]), np.array([end]))
        return bool(mask[0])

    def union(self, other: Window) -> Window:
        """The smallest window holding both."""
        return Window(min(self.start, other.start), max(self.end, other.end))

    def gap(self, other: Window) -> float:
        """Seconds between the two windows; negative when they overlap."""
        return max(self.start, other.start) - min(self.end, other.end)


def shown_mask(window: Window, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which of the stretches ``[starts, ends]`` a window shows.

    A stretch is shown when the window holds its beginning (what led to it matters) and
    enough of it to see it happen: 80% of a short stretch, a quarter (3 to 10 s) of a long
    one (a fragment deliberately shows only the first part of a monologue).
    """
    lengths = np.maximum(ends - starts, 0.0)
    needed = np.maximum(np.minimum(np.minimum(0.8 * lengths, np.maximum(3.0, 0.25 * lengths)), 10.0), 1e-6)
    overlap = np.clip(np.minimum(window.end, ends) - np.maximum(window.start, starts), 0, None)
    instant = (lengths == 0) & (window.start <= starts) & (starts <= window.end)
    return ((overlap >= needed) & (window.start <= starts + np.minimum(1.5, 0.5 * lengths))) | instant


def _snap(start: float, end: float, sentences: list[Sentence], snap_s: float) -> tuple[float, float]:
    """Move edges that fall inside a sentence out to that sentence's edge, if it is close."""
    for sentence in sentences:
        if sentence.start < start < sentence.end and start - sentence.start <= snap_s:
            start = sentence.start
        if sentence.start < end < sentence.end and sentence.end - end <= snap_s:
            end = sentence.end
    return start, end


def fit(start: float, end: float, duration: float, frag: FragmentSettings) -> Window:
    """Widen to the minimum length (mostly after: the reaction), then clamp to the recording and maximum."""
    min_len = min(frag.min_length_s, duration)
    if end - start < min_len:
        missing = min_len - (end - start)
        start, end = start - missing * (1 - frag.widen_after_share), end + missing * frag.widen_after_share
    if start < 0:
        start, end = 0.0, end - start
    if end > duration:
        start, end = max(0.0, start - (end - duration)), duration
    end = min(end, start + frag.max_length_s)
    return Window(round(start, 2), round(end, 2))


def window_for(
    moments: list[Moment], sentences: list[Sentence], duration: float, frag: FragmentSettings
) -> Window:
    """The window a fragment showing these consecutive moments (one or a short run) should cover."""
    first = moments[0]
    shown_end = max(min(m.end, m.start + frag.long_event_cap_s) for m in moments)
    window = fit(first.start - frag.context_before_s, shown_end + frag.context_after_s, duration, frag)
    start, end = _snap(window.start, window.end, sentences, frag.snap_s)
    end = min(end, duration, start + frag.max_length_s)
    return Window(round(max(start, 0.0), 2), round(end, 2))


def candidate_windows(
    moments: list[Moment], sentences: list[Sentence], duration: float, frag: FragmentSettings
) -> list[Window]:
    """One window per seed moment, plus one per run of seeds that fits in ``run_span_s``.

    Runs let the selection see that one slightly longer fragment can show two or three
    moments that lie close together, which is usually cheaper than separate fragments.
    """
    seeds = sorted((m for m in moments if m.seed), key=lambda m: m.start)
    windows: list[Window] = []
    for i, first in enumerate(seeds):
        for j in range(i, len(seeds)):
            if j > i and seeds[j].end - first.start > frag.run_span_s:
                break
            window = window_for(seeds[i : j + 1], sentences, duration, frag)
            if window not in windows:
                windows.append(window)
    return windows
