"""Time windows around moments: context before and after, sentence edges, length limits.

A fragment that starts mid-word or ends before the client has answered is frustrating to
watch, so windows are widened a little to the nearest sentence edge and always get some
context before the moment (to see what led up to it) and after it (to see the reaction).
"""

from __future__ import annotations

import bisect
import math
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


class SentenceSpans:
    """Where the sentences and their turns lie in time, indexed so a window's lookups stay local.

    Every seed moment asks for its turn's edges and the sentence edges to snap to; scanning
    all sentences for each made candidate windows grow with the square of the recording.
    """

    def __init__(self, sentences: list[Sentence]) -> None:
        self._sentences = sentences
        self._order = sorted(range(len(sentences)), key=lambda i: sentences[i].start)
        self._starts = [sentences[i].start for i in self._order]
        self._turns = [sentences[i].turn_index for i in self._order]
        self._longest = max((max(s.end - s.start, 0.0) for s in sentences), default=0.0)
        self._spans: dict[int, tuple[float, float]] = {}
        for sentence in (sentences[i] for i in self._order):
            start, end = self._spans.get(sentence.turn_index, (sentence.start, sentence.end))
            self._spans[sentence.turn_index] = (min(start, sentence.start), max(end, sentence.end))

    def around(self, time: float) -> tuple[float, float]:
        """Start and end of the turn speaking at ``time`` (the last one begun by then)."""
        i = bisect.bisect_right(self._starts, time + 1e-6) - 1
        return self._spans[self._turns[i]] if i >= 0 else (-math.inf, math.inf)

    def snap(self, start: float, end: float, snap_s: float) -> tuple[float, float]:
        """``_snap`` over only the sentences that reach into ``[lo, hi]``, in their own order.

        The result is the same as over all sentences: an edge only moves into a sentence that
        holds it, so while both edges stay inside ``[lo, hi]`` no sentence outside can have
        moved one. When an edge leaves the range, the range is widened and the snap redone.
        """
        lo, hi = start - snap_s, end + snap_s
        while True:
            first = bisect.bisect_left(self._starts, lo - self._longest)
            last = bisect.bisect_left(self._starts, hi)
            near = sorted(i for i in self._order[first:last] if self._sentences[i].end > lo)
            snapped = _snap(start, end, [self._sentences[i] for i in near], snap_s)
            if snapped[0] >= lo and snapped[1] <= hi:
                return snapped
            lo, hi = min(lo, snapped[0]) - snap_s, max(hi, snapped[1]) + snap_s


def window_for(
    moments: list[Moment],
    spans: SentenceSpans,
    duration: float,
    frag: FragmentSettings,
) -> Window:
    """The window a fragment showing these consecutive moments (one or a short run) should cover.

    The context seconds stay inside the moment's own turns, and the window is not widened to
    ``min_length_s`` here: the turn edges (``boundaries.py``) bring in the turn that led into
    it, the reply, and whole following turns up to the minimum length. Seconds that spilled
    into a neighbouring turn made the edges take that whole turn, and its lead-in or reply,
    for a moment that did not need them (tune coverage 0.66 -> 0.68, rules only 0.59 -> 0.60).
    """
    first = moments[0]
    shown_end = max(min(m.end, m.start + frag.long_event_cap_s) for m in moments)
    start = max(first.start - frag.context_before_s, spans.around(first.start)[0], 0.0)
    end = min(shown_end + frag.context_after_s, spans.around(shown_end)[1], duration)
    start, end = spans.snap(start, end, frag.snap_s)
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
    spans = SentenceSpans(sentences)
    windows: dict[Window, None] = {}  # insertion-ordered set: the pool's order decides ties
    for i, first in enumerate(seeds):
        for j in range(i, len(seeds)):
            if j > i and seeds[j].end - first.start > frag.run_span_s:
                break
            windows.setdefault(window_for(seeds[i : j + 1], spans, duration, frag))
    return list(windows)
