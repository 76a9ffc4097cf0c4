"""Attribute ASR words to diarised speakers."""

from __future__ import annotations

import bisect

from pipeline.types import SpeakerSegment, Word


def word_speakers(words: list[Word], segments: list[SpeakerSegment]) -> list[str | None]:
    """Speaker of each word: the segment overlapping it most, else the nearest segment.

    Whisper's word times and the diariser's boundaries disagree by tens of
    milliseconds, and a word in a diarisation gap still belongs to someone, so
    every word gets a speaker as long as there is any segment at all.
    """
    if not segments:
        return [None] * len(words)
    ordered = sorted(segments, key=lambda seg: seg.start)
    starts = [seg.start for seg in ordered]
    longest = max(seg.end - seg.start for seg in ordered)
    out: list[str | None] = []
    for word in words:
        # Only segments starting before the word ends, and not ending long before it starts, can overlap.
        hi = bisect.bisect_right(starts, word.end)
        lo = bisect.bisect_left(starts, word.start - longest)
        best, best_overlap = None, 0.0
        for seg in ordered[lo:hi]:
            overlap = min(seg.end, word.end) - max(seg.start, word.start)
            if overlap > best_overlap:
                best, best_overlap = seg.speaker, overlap
        if best is None:
            centre = (word.start + word.end) / 2
            near = ordered[max(0, hi - 2) : hi + 1] or ordered
            best = min(near, key=lambda seg: max(seg.start - centre, centre - seg.end, 0.0)).speaker
        out.append(best)
    return out
